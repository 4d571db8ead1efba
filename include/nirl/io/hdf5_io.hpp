// A thin RAII layer over the HDF5 C API: atomic output files (temporary file +
// rename), typed dataset and attribute writers, and readers that check existence,
// type class and rank and report problems as one-line nirl::Error messages.
#pragma once
#include <hdf5.h>

#include <Eigen/Dense>

#include <cstdint>
#include <string>
#include <vector>

namespace nirl::h5 {

// An owned hid_t, closed with the function given at construction.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  hid_t get() const { return id_; }
  void reset();
  // Gives up ownership: the caller closes the id.
  hid_t release() {
    const hid_t id = id_;
    id_ = -1;
    return id;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// A result file, written under a temporary name (output_files.hpp) and renamed into place
// by commit() after it is closed and flushed to disk, so a reader never sees a partial
// file. A disk error (a full disk, a quota) is reported with the system's reason, from the
// write that failed or from commit(). The constructor checks the path (check_output_path,
// output_files.hpp), removes temporary files left by killed runs of the same path and
// creates this process's temporary file, so an unwritable --out fails before any
// computation. Destroyed without commit, the temporary file is removed.
class OutputFile {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  hid_t id() const { return file_.get(); }
  const std::string& path() const { return path_; }
  void commit();

 private:
  void discard();
  std::string path_, tmp_path_;
  Handle file_;
  bool committed_ = false;
};

// Refuses a file that cannot be opened for reading: "cannot read file PATH: <reason>".
void check_readable(const std::string& path);

// A file opened read-only; the constructor reports missing, unreadable and non-HDF5 files.
class InputFile {
 public:
  explicit InputFile(std::string path);
  hid_t id() const { return file_.get(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  Handle file_;
};

// --- writing (intermediate groups are created as needed) ---
// For the writers of the io layer: an id owned by a Handle, or nirl::Error with HDF5's reason
// ("HDF5: what: No space left on device"); a status checked the same way; link creation
// properties that create intermediate groups.
Handle check(hid_t id, herr_t (*close)(hid_t), const std::string& what);
void check_status(herr_t status, const std::string& what);
Handle link_creation_plist();

// What every dataset carries (docs/hdf5_layout.md): attributes `units` ("1" for a
// dimensionless number, "index", "count", "nats", ...) and `description` (one line), and
// one name per dimension as its H5DS label (attach_scale links an axis dataset to it). A
// writer refuses an empty units or description and a dims count other than the rank.
struct Describe {
  std::string units;
  std::string description;
  std::vector<std::string> dims;
};

void write_doubles(hid_t file, const std::string& name, const double* data, const std::vector<hsize_t>& dims,
                   const Describe& describe);
void write_uint8(hid_t file, const std::string& name, const std::uint8_t* data, const std::vector<hsize_t>& dims,
                 const Describe& describe);
void write_int32(hid_t file, const std::string& name, const std::int32_t* data, const std::vector<hsize_t>& dims,
                 const Describe& describe);
void write_int64(hid_t file, const std::string& name, const std::int64_t* data, const std::vector<hsize_t>& dims,
                 const Describe& describe);
// UTF-8, 1-D.
void write_strings(hid_t file, const std::string& name, const std::vector<std::string>& values,
                   const Describe& describe);
// A matrix as a row-major 2-D float64 dataset.
void write_matrix(hid_t file, const std::string& name, const Eigen::MatrixXd& m, const Describe& describe);
// Makes the 1-D dataset `axis` a dimension scale called `name`.
void make_scale(hid_t file, const std::string& axis, const std::string& name);
// Attaches the dimension scale `axis` (made one, named by its last path component, if it
// is not yet) to dimension dim of `dataset`, whose length it must have.
void attach_scale(hid_t file, const std::string& dataset, unsigned dim, const std::string& axis);
// A `description` attribute on a group, created when missing.
void describe_group(hid_t file, const std::string& group, const std::string& description);

// The raster layout (write_uint8, write_int32 and RowWriter): chunks of this many rows
// (time bins) by all columns, deflate level 1.
inline constexpr hsize_t kChunkRows = 65536;

// A uint8, int32 or int64 dataset of fixed shape, with the raster layout, written a block of
// whole rows at a time; blocks of whole chunks are compressed and written by the call
// (no chunk cache).
class RowWriter {
 public:
  RowWriter(hid_t file, const std::string& name, hid_t file_type, std::vector<hsize_t> dims,
            const Describe& describe);
  // Rows [first, first + count), row-major, in the file type's native memory type.
  void write(hsize_t first, hsize_t count, const void* data);
  // Closes the dataset, writing what HDF5 still caches (a full disk is reported here).
  void close();

 private:
  std::string name_;
  Handle dataset_;
  hid_t mem_type_;
  std::vector<hsize_t> dims_;
};
void ensure_group(hid_t file, const std::string& name);
void set_attribute(hid_t file, const std::string& object, const std::string& attr, double value);
void set_attribute(hid_t file, const std::string& object, const std::string& attr, long long value);
void set_attribute(hid_t file, const std::string& object, const std::string& attr, const std::string& value);
void set_attribute(hid_t file, const std::string& object, const std::string& attr, const std::vector<double>& value);

// --- reading ---
bool exists(const InputFile& f, const std::string& name);
std::vector<hsize_t> shape(const InputFile& f, const std::string& dataset);
// Floating-point dataset of the given rank (0 = any) read as double.
std::vector<double> read_doubles(const InputFile& f, const std::string& dataset, int rank,
                                 std::vector<hsize_t>* dims = nullptr);
// Integer (or boolean-enum) dataset of the given rank read as int64.
std::vector<std::int64_t> read_integers(const InputFile& f, const std::string& dataset, int rank,
                                        std::vector<hsize_t>* dims = nullptr);
// Rows [first, first + count) of a 2-D dataset (count clipped to the rows there are),
// row-major, for reading a large matrix a block at a time; dims gets the whole dataset's
// shape. The class checks and messages are those of read_integers / read_doubles.
// read_integer_rows also reads rank-1 datasets (rank = 1: rows of one value).
std::vector<std::int64_t> read_integer_rows(const InputFile& f, const std::string& dataset, hsize_t first,
                                            hsize_t count, std::vector<hsize_t>& dims, int rank = 2);
// Rows [first, first + count) of a 2-D integer (or boolean-enum) dataset as bytes: 0 and 1
// read as 0 and 1, and any other value as a byte other than 0 and 1 (for checking 0/1 data).
std::vector<std::uint8_t> read_binary_rows(const InputFile& f, const std::string& dataset, hsize_t first,
                                           hsize_t count, std::vector<hsize_t>& dims);
// Rows [first, first + count) of an integer (or boolean-enum) dataset of rank 1 or 2 (a
// rank-1 dataset has rows of one value) as int32. A value outside int32 saturates at its
// nearest end (HDF5's conversion), so a check for a range inside int32 still refuses it.
std::vector<std::int32_t> read_int32_rows(const InputFile& f, const std::string& dataset, int rank, hsize_t first,
                                          hsize_t count, std::vector<hsize_t>& dims);
std::vector<double> read_double_rows(const InputFile& f, const std::string& dataset, hsize_t first, hsize_t count,
                                     std::vector<hsize_t>& dims);
// A 2-D floating-point dataset as a matrix.
Eigen::MatrixXd read_matrix(const InputFile& f, const std::string& dataset);
bool has_attribute(const InputFile& f, const std::string& object, const std::string& attr);
double read_attribute_double(const InputFile& f, const std::string& object, const std::string& attr);
long long read_attribute_int(const InputFile& f, const std::string& object, const std::string& attr);
std::string read_attribute_string(const InputFile& f, const std::string& object, const std::string& attr);

}  // namespace nirl::h5
