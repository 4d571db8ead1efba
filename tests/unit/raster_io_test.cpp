// read_raster and RasterReader (streaming in chunks): round trips for every integer type a raster may arrive in, one error per bad
// case (naming what is wrong), and the real recording examples/data/spikes15.h5 (beside the
// repository); RasterWriter against write_raster.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <random>
#include <tuple>

#include "error_matchers.hpp"
#include "h5py_types.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/raster_io.hpp"
#include "nirl/io/raster_writer.hpp"
#include "nirl/io/results_io.hpp"
#include "test_data.hpp"

using namespace nirl;

namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "/nirl_raster_" + name + "_" + std::to_string(::getpid()) + ".h5";
}

// Datasets the h5 helpers do not write: int64, and h5py's boolean (an enum over int8,
// FALSE = 0, TRUE = 1).
void write_raw(hid_t file, const std::string& name, hid_t type, const void* data, const std::vector<hsize_t>& dims) {
  h5::Handle space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose);
  h5::Handle ds(H5Dcreate2(file, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  ASSERT_GE(ds.get(), 0);
  ASSERT_GE(H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0);
}

using nirl::testing::h5py_bool_type;

using nirl::testing::error_of;
using nirl::testing::mentions;

// 5 steps x 3 neurons.
const std::vector<std::uint8_t> kSpikes = {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1};
const std::vector<std::int32_t> kInput = {0, 1, 1, 0, 1};

void expect_spikes(const Raster& r) {
  EXPECT_EQ(r.n, 3);
  EXPECT_EQ(r.steps, 5u);
  EXPECT_EQ(r.spikes, kSpikes);
  EXPECT_EQ(r.sigma(2), 3u);  // neurons 0 and 1
  EXPECT_EQ(r.sigma(3), 6u);  // neurons 1 and 2
}

}  // namespace

TEST(RasterIo, RoundTripUint8WithInput) {
  const std::string path = temp_path("uint8");
  Raster raster;
  raster.n = 3;
  raster.steps = 5;
  raster.spikes = kSpikes;
  raster.input = kInput;
  {
    h5::OutputFile out(path);
    write_raster(out, raster);
    out.commit();
  }
  const h5::InputFile in(path);
  const Raster back = read_raster(in, "/raster/spikes", "/raster/input", 2, 3);
  expect_spikes(back);
  EXPECT_EQ(back.input, kInput);
  EXPECT_EQ(back.x(1), 1);
  std::remove(path.c_str());
}

TEST(RasterIo, RoundTripInt32Int64AndBool) {
  const std::string path = temp_path("types");
  {
    h5::OutputFile out(path);
    const std::vector<std::int32_t> s32(kSpikes.begin(), kSpikes.end());
    const std::vector<std::int64_t> s64(kSpikes.begin(), kSpikes.end());
    const std::vector<signed char> sbool(kSpikes.begin(), kSpikes.end());
    h5::write_int32(out.id(), "/int32", s32.data(), {5, 3}, test_data(2));
    write_raw(out.id(), "/int64", H5T_NATIVE_INT64, s64.data(), {5, 3});
    write_raw(out.id(), "/bool", h5py_bool_type().get(), sbool.data(), {5, 3});
    h5::write_int32(out.id(), "/zeros", std::vector<std::int32_t>(5, 0).data(), {5}, test_data(1));
    out.commit();
  }
  const h5::InputFile in(path);
  for (const char* name : {"/int32", "/int64", "/bool"}) {
    SCOPED_TRACE(name);
    const Raster r = read_raster(in, name, "", 1);
    expect_spikes(r);
    EXPECT_TRUE(r.input.empty());
  }
  // nx = 1: an all-zero input is accepted and dropped (Raster::input is empty without input).
  EXPECT_TRUE(read_raster(in, "/int32", "/zeros", 1, 3).input.empty());
  std::remove(path.c_str());
}

