#include "study_options.hpp"

#include <climits>
#include <map>
#include <set>
#include <sstream>

#include "nirl/core/error.hpp"
#include "nirl/io/parse_number.hpp"
#include "nirl/study/study_measures.hpp"

namespace nirl::cli {
namespace {

// The [study] keys a grid axis may vary (the others shape the grid itself).
const std::set<std::string> kVariableStudyKeys = {"study.samples", "study.ridge", "study.threshold", "study.block_length"};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, separator)) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

std::vector<std::string> lines_of(const po::variables_map& vm, const std::string& key) {
  return vm.count(key) ? vm[key].as<std::vector<std::string>>() : std::vector<std::string>{};
}

// vm with the point's assignments in place of the configured values.
po::variables_map with_settings(const po::variables_map& vm, const Assignments& settings) {
  po::variables_map v = vm;
  auto& values = static_cast<std::map<std::string, po::variable_value>&>(v);
  for (const auto& [key, value] : settings) values[key] = po::variable_value(boost::any(value), false);
  return v;
}

StudyPoint point_from_options(const po::variables_map& vm) {
  StudyPoint p;
  p.net = network_from_options(vm);
  p.solver = solver_from_options(vm);
  p.prediction = prediction_from_options(vm);
  if (!vm.count("study.samples")) fail("study.samples is required (observed steps per simulated raster)");
  p.samples = std::size_t(get_int(vm, "study.samples", 2, LLONG_MAX));
  p.block_length = std::size_t(get_int(vm, "study.block_length", 1, LLONG_MAX));
  p.threshold = get_double(vm, "study.threshold");
  if (!(p.threshold >= 0.0)) fail("study.threshold must be >= 0 (got ", p.threshold, ")");
  p.likelihood.ridge = get_double(vm, "study.ridge");
  if (!(p.likelihood.ridge >= 0.0)) fail("study.ridge must be >= 0 (got ", p.likelihood.ridge, ")");
  p.seed = get_uint(vm, "seed");
  return p;
}

}  // namespace

po::options_description study_options() {
  po::options_description d("Study ([study] section, experiment.kind = study)");
  d.add_options()
      ("study.vary", po::value<std::vector<std::string>>()->composing(),
       "a grid axis, KEY: V1, V2, ... (';' between values that contain commas); repeat for more axes")
      ("study.point", po::value<std::vector<std::string>>()->composing(),
       "an explicit grid point, KEY = V; KEY = V ...; repeat for more points (axis 'point')")
      ("study.trials", po::value<std::string>()->default_value("1"), "simulations per grid point")
      ("study.bootstraps", po::value<std::string>()->default_value("0"), "moving-block bootstrap resamples per simulation")
      ("study.samples", po::value<std::string>(), "observed steps per simulation")
      ("study.block_length", po::value<std::string>()->default_value("100"), "bootstrap block length (steps)")
      ("study.perturbations", po::value<std::string>()->default_value(""),
       "nirl predict specs separated by ';', predicted by every task, e.g. switch_up=0.035;dead=3")
      ("study.threshold", po::value<std::string>()->default_value(number_text(kIdentifiedProbability)), "aligned r2 over states with true p above this")
      ("study.ridge", po::value<std::string>()->default_value("1"), "prior (ridge/2)||v||^2 of the inference")
      ("study.measures", po::value<std::string>(),
       "measures to record, e.g. r2,kl_predicted (default r2, r2_weighted and, with perturbations, kl_predicted, kl_baseline)");
  return d;
}

Study study_from_options(const po::variables_map& vm, const po::options_description& keys) {
  std::set<std::string> variable;
  for (const auto& option : keys.options()) {
    const std::string& key = option->long_name();
    const std::string section = key.substr(0, key.find('.'));
    if (section == "network" || section == "input" || section == "reward" || section == "solver" ||
        section == "search" || section == "prediction" || key == "seed" || kVariableStudyKeys.count(key))
      variable.insert(key);
  }
  std::vector<StudyAxis> axes;
  const std::vector<std::string> points = lines_of(vm, "study.point");
  if (!points.empty()) axes.push_back(parse_points(points));
  for (const std::string& line : lines_of(vm, "study.vary")) axes.push_back(parse_vary(line));
  for (const StudyAxis& axis : axes)
    for (const Assignments& a : axis.settings)
      for (const auto& [key, value] : a)
        if (!variable.count(key))
          fail("study: '", key, "' cannot vary (any key of [network], [input], [reward], [solver], [search], "
               "[prediction], seed, study.samples, study.ridge, study.threshold or study.block_length can)");
  Study study{StudyGrid(std::move(axes), int(get_int(vm, "study.trials", 1, kIntMax)),
                        int(get_int(vm, "study.bootstraps", 0, kIntMax))),
              split(get_string(vm, "study.perturbations"), ';'), {}, {}};
  if (vm.count("study.measures")) {
    study.measures = split(get_string(vm, "study.measures"), ',');
    if (study.measures.empty()) fail("study.measures is empty (e.g. r2,kl_predicted)");
  } else {
    study.measures = {"r2", "r2_weighted"};
    if (!study.perturbations.empty()) study.measures.insert(study.measures.end(), {"kl_predicted", "kl_baseline"});
  }
  std::set<std::string> seen;
  for (const std::string& name : study.measures) {
    const MeasureInfo& m = find_measure(name);
    if (!seen.insert(name).second) fail("study.measures: ", name, " is listed twice");
    if (m.extent == MeasureExtent::perturbation && study.perturbations.empty())
      fail("study.measures: ", name, " needs study.perturbations");
  }
  study.resolve = [vm](const Assignments& settings) { return point_from_options(with_settings(vm, settings)); };
  return study;
}

}  // namespace nirl::cli
