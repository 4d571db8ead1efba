#include "nirl/io/hdf5_io.hpp"

#include <fcntl.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "nirl/core/error.hpp"
#include "nirl/io/output_files.hpp"

namespace nirl::h5 {
namespace {

// HDF5 prints its own error stack by default; nirl reports one line instead. The library's
// clean-up at process exit is switched off: after a close that failed (a full disk) it
// would close the file again and crash. nirl closes every file it keeps explicitly.
void set_up_library() {
  static const bool done = [] {
    H5dont_atexit();
    return true;
  }();
  // Error printing is a setting of each thread in a thread-safe HDF5 (RasterWriter's
  // threads write too).
  thread_local const bool quiet = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
  (void)quiet;
}

// The system's reason for the last failure, as HDF5 records it on its error stack for a
// failed read or write ("..., error message = 'No space left on device', ..."), or "".
std::string system_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* entry, void* data) -> herr_t {
        const std::string description = entry->desc ? entry->desc : "";
        const std::string key = "error message = '";
        const std::size_t begin = description.find(key);
        if (begin == std::string::npos) return 0;
        const std::size_t end = description.find('\'', begin + key.size());
        *static_cast<std::string*>(data) = description.substr(begin + key.size(), end - begin - key.size());
        return 1;
      },
      &reason);
  return reason;
}

[[noreturn]] void fail_with_reason(const std::string& what) {
  const std::string reason = system_reason();
  fail("HDF5: ", what, reason.empty() ? "" : ": " + reason);
}

}  // namespace

Handle check(hid_t id, herr_t (*close)(hid_t), const std::string& what) {
  if (id < 0) fail_with_reason(what);
  return Handle(id, close);
}

void check_status(herr_t status, const std::string& what) {
  if (status < 0) fail_with_reason(what);
}

Handle link_creation_plist() {
  Handle plist = check(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "cannot create property list");
  check_status(H5Pset_create_intermediate_group(plist.get(), 1), "cannot set intermediate groups");
  return plist;
}