TEST(RasterIo, RejectsBadRasters) {
  const std::string path = temp_path("bad");
  {
    h5::OutputFile out(path);
    std::vector<std::uint8_t> two = {0, 1, 0, 1, 0, 2, 0, 0, 1};
    h5::write_uint8(out.id(), "/two", two.data(), {3, 3}, test_data(2));
    const double f[6] = {0, 1, 0, 1, 1, 0};
    h5::write_doubles(out.id(), "/float", f, {3, 2}, test_data(2));
    h5::write_uint8(out.id(), "/rank1", kSpikes.data(), {4}, test_data(1));
    h5::write_uint8(out.id(), "/rank3", kSpikes.data(), {2, 2, 2}, test_data(3));
    h5::write_uint8(out.id(), "/short", kSpikes.data(), {1, 3}, test_data(2));
    h5::write_uint8(out.id(), "/wide", std::vector<std::uint8_t>(2 * 41, 0).data(), {2, 41}, test_data(2));
    h5::write_uint8(out.id(), "/ok", kSpikes.data(), {5, 3}, test_data(2));
    h5::write_int32(out.id(), "/input_short", kInput.data(), {4}, test_data(1));
    const std::int32_t big[5] = {0, 1, 1, 2, 0}, negative[5] = {0, -1, 1, 1, 0};
    h5::write_int32(out.id(), "/input_big", big, {5}, test_data(1));
    h5::write_int32(out.id(), "/input_negative", negative, {5}, test_data(1));
    h5::write_doubles(out.id(), "/input_float", f, {5}, test_data(1));
    out.commit();
  }
  const h5::InputFile in(path);
  const auto read = [&](const char* spikes, const char* input = "", int nx = 1, int n = -1) {
    return error_of([&] { read_raster(in, spikes, input, nx, n); });
  };

  const std::string two = read("/two");
  EXPECT_TRUE(mentions(two, path));
  EXPECT_TRUE(mentions(two, "dataset /two holds 2 at row 1, column 2"));
  EXPECT_TRUE(mentions(read("/float"), "floating-point type"));
  EXPECT_TRUE(mentions(read("/rank1"), "rank 1, expected 2"));
  EXPECT_TRUE(mentions(read("/rank3"), "rank 3, expected 2"));
  EXPECT_TRUE(mentions(read("/short"), "/short has 1 time step"));
  EXPECT_TRUE(mentions(read("/wide"), "41 columns"));
  EXPECT_TRUE(mentions(read("/ok", "", 1, 4), "/ok has 3 columns (neurons), expected 4"));
  EXPECT_TRUE(mentions(read("/absent"), "dataset /absent is missing"));
  EXPECT_TRUE(mentions(read("/ok", "/absent", 2), "dataset /absent is missing"));
  EXPECT_TRUE(mentions(read("/ok", "/input_short", 2), "/input_short has length 4 but /ok has 5 time steps"));
  EXPECT_TRUE(mentions(read("/ok", "/input_big", 2), "/input_big holds 2 at step 3"));
  EXPECT_TRUE(mentions(read("/ok", "/input_negative", 2), "/input_negative holds -1 at step 1"));
  EXPECT_TRUE(mentions(read("/ok", "/input_float", 2), "floating-point type"));
  EXPECT_TRUE(mentions(read("/ok", "/ok", 2), "rank 2, expected 1"));
  EXPECT_TRUE(mentions(read("/ok", "", 0), "input states must be >= 1"));
  EXPECT_EQ(read("/ok", "/input_big", 3), "(no error)");
  std::remove(path.c_str());
}

TEST(RasterIo, ReadsRecordedSpikes15) {
  const std::string path = NIRL_SOURCE_DIR "/examples/data/spikes15.h5";
  if (access(path.c_str(), R_OK) != 0) GTEST_SKIP() << path << " is not available";
  const h5::InputFile in(path);
  const Raster r = read_raster(in, "/spikes", "", 1, 15);
  ASSERT_EQ(r.n, 15);
  ASSERT_EQ(r.steps, 40000u);

  // Per-neuron spike counts: from the raw dataset, and from the raster's sigma(t).
  std::vector<hsize_t> dims;
  const std::vector<std::int64_t> raw = h5::read_integers(in, "/spikes", 2, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{40000, 15}));
  std::vector<long> from_raw(15, 0), from_sigma(15, 0);
  for (std::size_t k = 0; k < raw.size(); ++k) from_raw[k % 15] += raw[k];
  for (std::size_t t = 0; t < r.steps; ++t)
    for (int i = 0; i < 15; ++i) from_sigma[std::size_t(i)] += long((r.sigma(t) >> i) & 1);
  EXPECT_EQ(from_sigma, from_raw);
  long total = 0;
  for (long c : from_raw) total += c;
  EXPECT_GT(total, 0);
  EXPECT_LT(total, long(raw.size()));
}

