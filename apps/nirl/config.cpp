#include "config.hpp"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "nirl/coding/efficient_coding.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/io/parse_number.hpp"
#include "nirl/core/reward.hpp"

namespace nirl {
namespace {

po::typed_value<std::string>* text() { return po::value<std::string>(); }

// Keys that belong to one value of a type selector ("input.type", "reward.type").
const std::map<std::string, std::set<std::string>> kTypeKeys = {
    {"input.none", {}},
    {"input.telegraph", {"input.switch_up", "input.switch_down"}},
    {"input.pixels", {"input.pixels", "input.pixel_on", "input.pixel_redraw"}},
    {"input.matrix", {"input.file", "input.dataset"}},
    {"reward.spike_count", {"reward.counts"}},
    {"reward.ring", {"reward.ring_m"}},
    {"reward.table", {"reward.file", "reward.dataset"}},
    {"reward.feature", {"reward.threshold", "reward.feature_file", "reward.feature_dataset", "reward.coding_tol",
                        "reward.max_updates", "reward.q_jitter"}},
};

// Every key listed for `section` must belong to the chosen type; required ones must be given.
void check_type_keys(const po::variables_map& vm, const std::string& section, const std::string& type) {
  const auto chosen = kTypeKeys.find(section + "." + type);
  if (chosen == kTypeKeys.end()) {
    std::string valid;
    for (const auto& [name, keys] : kTypeKeys)
      if (name.rfind(section + ".", 0) == 0) valid += (valid.empty() ? "" : ", ") + name.substr(section.size() + 1);
    fail(section, ".type: unknown type '", type, "' (expected one of: ", valid, ")");
  }
  for (const auto& [name, keys] : kTypeKeys) {
    if (name.rfind(section + ".", 0) != 0 || name == chosen->first) continue;
    for (const std::string& key : keys)
      if (has(vm, key) && !chosen->second.count(key))
        fail(key, " conflicts with ", section, ".type = ", type);
  }
}

void require(const po::variables_map& vm, const std::string& key, const std::string& why) {
  if (!has(vm, key)) fail(key, " is required ", why);
}

}  // namespace

po::options_description model_options() {
  po::options_description d("Model (config file sections or --section.key on the command line)");
  d.add_options()
      ("seed", text()->default_value("0"), "base random seed recorded with the result")
      ("network.n", text(), "number of neurons n")
      ("network.lambda", text(), "coding cost lambda > 0")
      ("network.dead", text()->default_value(""), "neurons clamped silent, e.g. 3,5 (cell death)")
      ("input.type", text()->default_value("none"), "none | telegraph | pixels | matrix")
      ("input.switch_up", text(), "telegraph: p(x=-1 -> x=+1) per step")
      ("input.switch_down", text(), "telegraph: p(x=+1 -> x=-1) per step")
      ("input.pixels", text(), "pixels: number k of binary pixels")
      ("input.pixel_on", text(), "pixels: stationary on-probability of each pixel")
      ("input.pixel_redraw", text(), "pixels: per-step probability that a pixel is redrawn")
      ("input.file", text(), "matrix: HDF5 file holding the nx x nx transition matrix")
      ("input.dataset", text()->default_value("/model/input_transition"), "matrix: dataset path")
      ("reward.type", text(), "spike_count | ring | table | feature")
      ("reward.counts", text(), "spike_count: target spike count per input state, e.g. 2,6")
      ("reward.ring_m", text(), "ring: number m of adjacent active neurons rewarded")
      ("reward.file", text(), "table: HDF5 file holding a float64 reward of length S")
      ("reward.dataset", text()->default_value("/solution/reward"), "table: dataset path")
      ("reward.threshold", text()->default_value("3"), "feature: y = [more than this many pixels on]")
      ("reward.feature_file", text(), "feature: HDF5 file holding y(x) (length nx, -1/+1 or 0/1) instead")
      ("reward.feature_dataset", text()->default_value("/feature"), "feature: dataset path")
      ("reward.coding_tol", text()->default_value("1e-6"), "feature: stop when max |change of r| < this")
      ("reward.max_updates", text()->default_value("200"), "feature: reward updates at most")
      ("reward.q_jitter", text()->default_value("0"), "feature: initial q_i(+1) = 0.5 + jitter U(-1, 1), seeded");
  return d;
}

po::options_description solver_options() {
  po::options_description d("Solver");
  d.add_options()
      ("solver.value_tol", text()->default_value("1e-12"), "span of T(v) - v at convergence")
      ("solver.stationary_tol", text()->default_value("1e-13"), "L1 change of p at convergence")
      ("solver.q_tol", text()->default_value("1e-12"), "max change of log q_i at convergence")
      ("solver.max_sweeps", text()->default_value("1000000"), "sweeps per inner solve")
      ("solver.max_outer", text()->default_value("100000"), "outer (q) iterations")
      ("solver.initial_q", text()->default_value(""), "starting q_i(+1), one per neuron (default 0.5)");
  return d;
}

po::options_description search_options() {
  po::options_description d("Optimum search");
  d.add_options()
      ("search.random_starts", text()->default_value("4"), "optimum search: seeded random starts")
      ("search.frozen_starts", text()->default_value("2"), "optimum search: best frozen states tried (each also as a start next to it)")
      ("search.lambda_steps", text()->default_value("4"), "optimum search: continuation from 2^steps lambda down (0 = none)")
      ("search.polish_rounds", text()->default_value("10"), "optimum search: rounds of one-neuron moves from the best (0 = none)")
      ("search.max_states", text()->default_value("65536"), "optimum search: larger networks (S = 2^n nx) get the first start and the best frozen state only");
  return d;
}

po::options_description prediction_options() {
  po::options_description d("Prediction");
  d.add_options()
      ("prediction.target", text()->default_value("follow"),
       "follow: the optimum reached from the original one as the context changes; global: the best optimum found by the search")
      ("prediction.rates", text()->default_value("auto"),
       "adapt: the firing marginals q re-optimised; held: kept at the operating point; auto: held for a reward inferred from data, else adapt")
      ("prediction.steps", text()->default_value("4"), "follow: path steps at least")
      ("prediction.halvings", text()->default_value("4"), "follow: a step may be halved this often")
      ("prediction.max_logit_change", text()->default_value("1"), "follow: largest change of a logit q_i per step");
  return d;
}

void parse_with_config(int argc, const char* const argv[], const po::options_description& cli_only,
                       const po::options_description& config_keys,
                       const po::positional_options_description* positional, po::variables_map& vm,
                       const std::vector<std::string>& ignored_sections) {
  po::options_description all;
  all.add(cli_only).add(config_keys);
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(all);
    if (positional) parser.positional(*positional);
    const po::parsed_options parsed = parser.run();
    if (!positional)
      for (const po::option& o : parsed.options)
        if (o.position_key >= 0 || o.string_key.empty())
          fail("unexpected argument '", o.original_tokens.empty() ? "" : o.original_tokens.front(), "'");
    po::store(parsed, vm);
    if (vm.count("config") && !vm["config"].as<std::string>().empty()) {
      const std::string path = vm["config"].as<std::string>();
      std::ifstream in(path);
      if (!in) fail("cannot read config file ", path, ": ", std::strerror(errno));
      try {
        const po::parsed_options parsed = po::parse_config_file(in, config_keys, true);
        for (const po::option& o : parsed.options) {
          if (!o.unregistered) continue;
          const std::string section = o.string_key.substr(0, o.string_key.find('.'));
          bool ignored = false;
          for (const std::string& s : ignored_sections) ignored = ignored || s == section;
          if (!ignored) fail("config file ", path, ": unrecognised option '", o.string_key, "'");
        }
        po::store(parsed, vm);
      } catch (const po::error& e) {
        fail("config file ", path, ": ", e.what());
      }
    }
    po::notify(vm);
  } catch (const po::error& e) {
    fail(e.what());
  }
}

