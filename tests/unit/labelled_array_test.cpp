// Labelled arrays (io/labelled_array.hpp): blocks written at every granularity land where
// row-major order puts them (checked against the offsets computed here), unwritten entries
// read as NaN, each dimension carries its axis name, and a block that is not a whole
// trailing sub-array is refused; whole-number arrays are int64.
#include <gtest/gtest.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <numeric>

#include "nirl/core/error.hpp"
#include "nirl/io/labelled_array.hpp"

using namespace nirl;

namespace {

std::string temp_path(const char* name) {
  return ::testing::TempDir() + "/nirl_" + name + "_" + std::to_string(::getpid()) + ".h5";
}

}  // namespace

TEST(LabelledArray, BlocksOfEveryTrailingShapeLandInRowMajorOrder) {
  const std::string path = temp_path("labelled");
  const std::size_t A = 2, B = 3, C = 4;  // value (a, b, c) = 100 a + 10 b + c
  {
    h5::OutputFile out(path);
    h5::write_axis(out.id(), "/axes/a", "a", std::vector<double>{0.5, 1.5}, "1", "first");
    h5::write_axis(out.id(), "/axes/b", "b", std::vector<std::int64_t>{0, 1, 2}, "index", "second");
    h5::write_axis(out.id(), "/axes/c", "c", std::vector<std::string>{"w", "x", "y", "z"}, "third");
    h5::LabelledArray array(out.id(), "/values", {"/axes/a", "/axes/b", "/axes/c"}, "1", "test");
    EXPECT_EQ(array.size(), A * B * C);
    auto value = [](std::size_t a, std::size_t b, std::size_t c) { return 100.0 * a + 10.0 * b + c; };
    // a = 0: b = 0 one value at a time, b = 1 as one row of C, b = 2 left unwritten.
    for (std::size_t c = 0; c < C; ++c) {
      const double v = value(0, 0, c);
      array.write_block(c, &v, 1);
    }
    std::vector<double> row(C);
    for (std::size_t c = 0; c < C; ++c) row[c] = value(0, 1, c);
    array.write_block(C, row.data(), C);
    // a = 1: one block of B x C.
    std::vector<double> plane(B * C);
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t c = 0; c < C; ++c) plane[b * C + c] = value(1, b, c);
    array.write_block(B * C, plane.data(), B * C);
    // Not whole trailing blocks: 3 values (not a product of trailing sizes), a misaligned row,
    // a block past the end.
    EXPECT_THROW(array.write_block(0, plane.data(), 3), Error);
    EXPECT_THROW(array.write_block(2, row.data(), C), Error);
    EXPECT_THROW(array.write_block(A * B * C, row.data(), C), Error);
    // Blocks read back as written, NaN where unwritten.
    EXPECT_EQ(array.read_block(B * C, B * C), plane);
    EXPECT_EQ(array.read_block(C, C), row);
    for (double v : array.read_block(2 * C, C)) EXPECT_TRUE(std::isnan(v));
    EXPECT_THROW(array.read_block(2, C), Error);
    out.commit();
  }
  const h5::InputFile in(path);
  const std::vector<double> back = h5::read_doubles(in, "/values", 3);
  ASSERT_EQ(back.size(), A * B * C);
  for (std::size_t a = 0; a < A; ++a)
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t c = 0; c < C; ++c) {
        const double got = back[(a * B + b) * C + c];
        if (a == 0 && b == 2) EXPECT_TRUE(std::isnan(got)) << "unwritten (" << b << ", " << c << ")";
        else EXPECT_EQ(got, 100.0 * a + 10.0 * b + c) << a << " " << b << " " << c;
      }
  const hid_t dataset = H5Dopen2(in.id(), "/values", H5P_DEFAULT);
  ASSERT_GE(dataset, 0);
  const char* names[] = {"a", "b", "c"};
  for (unsigned k = 0; k < 3; ++k) {
    char label[16] = "";
    H5DSget_label(dataset, k, label, sizeof label);
    EXPECT_STREQ(label, names[k]);
    EXPECT_EQ(H5DSget_num_scales(dataset, k), 1);
  }
  H5Dclose(dataset);
  std::remove(path.c_str());
}

// A whole-number array is int64 in the file: whole values, negative ones and 2^53 come back
// exactly; a fraction, NaN or a value beyond int64 is refused and leaves the block unwritten.
TEST(LabelledArray, WholeNumbersAreStoredAsInt64) {
  const std::string path = temp_path("whole");
  const std::vector<double> values = {0.0, -1.0, 3.0, 9007199254740992.0};
  {
    h5::OutputFile out(path);
    h5::write_axis(out.id(), "/axes/k", "k", std::vector<std::int64_t>{0, 1, 2, 3}, "index", "entry");
    h5::write_axis(out.id(), "/axes/r", "r", std::vector<std::int64_t>{0, 1}, "index", "row");
    h5::LabelledArray array(out.id(), "/counts", {"/axes/r", "/axes/k"}, "bins", "test counts", true);
    array.write_block(0, values.data(), values.size());
    for (const double bad : {0.5, std::nan(""), 1e19, -std::numeric_limits<double>::infinity()}) {
      const std::vector<double> row = {1.0, bad, 2.0, 3.0};
      try {
        array.write_block(4, row.data(), row.size());
        ADD_FAILURE() << bad << " was written";
      } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/counts holds whole numbers (got "), std::string::npos) << e.what();
      }
    }
    EXPECT_EQ(array.read_block(0, 4), values);
    EXPECT_EQ(array.read_block(4, 4), std::vector<double>(4, 0.0));  // unwritten
    out.commit();
  }
  const h5::InputFile in(path);
  EXPECT_EQ(h5::read_integers(in, "/counts", 2),
            (std::vector<std::int64_t>{0, -1, 3, std::int64_t(1) << 53, 0, 0, 0, 0}));
  EXPECT_THROW(h5::read_doubles(in, "/counts", 2), Error);  // not a float64 dataset
  std::remove(path.c_str());
}
