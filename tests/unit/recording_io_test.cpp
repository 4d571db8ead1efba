// read_recording: h5 at any path and in both orientations, every spike type (integer,
// h5py boolean, integer-valued float, counts > 1 binarised), MATLAB v7.3 files (written
// here with a 512-byte userblock, and the shipped example15.mat against spikes15.h5), NWB
// units tables binned against hand-computed rasters, and one clear error per malformed file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>

#include "error_matchers.hpp"
#include "h5py_types.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/io/recording_io.hpp"

using namespace nirl;

namespace {

std::string temp_path(const std::string& name, const std::string& ext = ".h5") {
  return ::testing::TempDir() + "/nirl_recording_" + name + "_" + std::to_string(::getpid()) + ext;
}

using nirl::testing::error_of;
using nirl::testing::mentions;

// A raw HDF5 file built with the C API (types the wrapper does not write, userblocks).
class RawFile {
 public:
  explicit RawFile(const std::string& path, hsize_t userblock = 0) {
    h5::Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
    if (userblock) H5Pset_userblock(fcpl.get(), userblock);
    file_ = h5::Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT), H5Fclose);
  }
  hid_t id() const { return file_.get(); }
  void dataset(const std::string& name, hid_t type, const void* data, const std::vector<hsize_t>& dims) {
    h5::Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    h5::Handle space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose);
    h5::Handle ds(H5Dcreate2(id(), name.c_str(), type, space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    ASSERT_GE(ds.get(), 0);
    if (element_count(dims) > 0) {
      ASSERT_GE(H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0);
    }
  }
  // MATLAB's attribute: a fixed-length ASCII string.
  void matlab_class(const std::string& name, const std::string& cls) {
    h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), cls.size());
    h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    h5::Handle attr(H5Acreate_by_name(id(), name.c_str(), "MATLAB_class", type.get(), space.get(), H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose);
    ASSERT_GE(H5Awrite(attr.get(), type.get(), cls.data()), 0);
  }

 private:
  static hsize_t element_count(const std::vector<hsize_t>& dims) {
    hsize_t c = 1;
    for (hsize_t d : dims) c *= d;
    return c;
  }
  h5::Handle file_;
};

// MATLAB writes a text header into the 512-byte userblock.
void write_matlab_header(const std::string& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  char header[128];
  std::memset(header, ' ', sizeof header);
  const char text[] = "MATLAB 7.3 MAT-file, Platform: GLNXA64, Created by the nirl tests HDF5 schema 1.00 .";
  std::memcpy(header, text, sizeof text - 1);
  header[124] = 0; header[125] = 2; header[126] = 'I'; header[127] = 'M';
  f.write(header, sizeof header);
}

using nirl::testing::h5py_bool_type;

// 4 time bins x 3 neurons, and its transpose.
const std::vector<std::uint8_t> kRaster = {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1};
const std::vector<std::uint8_t> kTransposed = {0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1};

Recording read(const std::string& path, const std::string& dataset, const std::string& orientation = "",
               const std::string& format = "auto") {
  RecordingSource src;
  src.path = path;
  src.dataset = dataset;
  src.orientation = orientation;
  src.format = format;
  return read_recording(src);
}

}  // namespace