// RasterWriter (nirl simulate's output) against write_raster of the same raster held in
// memory: the same datasets, values, chunks and filter, for blocks of any size arriving in
// order, with and without input: less than a chunk, exactly two chunks, and several chunks
// with a partial last one.
TEST(RasterIo, WriterWhileSamplingGivesTheFileOfWriteRaster) {
  std::mt19937_64 gen(11);
  const std::size_t chunk = std::size_t(h5::kChunkRows);
  for (const auto& [has_input, steps] : std::vector<std::pair<bool, std::size_t>>{
           {true, 2 * chunk + 777}, {false, 2 * chunk + 777}, {true, 100}, {false, 2 * chunk}}) {
    SCOPED_TRACE(std::to_string(steps) + (has_input ? " steps with input" : " steps"));
    Raster raster;
    raster.n = 5;
    raster.steps = steps;
    for (std::size_t k = 0; k < raster.steps * 5; ++k) raster.spikes.push_back(std::uint8_t(gen() & 1));
    if (has_input)
      for (std::size_t t = 0; t < raster.steps; ++t) raster.input.push_back(std::int32_t(gen() % 3));
    const std::string streamed = temp_path("streamed"), whole = temp_path("whole");
    {
      h5::OutputFile out(streamed);
      RasterWriter writer(out, raster.n, raster.steps, has_input);
      for (std::size_t first = 0; first < raster.steps;) {
        const std::size_t count = std::min<std::size_t>(raster.steps - first, 1 + gen() % 1500);
        writer.append(first, count, raster.spikes.data() + first * 5, has_input ? raster.input.data() + first : nullptr);
        first += count;
      }
      writer.finish();
      out.commit();
      h5::OutputFile out2(whole);
      write_raster(out2, raster);
      out2.commit();
    }
    const h5::InputFile a(streamed), b(whole);
    const Raster back = read_raster(a, "/raster/spikes", has_input ? "/raster/input" : "", 3, 5);
    EXPECT_EQ(back.spikes, raster.spikes);
    EXPECT_EQ(back.input, raster.input);
    EXPECT_EQ(h5::read_attribute_int(a, "/raster", "steps"), (long long)raster.steps);
    EXPECT_EQ(h5::read_attribute_int(a, "/raster", "n"), 5);
    for (const char* name : {"/raster/spikes", "/raster/input"}) {
      if (!has_input && std::string(name) == "/raster/input") {
        EXPECT_FALSE(h5::exists(a, name));
        continue;
      }
      auto layout = [&](const h5::InputFile& f) {
        h5::Handle ds(H5Dopen2(f.id(), name, H5P_DEFAULT), H5Dclose);
        h5::Handle dcpl(H5Dget_create_plist(ds.get()), H5Pclose);
        std::vector<hsize_t> chunk(2, 0);
        const int rank = H5Pget_chunk(dcpl.get(), 2, chunk.data());
        unsigned flags = 0, config = 0;
        std::size_t nvalues = 1;
        unsigned level = 0;
        char filter_name[16];
        const H5Z_filter_t filter = H5Pget_filter2(dcpl.get(), 0, &flags, &nvalues, &level, sizeof filter_name,
                                                   filter_name, &config);
        h5::Handle type(H5Dget_type(ds.get()), H5Tclose);
        return std::make_tuple(rank, chunk, filter, level, H5Tget_size(type.get()));
      };
      EXPECT_EQ(layout(a), layout(b)) << name;
    }
    std::remove(streamed.c_str());
    std::remove(whole.c_str());
  }
}

