// Arrays with labelled axes in HDF5: each axis is a 1-D dataset made a dimension scale
// (H5DS: its name and values are in the file), attached to every array that uses it, and
// each array dimension carries the axis name as its label, so h5py's `f[path].dims[k]`
// says what axis k is and MATLAB's h5info lists the scales. Every array and axis carries
// `units` and `description` attributes (h5::Describe). Arrays are created whole and filled block by
// block (write_block) and read back the same way (read_block), so a writer never holds more
// than one block.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "nirl/io/hdf5_io.hpp"

namespace nirl::h5 {

// The units of an axis of labels.
inline constexpr const char* kLabelUnits = "label";

// Axis datasets: numbers, integers (int64) or labels (variable-length UTF-8 strings, units
// kLabelUnits).
void write_axis(hid_t file, const std::string& path, const std::string& name, const std::vector<double>& values,
                const std::string& units, const std::string& description);
void write_axis(hid_t file, const std::string& path, const std::string& name, const std::vector<std::int64_t>& values,
                const std::string& units, const std::string& description);
void write_axis(hid_t file, const std::string& path, const std::string& name, const std::vector<std::string>& labels,
                const std::string& description);

class LabelledArray {
 public:
  // An array whose dimension k is the axis dataset axis_paths[k] (its length is the
  // dimension's size); no axes makes a scalar. float64, whose unwritten entries read as
  // NaN, or with `whole` int64, whose unwritten entries read as 0.
  LabelledArray(hid_t file, const std::string& path, const std::vector<std::string>& axis_paths,
                const std::string& units, const std::string& description, bool whole = false);
  // Writes `count` values from row-major position `offset`: the whole of the last k
  // dimensions (k >= 0) at one index of the others, so count is their product and offset a
  // multiple of it. An int64 array refuses a value that is not a whole number.
  void write_block(std::uint64_t offset, const double* values, std::size_t count);
  // The block that write_block(offset, ..., count) writes, as stored.
  std::vector<double> read_block(std::uint64_t offset, std::size_t count) const;
  std::uint64_t size() const { return size_; }

 private:
  Handle select_block(std::uint64_t offset, std::size_t count) const;  // in the file's dataspace
  Handle dataset_;
  std::vector<hsize_t> dims_;
  std::uint64_t size_ = 1;
  std::string path_;
  bool whole_ = false;
};

}  // namespace nirl::h5