namespace {

std::size_t element_count(const std::vector<hsize_t>& dims) {
  std::size_t total = 1;
  for (hsize_t d : dims) total *= std::size_t(d);
  return total;
}

// A scalar UTF-8 string attribute of an open object, replacing one of the same name.
void set_string_attribute(hid_t object, const std::string& object_name, const std::string& attr,
                          const std::string& value) {
  Handle space = check(H5Screate(H5S_SCALAR), H5Sclose, "cannot create dataspace");
  Handle type = check(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create string type");
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), "cannot create string type");
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot create string type");
  if (H5Aexists(object, attr.c_str()) > 0) check_status(H5Adelete(object, attr.c_str()), "cannot replace attribute " + attr);
  Handle a = check(H5Acreate2(object, attr.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                   "cannot create attribute " + attr + " on " + object_name);
  const char* ptr = value.c_str();
  check_status(H5Awrite(a.get(), type.get(), &ptr), "cannot write attribute " + attr + " on " + object_name);
}

// A dataset of the given shape, with the raster layout when chunked (and not empty).
// Without a chunk cache, a write of whole chunks compresses and writes them at once (in
// the writing thread) instead of when they leave the cache. It carries the units,
// description and dimension labels of `describe`.
Handle create_dataset(hid_t file, const std::string& name, hid_t file_type, const std::vector<hsize_t>& dims,
                      bool chunked, bool cache_chunks, const Describe& describe) {
  if (describe.units.empty() || describe.description.empty())
    fail("HDF5: dataset ", name, " needs units and a description");
  if (describe.dims.size() != dims.size())
    fail("HDF5: dataset ", name, " has rank ", dims.size(), " but ", describe.dims.size(), " dimension names");
  Handle space = check(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose,
                       "cannot create dataspace for " + name);
  Handle lcpl = link_creation_plist();
  Handle dcpl = check(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "cannot create property list");
  if (chunked && element_count(dims) > 0 && !dims.empty()) {
    // Rows of up to 64 Ki time bins per chunk, deflate level 1: rasters compress well.
    std::vector<hsize_t> chunk = dims;
    chunk[0] = std::min<hsize_t>(dims[0], kChunkRows);
    check_status(H5Pset_chunk(dcpl.get(), int(chunk.size()), chunk.data()), "cannot set chunking");
    check_status(H5Pset_deflate(dcpl.get(), 1), "cannot set compression");
  }
  Handle dapl = check(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose, "cannot create property list");
  if (!cache_chunks)
    check_status(H5Pset_chunk_cache(dapl.get(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, H5D_CHUNK_CACHE_W0_DEFAULT),
                 "cannot set the chunk cache");
  Handle ds = check(H5Dcreate2(file, name.c_str(), file_type, space.get(), lcpl.get(), dcpl.get(), dapl.get()),
                    H5Dclose, "cannot create dataset " + name);
  for (std::size_t k = 0; k < dims.size(); ++k)
    check_status(H5DSset_label(ds.get(), unsigned(k), describe.dims[k].c_str()), "cannot label an axis of " + name);
  set_string_attribute(ds.get(), name, "units", describe.units);
  set_string_attribute(ds.get(), name, "description", describe.description);
  return ds;
}

void write_dataset(hid_t file, const std::string& name, hid_t file_type, hid_t mem_type,
                   const void* data, const std::vector<hsize_t>& dims, bool chunked, const Describe& describe) {
  Handle ds = create_dataset(file, name, file_type, dims, chunked, true, describe);
  if (element_count(dims) > 0)
    check_status(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                 "cannot write dataset " + name);
}

Handle open_object(hid_t file, const std::string& object) {
  return check(H5Oopen(file, object.c_str(), H5P_DEFAULT), H5Oclose, "cannot open " + object);
}

Handle open_attribute(const InputFile& f, const std::string& object, const std::string& attr) {
  if (!exists(f, object)) fail(f.path(), ": ", object, " is missing");
  if (H5Aexists_by_name(f.id(), object.c_str(), attr.c_str(), H5P_DEFAULT) <= 0)
    fail(f.path(), ": attribute '", attr, "' of ", object, " is missing");
  return check(H5Aopen_by_name(f.id(), object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose, "cannot open attribute " + attr);
}

Handle open_dataset_checked(const InputFile& f, const std::string& dataset, H5T_class_t want_a,
                            H5T_class_t want_b, const char* want_name, int rank,
                            std::vector<hsize_t>& dims) {
  set_up_library();  // this thread's error printing (RasterReader reads on a thread of its own)
  if (!exists(f, dataset)) fail(f.path(), ": dataset ", dataset, " is missing");
  H5O_info_t info;
  check_status(H5Oget_info_by_name2(f.id(), dataset.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT),
               "cannot inspect " + dataset);
  if (info.type != H5O_TYPE_DATASET) fail(f.path(), ": ", dataset, " is a group, not a dataset");
  Handle ds = check(H5Dopen2(f.id(), dataset.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + dataset);
  Handle type = check(H5Dget_type(ds.get()), H5Tclose, "cannot read the type of " + dataset);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != want_a && cls != want_b) {
    const char* got = cls == H5T_INTEGER ? "integer" : cls == H5T_FLOAT ? "floating-point"
                      : cls == H5T_STRING ? "string" : cls == H5T_ENUM ? "enum" : "compound/other";
    fail(f.path(), ": dataset ", dataset, " has ", got, " type, expected ", want_name);
  }
  if (cls == H5T_ENUM) {  // accept h5py's boolean enum (base type int8) only
    Handle base = check(H5Tget_super(type.get()), H5Tclose, "cannot read enum base of " + dataset);
    if (H5Tget_class(base.get()) != H5T_INTEGER) fail(f.path(), ": dataset ", dataset, " has an unsupported enum type");
  }
  Handle space = check(H5Dget_space(ds.get()), H5Sclose, "cannot read the shape of " + dataset);
  const int nd = H5Sget_simple_extent_ndims(space.get());
  if (rank > 0 && nd != rank)
    fail(f.path(), ": dataset ", dataset, " has rank ", nd, ", expected ", rank);
  dims.assign(std::size_t(std::max(nd, 0)), 0);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return ds;
}

// Rows [first, first + count) of the open 2-D dataset ds (clipped), read as mem_type into a
// row-major vector of T.
template <typename T>
std::vector<T> read_row_block(const InputFile& f, const std::string& dataset, hid_t ds, hid_t mem_type, hsize_t first,
                              hsize_t count, const std::vector<hsize_t>& dims) {
  const int rank = int(dims.size());
  const hsize_t width = rank == 2 ? dims[1] : 1;
  const hsize_t rows = first < dims[0] ? std::min(count, dims[0] - first) : 0;
  std::vector<T> out(std::size_t(rows * width));
  if (out.empty()) return out;
  Handle file_space = check(H5Dget_space(ds), H5Sclose, "cannot read the shape of " + dataset);
  const hsize_t start[2] = {first, 0}, size[2] = {rows, width};
  check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr),
               "cannot select rows of " + dataset);
  Handle memory = check(H5Screate_simple(rank, size, nullptr), H5Sclose, "cannot create dataspace");
  check_status(H5Dread(ds, mem_type, memory.get(), file_space.get(), H5P_DEFAULT, out.data()),
               "cannot read " + dataset + " from " + f.path());
  return out;
}

// Rows [first, first + count) of an integer (or boolean-enum) dataset of rank 1 or 2 as T
// (mem_type: T's native HDF5 type); `caller` names the function in a usage error.
template <typename T>
std::vector<T> integer_rows(const InputFile& f, const std::string& dataset, int rank, hsize_t first, hsize_t count,
                            std::vector<hsize_t>& dims, hid_t mem_type, const char* caller) {
  if (rank != 1 && rank != 2) fail(caller, ": rank must be 1 or 2 (got ", rank, ")");
  Handle ds = open_dataset_checked(f, dataset, H5T_INTEGER, H5T_ENUM, "integer", rank, dims);
  Handle file_type = check(H5Dget_type(ds.get()), H5Tclose, "cannot read the type of " + dataset);
  if (H5Tget_class(file_type.get()) != H5T_ENUM) return read_row_block<T>(f, dataset, ds.get(), mem_type, first, count, dims);
  // h5py booleans: enum over int8; read the raw base integers.
  const std::vector<std::int8_t> raw = read_row_block<std::int8_t>(f, dataset, ds.get(), H5T_NATIVE_INT8, first, count, dims);
  return std::vector<T>(raw.begin(), raw.end());
}

}  // namespace

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && close_) close_(id_);
  id_ = -1;
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  set_up_library();
  check_output_path(path_);
  remove_stale_temp_files(path_);
  tmp_path_ = temp_path_for(path_);
  register_temp_file(tmp_path_);
  const hid_t id = H5Fcreate(tmp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) {
    const std::string reason = system_reason();
    ::unlink(tmp_path_.c_str());
    forget_temp_file(tmp_path_);
    fail("cannot create output file ", path_, reason.empty() ? "" : ": " + reason);
  }
  file_ = Handle(id, H5Fclose);
}

