#include "nirl/io/labelled_array.hpp"

#include <hdf5_hl.h>

#include <cmath>

#include "nirl/core/error.hpp"

namespace nirl::h5 {

void write_axis(hid_t file, const std::string& path, const std::string& name, const std::vector<double>& values,
                const std::string& units, const std::string& description) {
  write_doubles(file, path, values.data(), {hsize_t(values.size())}, {units, description, {name}});
  make_scale(file, path, name);
}

void write_axis(hid_t file, const std::string& path, const std::string& name, const std::vector<std::int64_t>& values,
                const std::string& units, const std::string& description) {
  write_int64(file, path, values.data(), {hsize_t(values.size())}, {units, description, {name}});
  make_scale(file, path, name);
}

void write_axis(hid_t file, const std::string& path, const std::string& name, const std::vector<std::string>& labels,
                const std::string& description) {
  write_strings(file, path, labels, {kLabelUnits, description, {name}});
  make_scale(file, path, name);
}

LabelledArray::LabelledArray(hid_t file, const std::string& path, const std::vector<std::string>& axis_paths,
                             const std::string& units, const std::string& description, bool whole)
    : path_(path), whole_(whole) {
  std::vector<Handle> axes;
  for (const std::string& a : axis_paths) {
    axes.push_back(check(H5Dopen2(file, a.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + a));
    Handle space = check(H5Dget_space(axes.back().get()), H5Sclose, "cannot read the shape of " + a);
    hsize_t n = 0;
    if (H5Sget_simple_extent_ndims(space.get()) != 1) fail("HDF5: axis ", a, " is not one-dimensional");
    H5Sget_simple_extent_dims(space.get(), &n, nullptr);
    dims_.push_back(n);
    size_ *= n;
  }
  Handle space = dims_.empty() ? check(H5Screate(H5S_SCALAR), H5Sclose, "cannot create dataspace for " + path)
                               : check(H5Screate_simple(int(dims_.size()), dims_.data(), nullptr), H5Sclose,
                                       "cannot create dataspace for " + path);
  Handle dcpl = check(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "cannot create property list");
  if (!whole) {
    const double nan = std::nan("");
    check_status(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &nan), "cannot set the fill value of " + path);
  }
  Handle lcpl = link_creation_plist();
  dataset_ = check(H5Dcreate2(file, path.c_str(), whole ? H5T_STD_I64LE : H5T_IEEE_F64LE, space.get(), lcpl.get(),
                              dcpl.get(), H5P_DEFAULT),
                   H5Dclose, "cannot create dataset " + path);
  if (units.empty() || description.empty()) fail("HDF5: dataset ", path, " needs units and a description");
  set_attribute(file, path, "units", units);
  set_attribute(file, path, "description", description);
  for (std::size_t k = 0; k < axes.size(); ++k) {
    check_status(H5DSattach_scale(dataset_.get(), axes[k].get(), unsigned(k)), "cannot attach axis to " + path);
    char label[256] = "";
    H5DSget_scale_name(axes[k].get(), label, sizeof label);
    check_status(H5DSset_label(dataset_.get(), unsigned(k), label), "cannot label an axis of " + path);
  }
}

Handle LabelledArray::select_block(std::uint64_t offset, std::size_t count) const {
  Handle file_space = check(H5Dget_space(dataset_.get()), H5Sclose, "cannot read the shape of " + path_);
  if (dims_.empty()) {
    if (offset != 0 || count != 1) fail("HDF5: ", path_, " is a scalar");
    return file_space;
  }
  // The block is the whole of the last `trailing` dimensions at one index of the others.
  std::size_t trailing = 0;
  hsize_t block = 1;
  while (block < count && trailing < dims_.size()) block *= dims_[dims_.size() - ++trailing];
  if (count == 0 || block != count || offset % count != 0 || offset + count > size_)
    fail("HDF5: block of ", count, " values at ", offset, " is not a whole trailing block of ", path_);
  std::vector<hsize_t> start(dims_.size(), 0), counts(dims_.size(), 1);
  std::uint64_t index = offset / count;
  for (std::size_t k = dims_.size(); k-- > 0;) {
    if (k >= dims_.size() - trailing) {
      counts[k] = dims_[k];
    } else {
      start[k] = index % dims_[k];
      index /= dims_[k];
    }
  }
  check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, counts.data(), nullptr),
               "cannot select a block of " + path_);
  return file_space;
}

void LabelledArray::write_block(std::uint64_t offset, const double* values, std::size_t count) {
  const Handle file_space = select_block(offset, count);
  const hsize_t n = count;
  Handle memory = check(H5Screate_simple(1, &n, nullptr), H5Sclose, "cannot create dataspace");
  if (!whole_) {
    check_status(H5Dwrite(dataset_.get(), H5T_NATIVE_DOUBLE, memory.get(), file_space.get(), H5P_DEFAULT, values),
                 "cannot write " + path_);
    return;
  }
  std::vector<std::int64_t> whole(count);
  for (std::size_t k = 0; k < count; ++k) {
    if (!(std::fabs(values[k]) < 0x1p63) || values[k] != std::floor(values[k]))
      fail("HDF5: ", path_, " holds whole numbers (got ", values[k], ")");
    whole[k] = std::int64_t(values[k]);
  }
  check_status(H5Dwrite(dataset_.get(), H5T_NATIVE_INT64, memory.get(), file_space.get(), H5P_DEFAULT, whole.data()),
               "cannot write " + path_);
}

std::vector<double> LabelledArray::read_block(std::uint64_t offset, std::size_t count) const {
  const Handle file_space = select_block(offset, count);
  std::vector<double> values(count);
  const hsize_t n = count;
  Handle memory = check(H5Screate_simple(1, &n, nullptr), H5Sclose, "cannot create dataspace");
  check_status(H5Dread(dataset_.get(), H5T_NATIVE_DOUBLE, memory.get(), file_space.get(), H5P_DEFAULT, values.data()),
               "cannot read " + path_);
  return values;
}

}  // namespace nirl::h5
