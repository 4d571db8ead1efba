#include "study_options.hpp"

#include <climits>
#include <map>
#include <set>
#include <sstream>

#include "nirl/core/error.hpp"
#include "nirl/io/parse_number.hpp"
#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/maze/gridworld.hpp"
#include "nirl/study/coding_pipeline.hpp"
#include "nirl/study/maze_pipeline.hpp"
#include "nirl/study/pairwise_pipeline.hpp"
#include "nirl/study/synthetic_pipeline.hpp"
#include "recording_options.hpp"

namespace nirl::cli {
namespace {

// What each pipeline reads: the config sections and the [study] keys that set a point (a
// grid axis may vary them; the other [study] keys shape the grid itself), and whether it
// predicts perturbations, has bootstrap resamples and simulates trials.
struct PipelineKeys {
  std::set<std::string> sections, study_keys;
  bool perturbations, bootstraps, trials;
};
const std::map<std::string, PipelineKeys> kPipelines = {
    {"synthetic",
     {{"network", "input", "reward", "solver", "search", "prediction"},
      {"study.samples", "study.threshold", "study.ridge", "study.block_length", "study.statistics",
       "study.raster_steps"},
      true, true, true}},
    {"pairwise",
     {{"network", "input", "reward", "pairwise"}, {"study.samples", "study.threshold", "study.raster_steps"}, true, false,
      true}},
    {"maze",
     {{"maze", "solver"},
      {"study.samples", "study.threshold", "study.ridge", "study.statistics", "study.raster_steps"},
      true, false, true}},
    {"coding",
     {{"network", "input", "reward", "solver"},
      {"study.samples", "study.threshold", "study.ridge", "study.block_length", "study.statistics",
       "study.group_tolerance", "study.predict"},
      true, true, true}},
    {"recording", {{"recording"}, {}, false, true, false}},
};

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

std::size_t samples_from(const po::variables_map& vm) {
  if (!vm.count("study.samples")) fail("study.samples is required (observed steps per task)");
  return std::size_t(get_int(vm, "study.samples", 2, LLONG_MAX));
}

double threshold_from(const po::variables_map& vm) {
  const double threshold = get_double(vm, "study.threshold");
  if (!(threshold >= 0.0)) fail("study.threshold must be >= 0 (got ", threshold, ")");
  return threshold;
}

// What a task of a tabular pipeline observes (its samples are the point's, set by resolve).
Observation observation_from(const po::variables_map& vm) {
  Observation o;
  o.block_length = std::size_t(get_int(vm, "study.block_length", 1, LLONG_MAX));
  const std::string statistics = get_string(vm, "study.statistics");
  if (statistics == "exact") o.statistics = Statistics::exact;
  else if (statistics != "sampled") fail("study.statistics: expected sampled or exact (got '", statistics, "')");
  if (o.statistics == Statistics::exact && get_int(vm, "study.bootstraps", 0, kIntMax) != 0)
    fail("study.statistics = exact has no bootstrap resamples (study.bootstraps must be 0)");
  o.seed = get_uint(vm, "seed");
  return o;
}

// The prior (ridge/2)||v||^2 of the maximum-likelihood inverse.
double ridge_from(const po::variables_map& vm) {
  const double ridge = get_double(vm, "study.ridge");
  if (!(ridge >= 0.0)) fail("study.ridge must be >= 0 (got ", ridge, ")");
  return ridge;
}

SyntheticPoint synthetic_point(const po::variables_map& vm) {
  SyntheticPoint p;
  p.net = network_from_options(vm);
  p.solver = solver_from_options(vm);
  p.prediction = prediction_from_options(vm);
  p.samples = samples_from(vm);
  p.observation = observation_from(vm);
  p.likelihood.ridge = ridge_from(vm);
  p.threshold = threshold_from(vm);
  p.raster_steps = std::size_t(get_int(vm, "study.raster_steps", 0, LLONG_MAX));
  return p;
}

CodingPoint coding_point(const po::variables_map& vm) {
  if (get_string(vm, "reward.type") != "feature") fail("study.pipeline = coding needs reward.type = feature");
  CodingPoint p;
  p.net = network_from_options(vm);
  p.feature = feature_from_options(vm, p.net.input);
  p.coding = efficient_coding_from_options(vm);
  p.samples = samples_from(vm);
  p.observation = observation_from(vm);
  p.likelihood.ridge = ridge_from(vm);
  p.threshold = threshold_from(vm);
  p.group_tolerance = get_double(vm, "study.group_tolerance");
  if (!(p.group_tolerance > 0.0)) fail("study.group_tolerance must be > 0 (got ", p.group_tolerance, ")");
  p.predict = get_int(vm, "study.predict", 0, 1) == 1;
  return p;
}

MazePoint maze_point(const po::variables_map& vm) {
  MazePoint p;
  for (const char* key : {"maze.map", "maze.lambda"})
    if (!vm.count(key)) fail(key, " is required for study.pipeline = maze");
  p.world = parse_gridworld(get_string(vm, "maze.map"), "maze.map");
  p.lambda = get_double(vm, "maze.lambda");
  p.goal_reward = get_double(vm, "maze.goal_reward");
  p.damping = get_double(vm, "maze.damping");
  p.solver = solver_from_options(vm);
  p.samples = samples_from(vm);
  p.observation = observation_from(vm);
  p.inverse.ridge = ridge_from(vm);
  p.threshold = threshold_from(vm);
  p.trajectory_steps = std::size_t(get_int(vm, "study.raster_steps", 0, LLONG_MAX));
  return p;
}

PairwisePoint pairwise_point(const po::variables_map& vm) {
  PairwisePoint p;
  const Network net = network_from_options(vm);
  if (net.space.nx != 1) fail("study.pipeline = pairwise needs a network without input (input.type = none)");
  p.n = net.n();
  p.reward = net.reward;
  p.lambda = net.lambda;
  p.samples = samples_from(vm);
  p.threshold = threshold_from(vm);
  p.random_starts = int(get_int(vm, "pairwise.random_starts", 0, kIntMax));
  p.fit.ridge = get_double(vm, "pairwise.ridge");
  if (!(p.fit.ridge >= 0.0)) fail("pairwise.ridge must be >= 0 (got ", p.fit.ridge, ")");
  p.infer.mu_relative = get_double(vm, "pairwise.mu_relative");
  if (!(p.infer.mu_relative > 0.0)) fail("pairwise.mu_relative must be > 0 (got ", p.infer.mu_relative, ")");
  const std::string sampling = get_string(vm, "pairwise.sampling");
  if (sampling == "dynamics") p.sampling = PairwisePoint::Sampling::dynamics;
  else if (sampling != "iid") fail("pairwise.sampling: expected iid or dynamics (got '", sampling, "')");
  p.sample_interval = std::size_t(get_int(vm, "pairwise.sample_interval", 1, LLONG_MAX));
  if (has(vm, "pairwise.sample_interval") && p.sampling != PairwisePoint::Sampling::dynamics)
    fail("pairwise.sample_interval was given, but pairwise.sampling = iid draws independent states");
  p.raster_steps = std::size_t(get_int(vm, "study.raster_steps", 0, LLONG_MAX));
  p.seed = get_uint(vm, "seed");
  return p;
}

}  // namespace

po::options_description study_options() {
  po::options_description d("Study ([study] section, experiment.kind = study)");
  d.add_options()
      ("study.pipeline", po::value<std::string>()->default_value("synthetic"),
       "synthetic (tabular network: simulate, maximum likelihood, predict) | pairwise (ring-tied pairwise family: "
       "i.i.d. samples, pseudo-likelihood, three reward assumptions) | coding (efficient coding of a pixel "
       "feature: tuning, readout, information, inverse, recovered feature) | maze (the maze agent of Fig 1: "
       "trajectories, inverse, predictions) | recording (a recording: reward with bootstrap intervals, held-out "
       "model choice)")
      ("study.vary", po::value<std::vector<std::string>>()->composing(),
       "a grid axis, KEY: V1, V2, ... (';' between values that contain commas); repeat for more axes")
      ("study.point", po::value<std::vector<std::string>>()->composing(),
       "an explicit grid point, KEY = V; KEY = V ...; repeat for more points (axis 'point')")
      ("study.trials", po::value<std::string>()->default_value("1"), "simulations per grid point")
      ("study.bootstraps", po::value<std::string>()->default_value("0"), "moving-block bootstrap resamples per simulation")
      ("study.samples", po::value<std::string>(), "observed steps per simulation")
      ("study.block_length", po::value<std::string>()->default_value("100"), "bootstrap block length (steps)")
      ("study.statistics", po::value<std::string>()->default_value("sampled"),
       "sampled (a simulated raster) | exact (the expected counts of an infinite recording, scaled to study.samples)")
      ("study.raster_steps", po::value<std::string>()->default_value("0"),
       "synthetic, pairwise: length of the raster excerpts (measures raster, adapted_raster); maze: of the drawn "
       "trajectory (trajectory_cells, trajectory_actions)")
      ("study.group_tolerance", po::value<std::string>()->default_value("0.02"),
       "coding: neurons whose tuning curves differ by less than this everywhere share a cell type")
      ("study.predict", po::value<std::string>()->default_value("1"),
       "coding: 1 = the point's truth adapts to study.perturbations and its tasks predict them; 0 = neither (their "
       "measures are NaN there), for grid points that need no prediction")
      ("study.perturbations", po::value<std::string>()->default_value(""),
       "changes of context separated by ';', predicted by every task: nirl predict specs (e.g. switch_up=0.035;dead=3), "
       "pairwise family changes (lambda, remove_beyond, pin), coding changes (pixel_on, pixel_redraw, lambda) or maze "
       "changes (lambda, map)")
      ("study.threshold", po::value<std::string>()->default_value(number_text(kIdentifiedProbability)), "aligned r2 over states with true p above this")
      ("study.ridge", po::value<std::string>()->default_value("1"), "prior (ridge/2)||v||^2 of the inference")
      ("study.measures", po::value<std::string>(),
       "measures to record, e.g. r2,kl_predicted (default r2, r2_weighted and, with perturbations, kl_predicted, kl_baseline)");
  return d;
}

po::options_description maze_study_options() {
  po::options_description d("Maze pipeline ([maze] section, study.pipeline = maze)");
  d.add_options()
      ("maze.map", po::value<std::string>(), "rows top to bottom separated by spaces: X wall, . free, S start, G rewarded")
      ("maze.lambda", po::value<std::string>(), "coding cost lambda > 0")
      ("maze.goal_reward", po::value<std::string>()->default_value("1"), "reward of a rewarded cell")
      ("maze.damping", po::value<std::string>()->default_value("0.5"),
       "relative value iteration v <- (1-d) v + d T(v), d in (0, 1]");
  return d;
}

po::options_description pairwise_study_options() {
  po::options_description d("Pairwise pipeline ([pairwise] section, study.pipeline = pairwise)");
  d.add_options()
      ("pairwise.ridge", po::value<std::string>()->default_value("1e-3"), "(ridge/2)|theta|^2 added to the mean -log pseudo-likelihood")
      ("pairwise.mu_relative", po::value<std::string>()->default_value("1e-3"), "sparse assumption: mu as a fraction of mu_max")
      ("pairwise.random_starts", po::value<std::string>()->default_value("6"),
       "random starts of each changed-context solve, besides the structured ones")
      ("pairwise.sampling", po::value<std::string>()->default_value("iid"),
       "iid (independent states of the optimum) | dynamics (states of its asynchronous dynamics)")
      ("pairwise.sample_interval", po::value<std::string>()->default_value("1"),
       "dynamics: neuron updates between the observed states");
  return d;
}

Study study_from_options(const po::variables_map& vm, const po::options_description& keys) {
  const std::string pipeline = get_string(vm, "study.pipeline");
  const auto found = kPipelines.find(pipeline);
  if (found == kPipelines.end())
    fail("study.pipeline: unknown pipeline '", pipeline, "' (expected synthetic, pairwise, coding, maze or recording)");
  const PipelineKeys& reads = found->second;
  const std::set<std::string> sections = {"network", "input",    "reward", "solver",   "search",
                                          "prediction", "pairwise", "maze", "recording"};
  for (const auto& option : keys.options()) {
    const std::string& key = option->long_name();
    const std::string section = key.substr(0, key.find('.'));
    if (sections.count(section) && !reads.sections.count(section) && has(vm, key))
      fail(key, " was given, but study.pipeline = ", pipeline, " does not use the [", section, "] section");
  }
  for (const auto& [name, other] : kPipelines)
    for (const std::string& key : other.study_keys)
      if (!reads.study_keys.count(key) && has(vm, key))
        fail(key, " was given, but study.pipeline = ", pipeline, " does not use it");
  if (!reads.perturbations && has(vm, "study.perturbations"))
    fail("study.perturbations was given, but study.pipeline = ", pipeline, " predicts no perturbations");
  if (!reads.bootstraps && get_int(vm, "study.bootstraps", 0, kIntMax) != 0)
    fail("study.pipeline = ", pipeline, " has no bootstrap resamples (study.bootstraps must be 0)");
  if (!reads.trials && get_int(vm, "study.trials", 1, kIntMax) != 1)
    fail("study.pipeline = ", pipeline, " analyses one recording per grid point (study.trials must be 1)");
  std::set<std::string> variable;
  std::string variable_text;
  for (const std::string& section : reads.sections) variable_text += "[" + section + "], ";
  for (const std::string& key : reads.study_keys) variable_text += key + ", ";
  variable_text += "seed";
  for (const auto& option : keys.options()) {
    const std::string& key = option->long_name();
    if (reads.sections.count(key.substr(0, key.find('.'))) || key == "seed" || reads.study_keys.count(key))
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
          fail("study: '", key, "' cannot vary (any key of ", variable_text, " can)");
  std::vector<std::string> perturbations = split(get_string(vm, "study.perturbations"), ';');
  Study study{StudyGrid(std::move(axes), int(get_int(vm, "study.trials", 1, kIntMax)),
                        int(get_int(vm, "study.bootstraps", 0, kIntMax))),
              nullptr, pipeline, {}};
  if (pipeline == "recording")
    study.pipeline = std::make_shared<RecordingPipeline>(
        [vm](const Assignments& settings) { return recording_point(with_settings(vm, settings)); });
  else if (pipeline == "maze")
    study.pipeline = std::make_shared<MazePipeline>(
        std::move(perturbations), [vm](const Assignments& settings) { return maze_point(with_settings(vm, settings)); });
  else if (pipeline == "pairwise")
    study.pipeline = std::make_shared<PairwisePipeline>(
        std::move(perturbations), [vm](const Assignments& settings) { return pairwise_point(with_settings(vm, settings)); });
  else if (pipeline == "coding")
    study.pipeline = std::make_shared<CodingPipeline>(
        std::move(perturbations), [vm](const Assignments& settings) { return coding_point(with_settings(vm, settings)); });
  else
    study.pipeline = std::make_shared<SyntheticPipeline>(
        std::move(perturbations), [vm](const Assignments& settings) { return synthetic_point(with_settings(vm, settings)); });
  if (vm.count("study.measures")) {
    study.measures = split(get_string(vm, "study.measures"), ',');
    if (study.measures.empty()) fail("study.measures is empty (e.g. r2,kl_predicted)");
  } else {
    study.measures = study.pipeline->default_measures();
  }
  std::set<std::string> seen;
  for (const std::string& name : study.measures) {
    find_measure(*study.pipeline, name);
    if (!seen.insert(name).second) fail("study.measures: ", name, " is listed twice");
  }
  return study;
}

}  // namespace nirl::cli