OutputFile::~OutputFile() {
  if (!committed_) discard();
}

void OutputFile::discard() {
  file_.reset();  // may fail after a disk error: the file is removed either way
  ::unlink(tmp_path_.c_str());
  forget_temp_file(tmp_path_);
}

void OutputFile::commit() {
  auto disk_error = [&](const std::string& reason) {
    discard();
    fail("cannot write ", path_, ": ", reason);
  };
  // Closing writes what HDF5 still holds; a failure there (a full disk) is final.
  if (H5Fclose(file_.release()) < 0) {
    const std::string reason = system_reason();
    disk_error(reason.empty() ? "HDF5 could not close the file" : reason);
  }
  const int fd = ::open(tmp_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string reason = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    disk_error(reason);
  }
  ::close(fd);
  {
    const InterruptsHeld held;  // the rename and the record of it happen together
    if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) disk_error(std::strerror(errno));
    forget_temp_file(tmp_path_);
    note_result_written();
  }
  committed_ = true;
  sync_folder_of(path_);
}

void check_readable(const std::string& path) {
  if (!std::ifstream(path, std::ios::binary)) fail("cannot read file ", path, ": ", std::strerror(errno));
}

InputFile::InputFile(std::string path) : path_(std::move(path)) {
  set_up_library();
  check_readable(path_);
  if (H5Fis_hdf5(path_.c_str()) <= 0) fail(path_, " is not an HDF5 file");
  file_ = Handle(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file_.get() < 0) fail("cannot open HDF5 file ", path_);
}

void write_doubles(hid_t file, const std::string& name, const double* data, const std::vector<hsize_t>& dims,
                   const Describe& describe) {
  write_dataset(file, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, dims, false, describe);
}

void write_uint8(hid_t file, const std::string& name, const std::uint8_t* data, const std::vector<hsize_t>& dims,
                 const Describe& describe) {
  write_dataset(file, name, H5T_STD_U8LE, H5T_NATIVE_UINT8, data, dims, true, describe);
}

