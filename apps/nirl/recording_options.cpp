#include "recording_options.hpp"

#include <sstream>

#include "nirl/core/error.hpp"

namespace nirl::cli {

po::options_description recording_options() {
  po::options_description d("Recording (h5, MATLAB v7.3 .mat, NWB)");
  d.add_options()
      ("format", po::value<std::string>()->default_value("auto"), "auto (by extension) | h5 | mat | nwb")
      ("orientation", po::value<std::string>()->default_value(""),
       "time_x_neurons | neurons_x_time (default: h5 time_x_neurons; mat neurons_x_time as MATLAB shows it)")
      ("bin-width", po::value<std::string>()->default_value("0"), "nwb: bin width in seconds")
      ("t-start", po::value<std::string>()->default_value(""), "nwb: window start in s (default: first spike)")
      ("t-stop", po::value<std::string>()->default_value(""), "nwb: window end in s (default: one bin after the last spike)")
      ("units", po::value<std::string>()->default_value(""), "nwb: unit ids to use, e.g. 3,5,8 (default: all)");
  return d;
}

RecordingSource recording_source(const po::variables_map& vm, const std::string& path, const std::string& dataset_key) {
  RecordingSource src;
  src.path = path;
  src.format = get_string(vm, "format");
  src.orientation = get_string(vm, "orientation");
  src.dataset = get_string(vm, dataset_key);
  if (vm[dataset_key].defaulted() && recording_format(src) != "h5") src.dataset.clear();
  src.bin_width = get_double(vm, "bin-width");
  if (!get_string(vm, "t-start").empty()) src.t_start = get_double(vm, "t-start");
  if (!get_string(vm, "t-stop").empty()) src.t_stop = get_double(vm, "t-stop");
  if (!get_string(vm, "units").empty())
    for (int id : get_int_list(vm, "units")) src.units.push_back(id);
  return src;
}

}  // namespace nirl::cli