bool has(const po::variables_map& vm, const std::string& key) {
  return vm.count(key) && !vm[key].defaulted();
}

std::string get_string(const po::variables_map& vm, const std::string& key) {
  if (!vm.count(key)) fail(key, " is required");
  return vm[key].as<std::string>();
}

namespace {
// Config keys (section.key) by their name, command-line-only options as --option.
std::string shown(const std::string& key) { return key.find('.') == std::string::npos ? "--" + key : key; }
}  // namespace

double get_double(const po::variables_map& vm, const std::string& key) {
  return parse_real(get_string(vm, key), shown(key));
}

long long get_int(const po::variables_map& vm, const std::string& key, long long low, long long high) {
  return parse_integer(get_string(vm, key), shown(key), low, high);
}

std::uint64_t get_uint(const po::variables_map& vm, const std::string& key) {
  return parse_unsigned(get_string(vm, key), shown(key));
}

namespace {
std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    out.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
  }
  return out;
}
}  // namespace

std::vector<int> get_int_list(const po::variables_map& vm, const std::string& key) {
  std::vector<int> out;
  for (const std::string& item : split_list(get_string(vm, key)))
    out.push_back(int(parse_integer(item, shown(key), -kIntMax - 1, kIntMax)));
  return out;
}

std::vector<double> get_double_list(const po::variables_map& vm, const std::string& key) {
  std::vector<double> out;
  for (const std::string& item : split_list(get_string(vm, key))) out.push_back(parse_real(item, shown(key)));
  return out;
}