void write_int32(hid_t file, const std::string& name, const std::int32_t* data, const std::vector<hsize_t>& dims,
                 const Describe& describe) {
  write_dataset(file, name, H5T_STD_I32LE, H5T_NATIVE_INT32, data, dims, true, describe);
}

RowWriter::RowWriter(hid_t file, const std::string& name, hid_t file_type, std::vector<hsize_t> dims,
                     const Describe& describe)
    : name_(name),
      dataset_(create_dataset(file, name, file_type, dims, true, false, describe)),
      mem_type_(H5Tget_size(file_type) == 1   ? H5T_NATIVE_UINT8
                : H5Tget_size(file_type) == 4 ? H5T_NATIVE_INT32
                                              : H5T_NATIVE_INT64),
      dims_(std::move(dims)) {}

void RowWriter::write(hsize_t first, hsize_t count, const void* data) {
  set_up_library();
  if (count == 0) return;
  std::vector<hsize_t> start(dims_.size(), 0), block = dims_;
  start[0] = first;
  block[0] = count;
  Handle file_space = check(H5Dget_space(dataset_.get()), H5Sclose, "cannot get dataspace of " + name_);
  check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, block.data(), nullptr),
               "cannot select rows of " + name_);
  Handle mem_space = check(H5Screate_simple(int(block.size()), block.data(), nullptr), H5Sclose,
                           "cannot create dataspace for " + name_);
  check_status(H5Dwrite(dataset_.get(), mem_type_, mem_space.get(), file_space.get(), H5P_DEFAULT, data),
               "cannot write dataset " + name_);
}

void RowWriter::close() { check_status(H5Dclose(dataset_.release()), "cannot write dataset " + name_); }

void write_int64(hid_t file, const std::string& name, const std::int64_t* data, const std::vector<hsize_t>& dims,
                 const Describe& describe) {
  write_dataset(file, name, H5T_STD_I64LE, H5T_NATIVE_INT64, data, dims, false, describe);
}

void write_strings(hid_t file, const std::string& name, const std::vector<std::string>& values,
                   const Describe& describe) {
  Handle type = check(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create string type");
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), "cannot create string type");
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot create string type");
  std::vector<const char*> pointers;
  for (const std::string& v : values) pointers.push_back(v.c_str());
  write_dataset(file, name, type.get(), type.get(), pointers.data(), {hsize_t(values.size())}, false, describe);
}

void write_matrix(hid_t file, const std::string& name, const Eigen::MatrixXd& m, const Describe& describe) {
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = m;
  write_doubles(file, name, row_major.data(), {hsize_t(m.rows()), hsize_t(m.cols())}, describe);
}

