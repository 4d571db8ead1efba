#include "recording_options.hpp"

#include <climits>

#include "nirl/core/error.hpp"

namespace nirl::cli {
namespace {

struct RecordingKey {
  const char* name;  // with '_': a flag writes it with '-'
  const char* default_value;
  const char* help;
};
const RecordingKey kReadingKeys[] = {
    {"format", "auto", "auto (by extension) | h5 | mat | nwb"},
    {"orientation", "", "time_x_neurons | neurons_x_time (default: h5 time_x_neurons; mat neurons_x_time as MATLAB shows it)"},
    {"bin_width", "0", "nwb: bin width in seconds"},
    {"t_start", "", "nwb: window start in s (default: first spike)"},
    {"t_stop", "", "nwb: window end in s (default: one bin after the last spike)"},
    {"units", "", "nwb: unit ids to use, e.g. 3,5,8 (default: all)"},
};

std::string flag(const std::string& name) {
  std::string f = name;
  for (char& c : f)
    if (c == '_') c = '-';
  return f;
}

// The key of `name` with the prefix ("" for flags, "recording." in a study).
std::string key_of(const std::string& prefix, const char* name) { return prefix.empty() ? flag(name) : prefix + name; }

void add_reading_keys(po::options_description& d, const std::string& prefix) {
  for (const RecordingKey& k : kReadingKeys)
    d.add_options()(key_of(prefix, k.name).c_str(), po::value<std::string>()->default_value(k.default_value), k.help);
}

RecordingSource source_from(const po::variables_map& vm, const std::string& prefix, const std::string& path,
                            const std::string& dataset_key) {
  const auto key = [&](const char* name) { return key_of(prefix, name); };
  RecordingSource src;
  src.path = path;
  src.format = get_string(vm, key("format"));
  src.orientation = get_string(vm, key("orientation"));
  src.dataset = get_string(vm, dataset_key);
  if (vm[dataset_key].defaulted() && recording_format(src) != "h5") src.dataset.clear();
  src.bin_width = get_double(vm, key("bin_width"));
  if (!get_string(vm, key("t_start")).empty()) src.t_start = get_double(vm, key("t_start"));
  if (!get_string(vm, key("t_stop")).empty()) src.t_stop = get_double(vm, key("t_stop"));
  if (!get_string(vm, key("units")).empty())
    for (int id : get_int_list(vm, key("units"))) src.units.push_back(id);
  return src;
}

}  // namespace

po::options_description recording_options() {
  po::options_description d("Recording (h5, MATLAB .mat of any version, NWB)");
  add_reading_keys(d, "");
  return d;
}

RecordingSource recording_source(const po::variables_map& vm, const std::string& path, const std::string& dataset_key) {
  return source_from(vm, "", path, dataset_key);
}

po::options_description recording_study_options() {
  po::options_description d("Recording pipeline ([recording] section, study.pipeline = recording)");
  d.add_options()
      ("recording.path", po::value<std::string>(), "recording: HDF5 raster, MATLAB .mat (v4, v6, v7, v7.3) or NWB file")
      ("recording.dataset", po::value<std::string>()->default_value("/raster/spikes"),
       "h5: dataset of spikes; mat: variable (default: the only one)");
  add_reading_keys(d, "recording.");
  d.add_options()
      ("recording.lambda", po::value<std::string>()->default_value("1"), "coding cost lambda > 0 (scales the reward)")
      ("recording.pseudocount", po::value<std::string>()->default_value("0.5"), "Dirichlet pseudocount per state")
      ("recording.block_length", po::value<std::string>()->default_value("0"),
       "bootstrap block in time bins; 0 = max(T^(1/3), 10 x autocorrelation time), at most T/20")
      ("recording.min_visits", po::value<std::string>()->default_value("10"),
       "states observed at least this often are the reference states: they get intervals and fix the gauge")
      ("recording.level", po::value<std::string>()->default_value("0.95"), "confidence level of the intervals")
      ("recording.folds", po::value<std::string>()->default_value("5"),
       "model choice: contiguous time blocks (0 = none; then leave the model-choice measures out)");
  return d;
}

RecordingPoint recording_point(const po::variables_map& vm) {
  if (!vm.count("recording.path")) fail("recording.path is required for study.pipeline = recording");
  RecordingPoint p;
  p.source = source_from(vm, "recording.", get_string(vm, "recording.path"), "recording.dataset");
  p.bootstrap.lambda = get_double(vm, "recording.lambda");
  p.bootstrap.pseudocount = get_double(vm, "recording.pseudocount");
  p.bootstrap.block_length = std::size_t(get_int(vm, "recording.block_length", 0, LLONG_MAX));
  p.bootstrap.min_visits = get_double(vm, "recording.min_visits");
  p.bootstrap.level = get_double(vm, "recording.level");
  p.bootstrap.seed = get_uint(vm, "seed");
  p.model_choice.folds = int(get_int(vm, "recording.folds", 0, kIntMax));
  return p;
}

}  // namespace nirl::cli
