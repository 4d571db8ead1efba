#include "nirl/io/recording_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include <matio.h>

#include "nirl/core/error.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/core/state_space.hpp"

namespace nirl {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  std::string tail = s.substr(s.size() - suffix.size());
  std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return tail == suffix;
}

// The type class of a dataset (missing datasets are reported by the caller's reader).
H5T_class_t dataset_class(const h5::InputFile& f, const std::string& name) {
  if (!h5::exists(f, name)) fail(f.path(), ": dataset ", name, " is missing");
  if (H5Oexists_by_name(f.id(), name.c_str(), H5P_DEFAULT) <= 0) fail(f.path(), ": ", name, " is not a dataset");
  H5O_info_t info;
  if (H5Oget_info_by_name2(f.id(), name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET)
    fail(f.path(), ": ", name, " is a group, not a dataset");
  h5::Handle ds(H5Dopen2(f.id(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (ds.get() < 0) fail(f.path(), ": cannot open dataset ", name);
  h5::Handle type(H5Dget_type(ds.get()), H5Tclose);
  return H5Tget_class(type.get());
}

// A rank-2 counts dataset (integer, boolean enum or integer-valued float) binarised into a
// raster (time_major: the rows are time bins), read kReadElements values at a time so that
// a large recording is never held as 8-byte counts.
constexpr hsize_t kReadElements = hsize_t(1) << 20;

Recording read_binarised(const h5::InputFile& f, const std::string& name, bool time_major, const std::string& where) {
  const H5T_class_t cls = dataset_class(f, name);
  const bool integers = cls == H5T_INTEGER || cls == H5T_ENUM;
  if (!integers && cls != H5T_FLOAT)
    fail(f.path(), ": dataset ", name, " has a type that is neither integer, boolean nor floating-point");
  const std::vector<hsize_t> shape = h5::shape(f, name);
  const hsize_t block = std::max<hsize_t>(1, kReadElements / std::max<hsize_t>(1, shape.size() == 2 ? shape[1] : 1));
  Recording rec;
  std::vector<hsize_t> dims;
  for (hsize_t first = 0; first == 0 || first < dims[0]; first += block) {
    std::vector<std::int64_t> values;
    if (integers) {
      values = h5::read_integer_rows(f, name, first, block, dims);
    } else {
      const std::vector<double> raw = h5::read_double_rows(f, name, first, block, dims);
      values.resize(raw.size());
      for (std::size_t k = 0; k < raw.size(); ++k) {
        const double v = raw[k];
        if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 9e15)
          fail(f.path(), ": dataset ", name, " holds ", v, " at element ", first * dims[1] + k,
               " (floating-point spikes must be whole counts)");
        values[k] = std::int64_t(v);
      }
    }
    const hsize_t rows = dims[0], cols = dims[1];
    const hsize_t steps = time_major ? rows : cols, n = time_major ? cols : rows;
    if (first == 0) {
      if (n == 0) fail(where, " has no neurons (", time_major ? "columns" : "rows", ")");
      if (steps < 2) fail(where, " has ", steps, " time bin(s); at least 2 are needed");
      rec.raster.n = int(n);
      rec.raster.steps = std::size_t(steps);
      rec.raster.spikes.assign(std::size_t(steps * n), 0);
    }
    for (hsize_t r = first; r < first + values.size() / cols; ++r)
      for (hsize_t c = 0; c < cols; ++c) {
        const std::int64_t v = values[std::size_t((r - first) * cols + c)];
        const hsize_t t = time_major ? r : c, i = time_major ? c : r;
        if (v < 0) fail(where, " holds ", v, " at time bin ", t, ", neuron ", i, " (spike counts must be >= 0)");
        if (v > 1) ++rec.clipped;
        rec.raster.spikes[std::size_t(t * n + i)] = v > 0 ? 1 : 0;
      }
  }
  for (int i = 0; i < rec.raster.n; ++i) rec.unit_ids.push_back((long long)i);
  return rec;
}

bool time_major_for(const std::string& orientation, bool reversed_dims, const std::string& where) {
  if (orientation != "time_x_neurons" && orientation != "neurons_x_time")
    fail(where, ": unknown orientation '", orientation, "' (expected time_x_neurons or neurons_x_time)");
  // HDF5 rows are time bins when the array (as its writer shows it) is time x neurons, or,
  // with the dimensions reversed on disk (MATLAB), when it is neurons x time.
  return (orientation == "time_x_neurons") != reversed_dims;
}

std::vector<std::string> root_names(const h5::InputFile& f);

Recording read_h5(const RecordingSource& src) {
  const h5::InputFile f(src.path);
  const std::string name = src.dataset.empty() ? "/raster/spikes" : src.dataset;
  if (!h5::exists(f, name)) {
    std::string list;
    for (const std::string& v : root_names(f)) list += (list.empty() ? "" : ", ") + v;
    fail(src.path, ": dataset ", name, " is missing (name the spikes dataset; the file's root holds: ", list, ")");
  }
  const std::string where = src.path + ": dataset " + name;
  Recording rec = read_binarised(
      f, name, time_major_for(src.orientation.empty() ? "time_x_neurons" : src.orientation, false, where), where);
  rec.dataset = name;
  return rec;
}

// Names of the objects at the root of a file (MATLAB variables), skipping #refs# / #subsystem#.
std::vector<std::string> root_names(const h5::InputFile& f) {
  std::vector<std::string> names;
  H5Literate(f.id(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr,
              [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
                if (name[0] != '#') static_cast<std::vector<std::string>*>(data)->push_back(name);
                return 0;
              },
              &names);
  return names;
}

// The variable to read: `requested`, or the only variable of the file when none is named;
// a missing or ambiguous one is an error that lists the file's variables.
std::string mat_variable(const std::string& path, const std::string& requested, const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& v : names) list += (list.empty() ? "" : ", ") + v;
  if (requested.empty()) {
    if (names.size() != 1) fail(path, " holds ", names.size(), " variables (", list, "): name one with --dataset");
    return names[0];
  }
  if (std::find(names.begin(), names.end(), requested) == names.end())
    fail(path, ": variable ", requested, " is missing (the file holds: ", list.empty() ? "no variables" : list, ")");
  return requested;
}

// A MATLAB v7.3 file: HDF5 after a 512-byte userblock, read a block at a time.
Recording read_mat73(const RecordingSource& src, std::string name) {
  const h5::InputFile f(src.path);
  const std::vector<std::string> names = root_names(f);
  name = mat_variable(src.path, name, names);
  const std::string where = src.path + ": variable " + name, path = "/" + name;
  if (!h5::has_attribute(f, path, "MATLAB_class"))
    fail(where, " has no MATLAB_class attribute (not written by MATLAB -v7.3; use --format h5)");
  const std::string cls = h5::read_attribute_string(f, path, "MATLAB_class");
  static const char* const kNumeric[] = {"logical", "double", "single", "uint8", "int8", "uint16",
                                         "int16",   "uint32", "int32",  "uint64", "int64"};
  if (std::find(std::begin(kNumeric), std::end(kNumeric), cls) == std::end(kNumeric))
    fail(where, " is a MATLAB ", cls, "; a numeric or logical matrix is needed");
  if (h5::has_attribute(f, path, "MATLAB_sparse")) fail(where, " is a sparse matrix; store it with full(...)");
  if (h5::has_attribute(f, path, "MATLAB_empty")) fail(where, " is empty");
  Recording rec = read_binarised(
      f, path, time_major_for(src.orientation.empty() ? "neurons_x_time" : src.orientation, true, where), where);
  rec.dataset = name;
  return rec;
}

// Element k of a matio array's real data as a count (whole, finite), or a one-line error.
std::int64_t mat_count(const matvar_t& v, std::size_t k, const std::string& where) {
  double x = 0.0;
  switch (v.data_type) {
    case MAT_T_DOUBLE: x = static_cast<const double*>(v.data)[k]; break;
    case MAT_T_SINGLE: x = static_cast<const float*>(v.data)[k]; break;
    case MAT_T_INT8: return static_cast<const std::int8_t*>(v.data)[k];
    case MAT_T_UINT8: return static_cast<const std::uint8_t*>(v.data)[k];
    case MAT_T_INT16: return static_cast<const std::int16_t*>(v.data)[k];
    case MAT_T_UINT16: return static_cast<const std::uint16_t*>(v.data)[k];
    case MAT_T_INT32: return static_cast<const std::int32_t*>(v.data)[k];
    case MAT_T_UINT32: return static_cast<const std::uint32_t*>(v.data)[k];
    case MAT_T_INT64: return static_cast<const std::int64_t*>(v.data)[k];
    case MAT_T_UINT64: {
      const std::uint64_t u = static_cast<const std::uint64_t*>(v.data)[k];
      return u > std::uint64_t(INT64_MAX) ? INT64_MAX : std::int64_t(u);
    }
    default: fail(where, " has a storage type nirl cannot read (matio data type ", int(v.data_type), ")");
  }
  if (!std::isfinite(x) || x != std::floor(x) || std::fabs(x) > 9e15)
    fail(where, " holds ", x, " at element ", k, " (floating-point spikes must be whole counts)");
  return std::int64_t(x);
}

// A MATLAB v4, v6 or v7 (compressed) file, read whole with libmatio (these formats hold at
// most 2 GB per variable).
Recording read_mat5(const RecordingSource& src, const std::string& requested) {
  struct Closer {
    void operator()(mat_t* m) const { Mat_Close(m); }
    void operator()(matvar_t* v) const { Mat_VarFree(v); }
  };
  const std::unique_ptr<mat_t, Closer> mat(Mat_Open(src.path.c_str(), MAT_ACC_RDONLY));
  if (!mat) fail(src.path, " is not a MATLAB file that nirl can read (v4, v6, v7 or v7.3)");
  std::vector<std::string> names;
  while (matvar_t* info = Mat_VarReadNextInfo(mat.get())) {
    if (info->name) names.emplace_back(info->name);
    Mat_VarFree(info);
  }
  const std::string name = mat_variable(src.path, requested, names);
  const std::string where = src.path + ": variable " + name;
  const std::unique_ptr<matvar_t, Closer> v(Mat_VarRead(mat.get(), name.c_str()));
  if (!v) fail(where, " could not be read (a damaged file?)");
  if (v->class_type == MAT_C_SPARSE) fail(where, " is a sparse matrix; store it with full(...)");
  if (v->class_type < MAT_C_DOUBLE || v->class_type > MAT_C_UINT64)
    fail(where, " is a MATLAB ", v->class_type == MAT_C_CELL ? "cell" : v->class_type == MAT_C_STRUCT ? "struct"
                                  : v->class_type == MAT_C_CHAR ? "char" : "object",
         "; a numeric or logical matrix is needed");
  if (v->isComplex) fail(where, " is complex; spikes must be real counts");
  if (v->rank != 2) fail(where, " has ", v->rank, " dimensions; a neurons x time matrix is needed");
  if (v->dims[0] == 0 || v->dims[1] == 0 || !v->data) fail(where, " is empty");
  const bool neurons_x_time = (src.orientation.empty() ? "neurons_x_time" : src.orientation) == "neurons_x_time";
  time_major_for(src.orientation.empty() ? "neurons_x_time" : src.orientation, true, where);  // checks the name
  // MATLAB arrays are column-major: element (r, c) is at r + c * rows.
  const std::size_t rows = v->dims[0], cols = v->dims[1];
  const std::size_t n = neurons_x_time ? rows : cols, steps = neurons_x_time ? cols : rows;
  if (steps < 2) fail(where, " has ", steps, " time bin(s); at least 2 are needed");
  Recording rec;
  rec.raster.n = int(n);
  rec.raster.steps = steps;
  rec.raster.spikes.assign(steps * n, 0);
  for (std::size_t c = 0; c < cols; ++c)
    for (std::size_t r = 0; r < rows; ++r) {
      const std::int64_t count = mat_count(*v, r + c * rows, where);
      const std::size_t t = neurons_x_time ? c : r, i = neurons_x_time ? r : c;
      if (count < 0) fail(where, " holds ", count, " at time bin ", t, ", neuron ", i, " (spike counts must be >= 0)");
      if (count > 1) ++rec.clipped;
      rec.raster.spikes[t * n + i] = count > 0 ? 1 : 0;
    }
  for (std::size_t i = 0; i < n; ++i) rec.unit_ids.push_back((long long)i);
  rec.dataset = name;
  return rec;
}

Recording read_mat(const RecordingSource& src) {
  std::string name = src.dataset;
  if (!name.empty() && name[0] == '/') name = name.substr(1);  // a variable, named as a dataset path
  h5::check_readable(src.path);
  return H5Fis_hdf5(src.path.c_str()) > 0 ? read_mat73(src, name) : read_mat5(src, name);
}

Recording read_nwb(const RecordingSource& src) {
  const h5::InputFile f(src.path);
  if (!(src.bin_width > 0.0) || !std::isfinite(src.bin_width))
    fail("NWB spike times need a bin width > 0 in seconds (got ", src.bin_width, ")");
  if (!h5::exists(f, "/units")) fail(src.path, ": no units table /units");
  const std::string times_name = "/units/spike_times", index_name = "/units/spike_times_index";
  for (const std::string& name : {times_name, index_name})
    if (!h5::exists(f, name)) fail(src.path, ": dataset ", name, " is missing");
  if (dataset_class(f, times_name) != H5T_FLOAT)
    fail(src.path, ": dataset ", times_name, " must be floating-point (seconds)");
  const std::vector<double> times = h5::read_doubles(f, times_name, 1);
  if (dataset_class(f, index_name) != H5T_INTEGER) fail(src.path, ": dataset ", index_name, " must be integer");
  const std::vector<std::int64_t> index = h5::read_integers(f, index_name, 1);
  const std::size_t units = index.size();
  if (units == 0) fail(src.path, ": the units table is empty (", index_name, " has length 0)");
  std::vector<long long> ids(units);
  if (h5::exists(f, "/units/id")) {
    if (dataset_class(f, "/units/id") != H5T_INTEGER) fail(src.path, ": dataset /units/id must be integer");
    const std::vector<std::int64_t> stored = h5::read_integers(f, "/units/id", 1);
    if (stored.size() != units)
      fail(src.path, ": dataset /units/id has length ", stored.size(), " but ", index_name, " has ", units, " units");
    ids.assign(stored.begin(), stored.end());
  } else {
    for (std::size_t u = 0; u < units; ++u) ids[u] = (long long)u;
  }
  // Unit u owns times[index[u-1], index[u]) (NWB VectorIndex, index[-1] = 0).
  for (std::size_t u = 0; u < units; ++u) {
    const std::int64_t begin = u ? index[u - 1] : 0;
    if (index[u] < begin)
      fail(src.path, ": dataset ", index_name, " decreases at unit ", u, " (", begin, " then ", index[u], ")");
    if (index[u] > std::int64_t(times.size()))
      fail(src.path, ": dataset ", index_name, " holds ", index[u], " at unit ", u, ", beyond the ", times.size(),
           " spike times");
  }
  if (std::size_t(index.back()) != times.size())
    fail(src.path, ": dataset ", index_name, " ends at ", index.back(), " but ", times_name, " holds ", times.size(),
         " spike times");

  std::vector<std::size_t> selected;
  if (src.units.empty()) {
    for (std::size_t u = 0; u < units; ++u) selected.push_back(u);
  } else {
    std::map<long long, std::size_t> row;
    for (std::size_t u = 0; u < units; ++u) row[ids[u]] = u;
    for (long long id : src.units) {
      const auto it = row.find(id);
      if (it == row.end()) fail(src.path, ": unit id ", id, " is not in the units table");
      if (std::find(selected.begin(), selected.end(), it->second) != selected.end())
        fail("unit id ", id, " is selected twice");
      selected.push_back(it->second);
    }
  }
  double first = INFINITY, last = -INFINITY;
  for (std::size_t u : selected) {
    const std::int64_t begin = u ? index[u - 1] : 0;
    for (std::int64_t k = begin; k < index[u]; ++k) {
      const double t = times[std::size_t(k)];
      if (!std::isfinite(t)) fail(src.path, ": unit ", ids[u], " has a non-finite spike time at element ", k);
      if (t < 0.0) fail(src.path, ": unit ", ids[u], " has a negative spike time ", t, " at element ", k);
      if (k > begin && t < times[std::size_t(k - 1)])
        fail(src.path, ": spike times of unit ", ids[u], " are not sorted (", times[std::size_t(k - 1)], " then ", t,
             " at element ", k, ")");
      first = std::min(first, t);
      last = std::max(last, t);
    }
  }
  const bool has_start = !std::isnan(src.t_start), has_stop = !std::isnan(src.t_stop);
  if ((!has_start || !has_stop) && !std::isfinite(first))
    fail(src.path, ": the selected units have no spikes; give the time window (--t-start, --t-stop)");
  const double start = has_start ? src.t_start : first;
  const double stop = has_stop ? src.t_stop : last + src.bin_width;
  if (!std::isfinite(start) || !std::isfinite(stop) || !(stop > start))
    fail("the time window [", start, ", ", stop, ") is empty");
  // Whole bins [start + b w, start + (b + 1) w) inside the window; a partial last bin is dropped.
  const double bins = std::floor((stop - start) / src.bin_width * (1 + 1e-12));
  if (bins < 2) fail("the time window [", start, ", ", stop, ") holds ", bins, " bin(s) of ", src.bin_width, " s; at least 2 are needed");
  if (bins > 1e10) fail("the time window holds ", bins, " bins; use a wider bin");

  Recording rec;
  Raster& r = rec.raster;
  r.n = int(selected.size());
  r.steps = std::size_t(bins);
  r.spikes.assign(r.steps * std::size_t(r.n), 0);
  for (std::size_t j = 0; j < selected.size(); ++j) {
    const std::size_t u = selected[j];
    rec.unit_ids.push_back(ids[u]);
    for (std::int64_t k = u ? index[u - 1] : 0; k < index[u]; ++k) {
      const double b = std::floor((times[std::size_t(k)] - start) / src.bin_width);
      if (b < 0 || b >= bins) continue;
      // 0: no spike yet, 1: one, 2: more than one (the bin counted once in clipped).
      std::uint8_t& cell = r.spikes[std::size_t(b) * std::size_t(r.n) + j];
      if (cell == 1) ++rec.clipped;
      cell = cell == 0 ? 1 : 2;
    }
  }
  for (std::uint8_t& cell : r.spikes) cell = cell > 0 ? 1 : 0;
  rec.dataset = times_name;
  rec.bin_width = src.bin_width;
  rec.t_start = start;
  return rec;
}

}  // namespace

std::string recording_format(const RecordingSource& source) {
  if (source.format != "auto") return source.format;
  if (ends_with(source.path, ".mat")) return "mat";
  if (ends_with(source.path, ".nwb")) return "nwb";
  return "h5";
}

void check_recording_source(const RecordingSource& source) {
  const std::string format = recording_format(source);
  if (format != "h5" && format != "mat" && format != "nwb")
    fail("unknown recording format '", format, "' (expected auto, h5, mat or nwb)");
  if (!source.orientation.empty() && source.orientation != "time_x_neurons" && source.orientation != "neurons_x_time")
    fail("unknown orientation '", source.orientation, "' (expected time_x_neurons or neurons_x_time)");
  if (format != "nwb" && (source.bin_width != 0.0 || !std::isnan(source.t_start) || !std::isnan(source.t_stop) ||
                          !source.units.empty()))
    fail("bin width, time window and unit selection apply to NWB spike times only (format ", format, ")");
  if (format == "nwb" && !source.orientation.empty()) fail("the orientation does not apply to NWB spike times");
  if (format == "nwb" && !source.dataset.empty()) fail("NWB spike times are read from /units; no dataset is named");
}

Recording read_recording(const RecordingSource& source) {
  check_recording_source(source);
  const std::string format = recording_format(source);
  Recording rec = format == "h5" ? read_h5(source) : format == "mat" ? read_mat(source) : read_nwb(source);
  rec.format = format;
  if (format != "nwb" && rec.raster.steps < std::size_t(rec.raster.n))
    fail(source.path, ": ", rec.raster.n, " neurons over ", rec.raster.steps,
         " time bins: fewer bins than neurons, so the raster is probably transposed (check the orientation: "
         "time_x_neurons or neurons_x_time; if it is right, the recording is too short for that many neurons)");
  return rec;
}

}  // namespace nirl