TEST(RasterIo, WriterRefusesBlocksOutOfOrderAndAShortRaster) {
  const std::string path = temp_path("writer_errors");
  const std::vector<std::uint8_t> rows(40, 1);
  {
    h5::OutputFile out(path);
    RasterWriter writer(out, 2, 20, false);
    writer.append(0, 5, rows.data(), nullptr);
    EXPECT_TRUE(mentions(error_of([&] { writer.append(6, 2, rows.data(), nullptr); }), "steps 6 .. 8 do not follow"));
    EXPECT_TRUE(mentions(error_of([&] { writer.append(5, 16, rows.data(), nullptr); }), "do not follow"));
    EXPECT_TRUE(mentions(error_of([&] { writer.finish(); }), "5 of 20 steps written"));
  }
  EXPECT_FALSE(std::ifstream(path).good());  // never committed: no file
}

TEST(RasterIo, ReaderStreamsChunksInOrderWithTheChecksOfReadRaster) {
  std::mt19937_64 gen(17);
  const std::size_t chunk = std::size_t(h5::kChunkRows), steps = 2 * chunk + 777;
  Raster raster;
  raster.n = 3;
  raster.steps = steps;
  for (std::size_t k = 0; k < steps * 3; ++k) raster.spikes.push_back(std::uint8_t(gen() & 1));
  for (std::size_t t = 0; t < steps; ++t) raster.input.push_back(std::int32_t(gen() % 3));
  const std::string path = temp_path("stream");
  {
    h5::OutputFile out(path);
    write_raster(out, raster);
    // The same data with one bad value in the second or third chunk, in types that a
    // conversion to bytes would clip: int16 300, uint16 256, int8 -1, int64 input 5e9.
    std::vector<std::int16_t> s16(raster.spikes.begin(), raster.spikes.end());
    s16[70000 * 3 + 1] = 300;
    write_raw(out.id(), "/int16", H5T_NATIVE_INT16, s16.data(), {steps, 3});
    std::vector<std::uint16_t> u16(raster.spikes.begin(), raster.spikes.end());
    u16[131073 * 3 + 2] = 256;
    write_raw(out.id(), "/uint16", H5T_NATIVE_UINT16, u16.data(), {steps, 3});
    std::vector<std::int8_t> s8(raster.spikes.begin(), raster.spikes.end());
    s8[131073 * 3] = -1;
    write_raw(out.id(), "/int8", H5T_NATIVE_INT8, s8.data(), {steps, 3});
    std::vector<std::int64_t> x64(raster.input.begin(), raster.input.end());
    x64[100000] = 5000000000LL;
    write_raw(out.id(), "/input64", H5T_NATIVE_INT64, x64.data(), {steps});
    out.commit();
  }
  const h5::InputFile in(path);
  const RasterReader reader(in, "/raster/spikes", "/raster/input", 3, 3);
  EXPECT_EQ(reader.n(), 3);
  EXPECT_EQ(reader.steps(), steps);
  Raster back;
  std::vector<std::size_t> firsts;
  reader.for_each_block([&](std::size_t first, std::size_t count, const std::uint8_t* rows, const std::int32_t* input) {
    firsts.push_back(first);
    back.spikes.insert(back.spikes.end(), rows, rows + count * 3);
    back.input.insert(back.input.end(), input, input + count);
  });
  EXPECT_EQ(firsts, (std::vector<std::size_t>{0, chunk, 2 * chunk}));
  EXPECT_EQ(back.spikes, raster.spikes);
  EXPECT_EQ(back.input, raster.input);

  const auto stream = [&](const char* spikes, const char* input) {
    return error_of([&] { RasterReader(in, spikes, input, 3, 3).for_each_block([](auto...) {}); });
  };
  EXPECT_TRUE(mentions(stream("/int16", ""), "dataset /int16 holds 300 at row 70000, column 1"));
  EXPECT_TRUE(mentions(stream("/uint16", ""), "dataset /uint16 holds 256 at row 131073, column 2"));
  EXPECT_TRUE(mentions(stream("/int8", ""), "dataset /int8 holds -1 at row 131073, column 0"));
  EXPECT_TRUE(mentions(stream("/raster/spikes", "/input64"), "dataset /input64 holds 5000000000 at step 100000"));
  // A sink's error ends the stream (the reader thread stops) and reaches the caller.
  int calls = 0;
  EXPECT_TRUE(mentions(error_of([&] {
                         reader.for_each_block([&](auto...) {
                           ++calls;
                           fail("the sink is full");
                         });
                       }),
                       "the sink is full"));
  EXPECT_EQ(calls, 1);
  std::remove(path.c_str());
}