TEST(RecordingIo, H5AnyPathBothOrientationsAndTypes) {
  const std::string path = temp_path("types");
  {
    RawFile f(path);
    f.dataset("/deep/group/spikes", H5T_NATIVE_UINT8, kRaster.data(), {4, 3});
    f.dataset("/transposed", H5T_NATIVE_UINT8, kTransposed.data(), {3, 4});
    const std::vector<std::int64_t> counts = {0, 0, 3, 1, 0, 0, 2, 7, 0, 0, 1, 1};  // 3 entries > 1
    f.dataset("/counts", H5T_STD_I64LE, counts.data(), {4, 3});
    const std::vector<double> floats(kRaster.begin(), kRaster.end());
    f.dataset("/floats", H5T_NATIVE_DOUBLE, floats.data(), {4, 3});
    const h5::Handle b = h5py_bool_type();
    f.dataset("/bools", b.get(), kRaster.data(), {4, 3});
  }
  for (const auto& [dataset, orientation] : std::vector<std::pair<std::string, std::string>>{
           {"/deep/group/spikes", ""}, {"/deep/group/spikes", "time_x_neurons"}, {"/transposed", "neurons_x_time"},
           {"/floats", ""}, {"/bools", ""}, {"/counts", ""}}) {
    const Recording rec = read(path, dataset, orientation);
    EXPECT_EQ(rec.raster.n, 3) << dataset;
    EXPECT_EQ(rec.raster.steps, 4u) << dataset;
    EXPECT_EQ(rec.raster.spikes, kRaster) << dataset;
    EXPECT_EQ(rec.format, "h5");
    EXPECT_EQ(rec.clipped, dataset == "/counts" ? 3u : 0u) << dataset;
  }
  // The other orientation of the same dataset would be 3 bins x 4 neurons: fewer bins than
  // neurons, refused as probably transposed.
  try {
    read(path, "/deep/group/spikes", "neurons_x_time");
    ADD_FAILURE() << "a raster with fewer bins than neurons was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("4 neurons over 3 time bins"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

// Datasets of more than a read block (2^20 values) are read in blocks of rows: every type and
// orientation gives the raster written, and errors name the global bin, neuron or element.
TEST(RecordingIo, LargeDatasetsAreReadInBlocks) {
  const std::string path = temp_path("large");
  const hsize_t T = 3001, n = 700;  // 2.1e6 values: three blocks, the last one partial
  std::vector<std::uint8_t> raster(T * n), transposed(T * n);
  std::vector<std::int64_t> counts(T * n);
  for (hsize_t t = 0; t < T; ++t)
    for (hsize_t i = 0; i < n; ++i) {
      const std::uint64_t h = (t * 2654435761u + i * 40503u) % 97;
      raster[t * n + i] = h < 9 ? 1 : 0;
      transposed[i * T + t] = raster[t * n + i];
      counts[t * n + i] = h < 3 ? 2 : raster[t * n + i];
    }
  std::size_t clipped = 0;
  for (std::int64_t c : counts) clipped += c > 1;
  const std::vector<double> floats(transposed.begin(), transposed.end());
  {
    RawFile f(path);
    f.dataset("/spikes", H5T_NATIVE_UINT8, raster.data(), {T, n});
    f.dataset("/floats", H5T_NATIVE_DOUBLE, floats.data(), {n, T});
    const h5::Handle b = h5py_bool_type();
    f.dataset("/bools", b.get(), raster.data(), {T, n});
    f.dataset("/counts", H5T_STD_I64LE, counts.data(), {T, n});
    std::vector<std::int64_t> negative = counts;
    negative[(T - 2) * n + 5] = -1;
    f.dataset("/negative", H5T_STD_I64LE, negative.data(), {T, n});
    std::vector<double> fraction = floats;
    fraction[(n - 1) * T + 17] = 0.5;
    f.dataset("/fraction", H5T_NATIVE_DOUBLE, fraction.data(), {n, T});
  }
  for (const auto& [dataset, orientation] : std::vector<std::pair<std::string, std::string>>{
           {"/spikes", ""}, {"/floats", "neurons_x_time"}, {"/bools", ""}, {"/counts", ""}}) {
    const Recording rec = read(path, dataset, orientation);
    EXPECT_EQ(rec.raster.n, int(n)) << dataset;
    EXPECT_EQ(rec.raster.steps, std::size_t(T)) << dataset;
    EXPECT_TRUE(rec.raster.spikes == raster) << dataset;
    EXPECT_EQ(rec.clipped, dataset == "/counts" ? clipped : 0u) << dataset;
  }
  EXPECT_TRUE(mentions(error_of([&] { read(path, "/negative"); }), "holds -1 at time bin 2999, neuron 5"));
  EXPECT_TRUE(mentions(error_of([&] { read(path, "/fraction", "neurons_x_time"); }),
                       "holds 0.5 at element " + std::to_string((n - 1) * T + 17)));
  std::remove(path.c_str());
}

TEST(RecordingIo, MatlabV73WithUserblock) {
  const std::string path = temp_path("matlab", ".mat");
  {
    RawFile f(path, 512);
    // MATLAB shows `spikes` as 3 neurons x 4 bins; it stores the dimensions reversed (4, 3).
    f.dataset("/spikes", H5T_NATIVE_UINT8, kRaster.data(), {4, 3});
    f.matlab_class("/spikes", "logical");
    const std::vector<double> doubles(kTransposed.begin(), kTransposed.end());
    f.dataset("/as_double", H5T_NATIVE_DOUBLE, doubles.data(), {3, 4});  // MATLAB shows 4 bins x 3 neurons
    f.matlab_class("/as_double", "double");
    const double half[4] = {0, 0.5, 1, 0};
    f.dataset("/half", H5T_NATIVE_DOUBLE, half, {2, 2});
    f.matlab_class("/half", "double");
    f.dataset("/cellish", H5T_NATIVE_UINT8, kRaster.data(), {4, 3});
    f.matlab_class("/cellish", "cell");
    f.dataset("/no_class", H5T_NATIVE_UINT8, kRaster.data(), {4, 3});
  }
  write_matlab_header(path);
  const Recording rec = read(path, "spikes");
  EXPECT_EQ(rec.format, "mat");
  EXPECT_EQ(rec.raster.n, 3);
  EXPECT_EQ(rec.raster.spikes, kRaster);
  const Recording dbl = read(path, "/as_double", "time_x_neurons");
  EXPECT_EQ(dbl.raster.spikes, kRaster);
  EXPECT_TRUE(mentions(error_of([&] { read(path, ""); }), "holds 5 variables"));
  EXPECT_TRUE(mentions(error_of([&] { read(path, "half"); }), "holds 0.5 at element 1"));
  EXPECT_TRUE(mentions(error_of([&] { read(path, "cellish"); }), "is a MATLAB cell"));
  EXPECT_TRUE(mentions(error_of([&] { read(path, "no_class"); }), "no MATLAB_class"));
  EXPECT_TRUE(mentions(error_of([&] { read(path, "absent"); }), "variable absent is missing (the file holds: as_double, cellish, half, no_class, spikes)"));
  EXPECT_EQ(read(path, "/spikes").raster.spikes, kRaster);  // a variable named as a dataset path
  std::remove(path.c_str());

  // A file with a MATLAB v5 text header but no valid v5 header behind it (matio refuses it).
  const std::string v5 = temp_path("v5", ".mat");
  {
    std::ofstream f(v5, std::ios::binary);
    f << "MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Mon Jan 1 00:00:00 2024";
    f << std::string(200, '\0');
  }
  EXPECT_TRUE(mentions(error_of([&] { read(v5, ""); }), "not a MATLAB file that nirl can read"));
  std::remove(v5.c_str());
}

TEST(RecordingIo, Example15MatEqualsSpikes15) {
  const std::string mat = NIRL_SOURCE_DIR "/examples/data/example15.mat";
  const std::string h5 = NIRL_SOURCE_DIR "/examples/data/spikes15.h5";
  if (access(mat.c_str(), R_OK) != 0 || access(h5.c_str(), R_OK) != 0) GTEST_SKIP() << "examples/data not present";
  const Recording a = read(mat, "");  // the only variable, spikes15, neurons x time as MATLAB shows it
  const Recording b = read(h5, "/spikes");
  EXPECT_EQ(a.dataset, "spikes15");
  ASSERT_EQ(a.raster.n, 15);
  ASSERT_EQ(a.raster.steps, 40000u);
  EXPECT_EQ(a.raster.spikes, b.raster.spikes);
  long total = 0;
  for (std::uint8_t s : a.raster.spikes) total += s;
  EXPECT_EQ(total, 68530);  // h5py: spikes15.h5 /spikes sum
}

// NWB units table: 3 units, spike times in seconds (exact binary fractions).
struct NwbUnits {
  std::vector<double> times = {0.10, 0.30, 0.35, 1.20,   // unit id 7
                               0.00, 0.75,               // unit id 3
                               0.50, 0.55, 0.60, 0.99};  // unit id 9
  std::vector<std::int64_t> index = {4, 6, 10};
  std::vector<std::int64_t> ids = {7, 3, 9};
};

void write_nwb(const std::string& path, const NwbUnits& u, bool with_ids = true) {
  RawFile f(path);
  f.dataset("/units/spike_times", H5T_NATIVE_DOUBLE, u.times.data(), {u.times.size()});
  f.dataset("/units/spike_times_index", H5T_STD_I64LE, u.index.data(), {u.index.size()});
  if (with_ids) f.dataset("/units/id", H5T_STD_I64LE, u.ids.data(), {u.ids.size()});
}

Recording read_nwb(const std::string& path, double bin, double start = NAN, double stop = NAN,
                   std::vector<long long> units = {}) {
  RecordingSource src;
  src.path = path;
  src.bin_width = bin;
  src.t_start = start;
  src.t_stop = stop;
  src.units = std::move(units);
  return read_recording(src);
}

TEST(RecordingIo, NwbBinningMatchesHandRaster) {
  const std::string path = temp_path("units", ".nwb");
  write_nwb(path, NwbUnits{});
  // Bins of 0.25 s from the first spike (0.0) to one bin past the last (1.2): 5 bins.
  //   bin:        [0,.25) [.25,.5) [.5,.75) [.75,1) [1,1.25)
  //   unit 7:       1       1(x2)    0        0       1
  //   unit 3:       1       0        0        1       0
  //   unit 9:       0       0        1(x3)    1       0
  const Recording rec = read_nwb(path, 0.25);
  EXPECT_EQ(rec.format, "nwb");
  EXPECT_EQ(rec.raster.n, 3);
  EXPECT_EQ(rec.raster.steps, 5u);
  EXPECT_EQ(rec.raster.spikes, (std::vector<std::uint8_t>{1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0}));
  EXPECT_EQ(rec.clipped, 2u);  // bins, not spikes: 0.35 joins 0.30; 0.55 and 0.60 join 0.50
  EXPECT_EQ(rec.unit_ids, (std::vector<long long>{7, 3, 9}));
  EXPECT_DOUBLE_EQ(rec.t_start, 0.0);

  // Window [0.5, 1.0) with 0.25 s bins, units 9 then 3: 2 bins.
  const Recording sub = read_nwb(path, 0.25, 0.5, 1.0, {9, 3});
  EXPECT_EQ(sub.raster.n, 2);
  EXPECT_EQ(sub.raster.steps, 2u);
  EXPECT_EQ(sub.raster.spikes, (std::vector<std::uint8_t>{1, 0, 1, 1}));
  EXPECT_EQ(sub.unit_ids, (std::vector<long long>{9, 3}));

  // Without /units/id the ids are the rows; a partial last bin is dropped: [0, 0.6) in 0.2 s bins.
  write_nwb(path, NwbUnits{}, false);
  const Recording rows = read_nwb(path, 0.2, 0.0, 0.7, {1});
  EXPECT_EQ(rows.raster.steps, 3u);
  EXPECT_EQ(rows.raster.spikes, (std::vector<std::uint8_t>{1, 0, 0}));
  std::remove(path.c_str());
}

TEST(RecordingIo, MalformedFilesGiveOneClearError) {
  const std::string path = temp_path("bad", ".nwb");
  const auto nwb_error = [&](const std::function<void(NwbUnits&)>& spoil, double bin = 0.25,
                             std::vector<long long> units = {}) {
    NwbUnits u;
    spoil(u);
    write_nwb(path, u);
    const std::string e = error_of([&] { read_nwb(path, bin, NAN, NAN, units); });
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    return e;
  };
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits& u) { u.index = {4, 6, 11}; }), "beyond the 10 spike times"));
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits& u) { u.index = {4, 2, 10}; }), "decreases at unit 1"));
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits& u) { u.index = {4, 6, 9}; }), "ends at 9"));
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits& u) { u.times[4] = -0.5; }), "unit 3 has a negative spike time"));
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits& u) { u.times[2] = 0.2; }), "spike times of unit 7 are not sorted"));
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits& u) { u.times[1] = NAN; }), "non-finite spike time"));
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits& u) { u.index.clear(); u.ids.clear(); }), "units table is empty"));
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits& u) { u.ids = {7, 3}; }), "/units/id has length 2"));
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits&) {}, 0.25, {4}), "unit id 4 is not in the units table"));
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits&) {}, 0.0), "bin width > 0"));
  EXPECT_TRUE(mentions(nwb_error([](NwbUnits&) {}, 10.0), "at least 2 are needed"));
  {
    RawFile f(path);  // spike times as integers (wrong dtype)
    const std::int64_t t[2] = {1, 2}, idx[1] = {2};
    f.dataset("/units/spike_times", H5T_STD_I64LE, t, {2});
    f.dataset("/units/spike_times_index", H5T_STD_I64LE, idx, {1});
  }
  EXPECT_TRUE(mentions(error_of([&] { read_nwb(path, 0.25); }), "spike_times must be floating-point"));
  {
    RawFile f(path);  // index as floats (wrong dtype)
    const double t[2] = {1, 2}, idx[1] = {2};
    f.dataset("/units/spike_times", H5T_NATIVE_DOUBLE, t, {2});
    f.dataset("/units/spike_times_index", H5T_NATIVE_DOUBLE, idx, {1});
  }
  EXPECT_TRUE(mentions(error_of([&] { read_nwb(path, 0.25); }), "spike_times_index must be integer"));
  {
    RawFile f(path);  // no index
    const double t[2] = {1, 2};
    f.dataset("/units/spike_times", H5T_NATIVE_DOUBLE, t, {2});
  }
  EXPECT_TRUE(mentions(error_of([&] { read_nwb(path, 0.25); }), "/units/spike_times_index is missing"));
  {
    RawFile f(path);  // no units table at all
    const double t[2] = {1, 2};
    f.dataset("/acquisition/x", H5T_NATIVE_DOUBLE, t, {2});
  }
  EXPECT_TRUE(mentions(error_of([&] { read_nwb(path, 0.25); }), "no units table"));
  std::remove(path.c_str());

  // h5 rasters.
  const std::string h5 = temp_path("bad_h5");
  {
    RawFile f(h5);
    const std::int32_t negative[6] = {0, 1, -2, 0, 1, 0};
    f.dataset("/negative", H5T_NATIVE_INT32, negative, {3, 2});
    const double frac[6] = {0, 1, 0.25, 0, 1, 0};
    f.dataset("/fraction", H5T_NATIVE_DOUBLE, frac, {3, 2});
    f.dataset("/rank1", H5T_NATIVE_UINT8, kRaster.data(), {12});
    h5::Handle str(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(str.get(), 2);
    f.dataset("/strings", str.get(), "ab01cd23efgh", {3, 2});
  }
  EXPECT_TRUE(mentions(error_of([&] { read(h5, "/negative"); }), "holds -2 at time bin 1, neuron 0"));
  EXPECT_TRUE(mentions(error_of([&] { read(h5, "/fraction"); }), "holds 0.25"));
  EXPECT_TRUE(mentions(error_of([&] { read(h5, "/rank1"); }), "rank 1, expected 2"));
  EXPECT_TRUE(mentions(error_of([&] { read(h5, "/strings"); }), "neither integer, boolean nor floating-point"));
  EXPECT_TRUE(mentions(error_of([&] { read(h5, "/missing"); }), "dataset /missing is missing"));
  EXPECT_TRUE(mentions(error_of([&] { read(h5, "/negative", "sideways"); }), "unknown orientation"));
  EXPECT_TRUE(mentions(error_of([&] { read(h5, "/negative", "", "csv"); }), "unknown recording format"));
  std::remove(h5.c_str());
}
