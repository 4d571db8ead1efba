// The axes of a result file outside studies (result_axes.hpp).
#include "nirl/io/result_axes.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>

#include "nirl/core/error.hpp"

namespace nirl {
namespace {

// Whether the object at an absolute path exists (every parent first: H5Lexists needs them).
bool link_exists(hid_t file, const std::string& path) {
  for (std::size_t pos = 0; (pos = path.find('/', pos + 1)) != std::string::npos;)
    if (H5Lexists(file, path.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  return H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0;
}

std::uint64_t axis_length(hid_t file, const std::string& path) {
  h5::Handle ds = h5::check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + path);
  h5::Handle space = h5::check(H5Dget_space(ds.get()), H5Sclose, "cannot read the shape of " + path);
  hsize_t length = 0;
  if (H5Sget_simple_extent_ndims(space.get()) != 1) fail("HDF5: axis ", path, " is not one-dimensional");
  H5Sget_simple_extent_dims(space.get(), &length, nullptr);
  return length;
}

}  // namespace

ResultAxes::ResultAxes(hid_t file, const std::string& prefix) : file_(file), group_(prefix + "/axes") {}

bool ResultAxes::index_axis(const std::string& name, std::uint64_t length, const std::string& units,
                            const std::string& description) const {
  const std::string path = group_ + "/" + name;
  if (link_exists(file_, path)) {
    const std::uint64_t have = axis_length(file_, path);
    if (have != length) fail("HDF5: axis ", path, " has length ", have, ", this result needs ", length);
    return false;
  }
  h5::describe_group(file_, group_, "the axes of this result's arrays, as dimension scales (docs/hdf5_layout.md)");
  h5::RowWriter writer(file_, path, H5T_STD_I64LE, {hsize_t(length)}, {units, description, {name}});
  std::vector<std::int64_t> block;
  for (std::uint64_t first = 0; first < length; first += h5::kChunkRows) {
    block.resize(std::size_t(std::min<std::uint64_t>(h5::kChunkRows, length - first)));
    for (std::size_t k = 0; k < block.size(); ++k) block[k] = std::int64_t(first + k);
    writer.write(first, block.size(), block.data());
  }
  writer.close();
  h5::make_scale(file_, path, name);
  return true;
}

void ResultAxes::write_spikes(const std::string& axis, int n, int copies) const {
  const std::uint64_t patterns = std::uint64_t(1) << n, rows = patterns * std::uint64_t(copies);
  const std::string name = axis.substr(axis.rfind('/') + 1);
  h5::RowWriter spikes(file_, axis + "_spikes", H5T_STD_U8LE, {hsize_t(rows), hsize_t(n)},
                       {"spike (0/1)", "each " + name + " written out: column i is 1 when neuron i spikes",
                        {name, "neuron"}});
  std::unique_ptr<h5::RowWriter> input;
  if (copies > 1 || name == "state")
    input = std::make_unique<h5::RowWriter>(file_, axis + "_input", H5T_STD_I32LE, std::vector<hsize_t>{hsize_t(rows)},
                                            h5::Describe{"index", "the input state x of each state", {name}});
  std::vector<std::uint8_t> bits;
  std::vector<std::int32_t> x;
  for (std::uint64_t first = 0; first < rows; first += h5::kChunkRows) {
    const std::size_t count = std::size_t(std::min<std::uint64_t>(h5::kChunkRows, rows - first));
    bits.resize(count * std::size_t(n));
    x.resize(count);
    for (std::size_t k = 0; k < count; ++k) {
      const std::uint64_t s = first + k;
      for (int i = 0; i < n; ++i) bits[k * std::size_t(n) + std::size_t(i)] = std::uint8_t((s >> i) & 1);
      x[k] = std::int32_t(s >> n);
    }
    spikes.write(first, count, bits.data());
    if (input) input->write(first, count, x.data());
  }
  spikes.close();
  if (input) input->close();
  const std::string neurons = group_ + "/neuron";
  attach(axis + "_spikes", {axis, link_exists(file_, neurons) && axis_length(file_, neurons) == std::uint64_t(n) ? neurons : ""});
  if (input) attach(axis + "_input", {axis});
}

std::string ResultAxes::state(const StateSpace& space) const {
  if (index_axis("state", space.size, "index",
                 "state index s = sigma + 2^n x: bit i of sigma is neuron i spiking, x the input state (state_spikes, "
                 "state_input)")) {
    neuron(space.n);
    write_spikes(group_ + "/state", space.n, space.nx);
  }
  return group_ + "/state";
}

std::string ResultAxes::pattern(int n) const {
  if (index_axis("pattern", std::uint64_t(1) << n, "index",
                 "spike pattern sigma: bit i is neuron i spiking (pattern_spikes)")) {
    neuron(n);
    write_spikes(group_ + "/pattern", n, 1);
  }
  return group_ + "/pattern";
}

std::string ResultAxes::neuron(int n) const {
  index_axis("neuron", std::uint64_t(n), "index", "neuron i (bit i of a spike pattern sigma)");
  return group_ + "/neuron";
}

std::string ResultAxes::input(int nx) const {
  index_axis("input", std::uint64_t(nx), "index", "input state x of the input chain");
  return group_ + "/input";
}

std::string ResultAxes::active(int n) const {
  index_axis("active", std::uint64_t(n) + 1, "count", "number of neurons spiking at once");
  return group_ + "/active";
}

void ResultAxes::attach(const std::string& dataset, const std::vector<std::string>& axes) const {
  for (std::size_t k = 0; k < axes.size(); ++k)
    if (!axes[k].empty()) h5::attach_scale(file_, dataset, unsigned(k), axes[k]);
}

}  // namespace nirl