void make_scale(hid_t file, const std::string& axis, const std::string& name) {
  Handle ds = check(H5Dopen2(file, axis.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + axis);
  check_status(H5DSset_scale(ds.get(), name.c_str()), "cannot make " + axis + " a dimension scale");
}

void attach_scale(hid_t file, const std::string& dataset, unsigned dim, const std::string& axis) {
  Handle ds = check(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + dataset);
  Handle scale = check(H5Dopen2(file, axis.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + axis);
  Handle ds_space = check(H5Dget_space(ds.get()), H5Sclose, "cannot read the shape of " + dataset);
  Handle axis_space = check(H5Dget_space(scale.get()), H5Sclose, "cannot read the shape of " + axis);
  const int rank = H5Sget_simple_extent_ndims(ds_space.get());
  std::vector<hsize_t> dims(std::size_t(std::max(rank, 0)));
  H5Sget_simple_extent_dims(ds_space.get(), dims.data(), nullptr);
  hsize_t length = 0;
  if (H5Sget_simple_extent_ndims(axis_space.get()) != 1) fail("HDF5: axis ", axis, " is not one-dimensional");
  H5Sget_simple_extent_dims(axis_space.get(), &length, nullptr);
  if (int(dim) >= rank || dims[dim] != length)
    fail("HDF5: axis ", axis, " (length ", length, ") does not fit dimension ", dim, " of ", dataset);
  if (H5DSis_scale(scale.get()) <= 0) make_scale(file, axis, axis.substr(axis.rfind('/') + 1));
  check_status(H5DSattach_scale(ds.get(), scale.get(), dim), "cannot attach " + axis + " to " + dataset);
}

void describe_group(hid_t file, const std::string& group, const std::string& description) {
  ensure_group(file, group);
  set_attribute(file, group, "description", description);
}

Eigen::MatrixXd read_matrix(const InputFile& f, const std::string& dataset) {
  std::vector<hsize_t> dims;
  const std::vector<double> data = read_doubles(f, dataset, 2, &dims);
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      data.data(), Eigen::Index(dims[0]), Eigen::Index(dims[1]));
}

void ensure_group(hid_t file, const std::string& name) {
  if (name == "/" || H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0) return;
  Handle lcpl = link_creation_plist();
  check(H5Gcreate2(file, name.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
        "cannot create group " + name);
}

namespace {
void write_attribute(hid_t file, const std::string& object, const std::string& attr, hid_t type,
                     hid_t space, const void* data) {
  Handle obj = open_object(file, object);
  if (H5Aexists(obj.get(), attr.c_str()) > 0) H5Adelete(obj.get(), attr.c_str());
  Handle a = check(H5Acreate2(obj.get(), attr.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                   "cannot create attribute " + attr + " on " + object);
  check_status(H5Awrite(a.get(), type, data), "cannot write attribute " + attr);
}
}  // namespace

void set_attribute(hid_t file, const std::string& object, const std::string& attr, double value) {
  Handle space = check(H5Screate(H5S_SCALAR), H5Sclose, "cannot create dataspace");
  write_attribute(file, object, attr, H5T_NATIVE_DOUBLE, space.get(), &value);
}

void set_attribute(hid_t file, const std::string& object, const std::string& attr, long long value) {
  Handle space = check(H5Screate(H5S_SCALAR), H5Sclose, "cannot create dataspace");
  write_attribute(file, object, attr, H5T_NATIVE_LLONG, space.get(), &value);
}

void set_attribute(hid_t file, const std::string& object, const std::string& attr, const std::string& value) {
  Handle obj = open_object(file, object);
  set_string_attribute(obj.get(), object, attr, value);
}

void set_attribute(hid_t file, const std::string& object, const std::string& attr, const std::vector<double>& value) {
  const hsize_t dim = value.size();
  Handle space = check(H5Screate_simple(1, &dim, nullptr), H5Sclose, "cannot create dataspace");
  write_attribute(file, object, attr, H5T_NATIVE_DOUBLE, space.get(), value.data());
}

bool exists(const InputFile& f, const std::string& name) {
  if (name.empty() || name[0] != '/') return false;
  if (name == "/") return true;
  // H5Lexists needs every parent to exist: walk the path one component at a time.
  std::size_t pos = 0;
  while (true) {
    pos = name.find('/', pos + 1);
    const std::string prefix = name.substr(0, pos);
    if (H5Lexists(f.id(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

std::vector<hsize_t> shape(const InputFile& f, const std::string& dataset) {
  std::vector<hsize_t> dims;
  if (!exists(f, dataset)) fail(f.path(), ": dataset ", dataset, " is missing");
  Handle ds = check(H5Dopen2(f.id(), dataset.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + dataset);
  Handle space = check(H5Dget_space(ds.get()), H5Sclose, "cannot read the shape of " + dataset);
  dims.assign(std::size_t(std::max(H5Sget_simple_extent_ndims(space.get()), 0)), 0);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::vector<double> read_doubles(const InputFile& f, const std::string& dataset, int rank,
                                 std::vector<hsize_t>* dims_out) {
  std::vector<hsize_t> dims;
  Handle ds = open_dataset_checked(f, dataset, H5T_FLOAT, H5T_FLOAT, "floating-point", rank, dims);
  std::vector<double> out(element_count(dims));
  if (!out.empty())
    check_status(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                 "cannot read " + dataset + " from " + f.path());
  if (dims_out) *dims_out = dims;
  return out;
}

std::vector<std::int64_t> read_integers(const InputFile& f, const std::string& dataset, int rank,
                                        std::vector<hsize_t>* dims_out) {
  std::vector<hsize_t> dims;
  Handle ds = open_dataset_checked(f, dataset, H5T_INTEGER, H5T_ENUM, "integer", rank, dims);
  std::vector<std::int64_t> out(element_count(dims));
  if (!out.empty()) {
    Handle file_type = check(H5Dget_type(ds.get()), H5Tclose, "cannot read the type of " + dataset);
    if (H5Tget_class(file_type.get()) == H5T_ENUM) {
      // h5py booleans: enum over int8; read the raw base integers.
      std::vector<std::int8_t> raw(out.size());
      check_status(H5Dread(ds.get(), H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()),
                   "cannot read " + dataset + " from " + f.path());
      for (std::size_t k = 0; k < raw.size(); ++k) out[k] = raw[k];
    } else {
      check_status(H5Dread(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                   "cannot read " + dataset + " from " + f.path());
    }
  }
  if (dims_out) *dims_out = dims;
  return out;
}

std::vector<std::int64_t> read_integer_rows(const InputFile& f, const std::string& dataset, hsize_t first,
                                            hsize_t count, std::vector<hsize_t>& dims, int rank) {
  return integer_rows<std::int64_t>(f, dataset, rank, first, count, dims, H5T_NATIVE_INT64, "read_integer_rows");
}

std::vector<std::uint8_t> read_binary_rows(const InputFile& f, const std::string& dataset, hsize_t first,
                                           hsize_t count, std::vector<hsize_t>& dims) {
  Handle ds = open_dataset_checked(f, dataset, H5T_INTEGER, H5T_ENUM, "integer", 2, dims);
  Handle file_type = check(H5Dget_type(ds.get()), H5Tclose, "cannot read the type of " + dataset);
  // Unsigned types saturate at 255 and are read without conversion when they are bytes;
  // signed types (and h5py's boolean enum over int8) go through int8, where a negative value
  // stays negative (its byte is >= 128) and a large one saturates at 127.
  const bool is_unsigned = H5Tget_class(file_type.get()) == H5T_INTEGER && H5Tget_sign(file_type.get()) == H5T_SGN_NONE;
  return read_row_block<std::uint8_t>(f, dataset, ds.get(), is_unsigned ? H5T_NATIVE_UINT8 : H5T_NATIVE_INT8, first,
                                      count, dims);
}

std::vector<std::int32_t> read_int32_rows(const InputFile& f, const std::string& dataset, int rank, hsize_t first,
                                          hsize_t count, std::vector<hsize_t>& dims) {
  return integer_rows<std::int32_t>(f, dataset, rank, first, count, dims, H5T_NATIVE_INT32, "read_int32_rows");
}

std::vector<double> read_double_rows(const InputFile& f, const std::string& dataset, hsize_t first, hsize_t count,
                                     std::vector<hsize_t>& dims) {
  Handle ds = open_dataset_checked(f, dataset, H5T_FLOAT, H5T_FLOAT, "floating-point", 2, dims);
  return read_row_block<double>(f, dataset, ds.get(), H5T_NATIVE_DOUBLE, first, count, dims);
}

bool has_attribute(const InputFile& f, const std::string& object, const std::string& attr) {
  return exists(f, object) && H5Aexists_by_name(f.id(), object.c_str(), attr.c_str(), H5P_DEFAULT) > 0;
}

double read_attribute_double(const InputFile& f, const std::string& object, const std::string& attr) {
  Handle a = open_attribute(f, object, attr);
  Handle type = check(H5Aget_type(a.get()), H5Tclose, "cannot read attribute type");
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER)
    fail(f.path(), ": attribute '", attr, "' of ", object, " is not numeric");
  double value = 0.0;
  check_status(H5Aread(a.get(), H5T_NATIVE_DOUBLE, &value), "cannot read attribute " + attr);
  return value;
}

long long read_attribute_int(const InputFile& f, const std::string& object, const std::string& attr) {
  Handle a = open_attribute(f, object, attr);
  Handle type = check(H5Aget_type(a.get()), H5Tclose, "cannot read attribute type");
  if (H5Tget_class(type.get()) != H5T_INTEGER)
    fail(f.path(), ": attribute '", attr, "' of ", object, " is not an integer");
  long long value = 0;
  check_status(H5Aread(a.get(), H5T_NATIVE_LLONG, &value), "cannot read attribute " + attr);
  return value;
}

std::string read_attribute_string(const InputFile& f, const std::string& object, const std::string& attr) {
  Handle a = open_attribute(f, object, attr);
  Handle type = check(H5Aget_type(a.get()), H5Tclose, "cannot read attribute type");
  if (H5Tget_class(type.get()) != H5T_STRING)
    fail(f.path(), ": attribute '", attr, "' of ", object, " is not a string");
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem = check(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create string type");
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* ptr = nullptr;
    check_status(H5Aread(a.get(), mem.get(), &ptr), "cannot read attribute " + attr);
    std::string out = ptr ? ptr : "";
    H5free_memory(ptr);
    return out;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string out(size, '\0');
  check_status(H5Aread(a.get(), type.get(), out.data()), "cannot read attribute " + attr);
  return out.substr(0, out.find('\0'));
}

}  // namespace nirl::h5