InputChain input_from_options(const po::variables_map& vm) {
  const std::string input_type = get_string(vm, "input.type");
  check_type_keys(vm, "input", input_type);
  InputChain input;
  if (input_type == "telegraph") {
    require(vm, "input.switch_up", "for input.type = telegraph");
    require(vm, "input.switch_down", "for input.type = telegraph");
    input = telegraph_input(get_double(vm, "input.switch_up"), get_double(vm, "input.switch_down"));
  } else if (input_type == "pixels") {
    require(vm, "input.pixels", "for input.type = pixels");
    require(vm, "input.pixel_on", "for input.type = pixels");
    require(vm, "input.pixel_redraw", "for input.type = pixels");
    input = pixel_input(int(get_int(vm, "input.pixels", -kIntMax - 1, kIntMax)), get_double(vm, "input.pixel_on"),
                        get_double(vm, "input.pixel_redraw"));
  } else if (input_type == "matrix") {
    require(vm, "input.file", "for input.type = matrix");
    const h5::InputFile f(get_string(vm, "input.file"));
    const std::string ds = get_string(vm, "input.dataset");
    input = matrix_input(h5::read_matrix(f, ds), f.path() + ":" + ds);
  }

  return input;
}

Network network_from_options(const po::variables_map& vm) {
  require(vm, "network.n", "(number of neurons)");
  require(vm, "network.lambda", "(coding cost)");
  const long long n = get_int(vm, "network.n", 1, kMaxNeurons);
  const double lambda = get_double(vm, "network.lambda");
  if (!(lambda > 0.0) || !std::isfinite(lambda)) fail("network.lambda must be > 0 (got ", lambda, ")");

  InputChain input = input_from_options(vm);
  const StateSpace space(int(n), input.nx());
  check_memory(solver_bytes(space), "a network of n = " + std::to_string(n) + " neurons x " +
                                        std::to_string(space.nx) + " input states (S = " +
                                        std::to_string(space.size) + " states)");
  require(vm, "reward.type", "(spike_count, ring, table or feature)");
  const std::string reward_type = get_string(vm, "reward.type");
  check_type_keys(vm, "reward", reward_type);
  Eigen::VectorXd reward;
  if (reward_type == "spike_count") {
    require(vm, "reward.counts", "for reward.type = spike_count");
    reward = spike_count_reward(space, get_int_list(vm, "reward.counts"));
  } else if (reward_type == "ring") {
    require(vm, "reward.ring_m", "for reward.type = ring");
    reward = ring_reward(space, int(get_int(vm, "reward.ring_m", -kIntMax - 1, kIntMax)));
  } else if (reward_type == "feature") {
    reward = symmetry_breaking_reward(space, input, feature_from_options(vm, input));
  } else {
    require(vm, "reward.file", "for reward.type = table");
    const h5::InputFile f(get_string(vm, "reward.file"));
    const std::string ds = get_string(vm, "reward.dataset");
    const std::vector<double> data = h5::read_doubles(f, ds, 1);
    reward = Eigen::Map<const Eigen::VectorXd>(data.data(), Eigen::Index(data.size()));
    validate_reward(reward, space, f.path() + ":" + ds);
  }
  std::vector<int> dead;
  if (!get_string(vm, "network.dead").empty()) dead = get_int_list(vm, "network.dead");
  return make_network(int(n), std::move(input), std::move(reward), lambda, dead);
}

std::vector<int> feature_from_options(const po::variables_map& vm, const InputChain& input) {
  if (has(vm, "reward.feature_file")) {
    if (has(vm, "reward.threshold")) fail("reward.threshold conflicts with reward.feature_file");
    const h5::InputFile f(get_string(vm, "reward.feature_file"));
    const std::string ds = get_string(vm, "reward.feature_dataset");
    return feature_from_table(h5::read_doubles(f, ds, 1), input.nx(), f.path() + ":" + ds);
  }
  if (!input.factored()) fail("reward.type = feature needs input.type = pixels (or a reward.feature_file)");
  return threshold_feature(int(input.factors.size()), int(get_int(vm, "reward.threshold", 0, kIntMax)));
}

EfficientCodingOptions efficient_coding_from_options(const po::variables_map& vm) {
  EfficientCodingOptions o;
  o.solver = solver_from_options(vm);
  o.tol = get_double(vm, "reward.coding_tol");
  if (!(o.tol > 0.0)) fail("reward.coding_tol must be > 0 (got ", o.tol, ")");
  o.max_updates = int(get_int(vm, "reward.max_updates", 0, kIntMax));
  o.jitter = get_double(vm, "reward.q_jitter");
  if (!(o.jitter >= 0.0 && o.jitter < 0.5)) fail("reward.q_jitter must be in [0, 0.5) (got ", o.jitter, ")");
  o.seed = get_uint(vm, "seed");
  return o;
}

SolverOptions solver_from_options(const po::variables_map& vm) {
  SolverOptions o;
  auto positive = [&](const char* key) {
    const double v = get_double(vm, key);
    if (!(v > 0.0)) fail(key, " must be > 0 (got ", v, ")");
    return v;
  };
  o.value_tol = positive("solver.value_tol");
  o.stationary_tol = positive("solver.stationary_tol");
  o.q_tol = positive("solver.q_tol");
  o.max_sweeps = long(get_int(vm, "solver.max_sweeps", 1, LLONG_MAX));
  o.max_outer = int(get_int(vm, "solver.max_outer", 1, kIntMax));
  if (!get_string(vm, "solver.initial_q").empty()) o.initial_q = get_double_list(vm, "solver.initial_q");
  return o;
}

SearchOptions search_from_options(const po::variables_map& vm) {
  SearchOptions o;
  o.random_starts = int(get_int(vm, "search.random_starts", 0, 1000));
  o.frozen_starts = int(get_int(vm, "search.frozen_starts", 0, 1000));
  o.lambda_steps = int(get_int(vm, "search.lambda_steps", 0, 60));
  o.polish_rounds = int(get_int(vm, "search.polish_rounds", 0, 1000));
  o.max_states = std::size_t(get_int(vm, "search.max_states", 1, LLONG_MAX));
  if (vm.count("seed")) o.seed = get_uint(vm, "seed");
  return o;
}

PredictionOptions prediction_from_options(const po::variables_map& vm) {
  PredictionOptions o;
  const std::string target = get_string(vm, "prediction.target");
  if (target == "global")
    o.target = PredictionTarget::global;
  else if (target != "follow")
    fail("prediction.target must be follow or global (got '", target, "')");
  const std::string rates = get_string(vm, "prediction.rates");
  if (rates == "adapt")
    o.rates = Rates::adapt;
  else if (rates == "held")
    o.rates = Rates::held;
  else if (rates != "auto")
    fail("prediction.rates must be auto, adapt or held (got '", rates, "')");
  o.follow.min_steps = int(get_int(vm, "prediction.steps", 1, 1000000));
  o.follow.max_halvings = int(get_int(vm, "prediction.halvings", 0, 40));
  if (std::ldexp(double(o.follow.min_steps), o.follow.max_halvings) > std::ldexp(1.0, 30))
    fail("prediction.steps 2^prediction.halvings must be at most 2^30 (got ", o.follow.min_steps, " 2^",
         o.follow.max_halvings, ")");
  o.follow.max_logit_change = get_double(vm, "prediction.max_logit_change");
  if (!(o.follow.max_logit_change > 0.0) || std::isinf(o.follow.max_logit_change))
    fail("prediction.max_logit_change must be > 0 and finite (got ", o.follow.max_logit_change, ")");
  o.search = search_from_options(vm);
  return o;
}

namespace {
// A defaulted key of an input or reward type other than the chosen one is left out,
// so the rendered INI parses again without type conflicts.
bool key_applies(const po::variables_map& vm, const std::string& key) {
  if (!vm[key].defaulted()) return true;
  for (const std::string section : {"input", "reward"}) {
    if (key.rfind(section + ".", 0) != 0 || !vm.count(section + ".type")) continue;
    const auto chosen = kTypeKeys.find(section + "." + vm[section + ".type"].as<std::string>());
    for (const auto& [name, type_keys] : kTypeKeys)
      if (type_keys.count(key)) return chosen != kTypeKeys.end() && chosen->second.count(key);
  }
  return true;
}
}  // namespace

void refuse_given(const po::variables_map& vm, const po::options_description& keys, const std::string& why) {
  for (const auto& option : keys.options()) {
    const std::string& key = option->long_name();
    if (vm.count(key) && !vm[key].defaulted()) fail(key, " was given, but ", why);
  }
}

std::string render_ini(const po::variables_map& vm, const po::options_description& keys) {
  std::ostringstream top, sections;
  std::string current;
  for (const auto& opt : keys.options()) {
    const std::string& key = opt->long_name();
    if (!vm.count(key) || !key_applies(vm, key)) continue;
    // Repeatable keys (study.vary) hold a list: one line per entry.
    const auto* list = boost::any_cast<std::vector<std::string>>(&vm[key].value());
    const std::vector<std::string> values = list ? *list : std::vector<std::string>{vm[key].as<std::string>()};
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
      for (const std::string& value : values) top << key << " = " << value << "\n";
      continue;
    }
    const std::string section = key.substr(0, dot);
    if (section != current) {
      sections << "\n[" << section << "]\n";
      current = section;
    }
    for (const std::string& value : values) sections << key.substr(dot + 1) << " = " << value << "\n";
  }
  return top.str() + sections.str();
}

}  // namespace nirl
