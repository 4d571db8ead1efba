#include "nirl/io/results_io.hpp"

#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/core/frozen_states.hpp"
#include "nirl/core/reward.hpp"
#include "nirl/io/result_axes.hpp"
#include "nirl/version.hpp"

namespace nirl {
namespace {

// Spike pattern sigma as n characters 0/1, neuron 0 first.
std::string spikes_text(std::uint64_t sigma, int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += ((sigma >> i) & 1) ? '1' : '0';
  return text;
}

void write_optimum_report(const h5::OutputFile& out, const Network& net, const Solution& sol,
                          const std::string& solution, const ResultAxes& axes) {
  const hid_t f = out.id();
  const hsize_t n = hsize_t(net.n());
  const OptimumReport report = describe_optimum(net, sol);
  const std::string group = solution + "/optimum";
  h5::describe_group(f, group, "which optimum the solution is: frozen neurons, the best frozen state, other optima found");
  h5::write_int32(f, group + "/frozen", report.frozen.data(), {n},
                  {"1", "per neuron: +1 always fires, -1 silent (dead included), 0 moves", {"neuron"}});
  axes.attach(group + "/frozen", {axes.neuron(net.n())});
  h5::set_attribute(f, group, "L", report.L);
  h5::set_attribute(f, group, "best_frozen_state", static_cast<long long>(report.best_frozen.sigma));
  h5::set_attribute(f, group, "best_frozen_spikes", spikes_text(report.best_frozen.sigma, net.n()));
  h5::set_attribute(f, group, "best_frozen_L", report.best_frozen.L);
  h5::set_attribute(f, group, "beats_frozen", static_cast<long long>(report.beats_frozen));
  if (sol.optima.empty()) return;
  const hsize_t m = sol.optima.size();
  std::vector<double> L, q;
  std::vector<std::int32_t> hits;
  std::string starts;
  for (const LocalOptimum& o : sol.optima) {
    L.push_back(o.L);
    q.insert(q.end(), o.q.begin(), o.q.end());
    hits.push_back(o.hits);
    starts += (starts.empty() ? "" : ";") + o.start;
  }
  h5::write_doubles(f, group + "/optima_L", L.data(), {m},
                    {"reward per step", "L = E[r] - lambda E[cost] of each distinct fixed point found, the returned one first",
                     {"optimum"}});
  h5::write_doubles(f, group + "/optima_q", q.data(), {m, n},
                    {"probability", "firing marginals q_i(+1) of each fixed point", {"optimum", "neuron"}});
  axes.attach(group + "/optima_q", {"", axes.neuron(net.n())});
  h5::write_int32(f, group + "/optima_hits", hits.data(), {m},
                  {"count", "search starts that ended at each fixed point", {"optimum"}});
  h5::set_attribute(f, group, "optima_first_start", starts);
}

}  // namespace

void write_model(const h5::OutputFile& out, const InputChain& input, const std::vector<std::uint8_t>& dead,
                 const std::string& prefix) {
  const hid_t f = out.id();
  const std::string model = prefix + "/model";
  const ResultAxes axes(f, prefix);
  h5::describe_group(f, model, "the network's input chain and dead neurons");
  h5::write_matrix(f, model + "/input_transition", input.P,
                   {"probability", "input chain: row x holds p(x' | x)", {"input", "next_input"}});
  const std::string x = axes.input(int(input.P.rows()));
  axes.attach(model + "/input_transition", {x, x});
  h5::write_uint8(f, model + "/dead", dead.data(), {hsize_t(dead.size())},
                  {"1", "1 = neuron clamped silent (dead), 0 = alive", {"neuron"}});
  axes.attach(model + "/dead", {axes.neuron(int(dead.size()))});
}

h5::Describe raster_spikes_description() {
  return {"spike (0/1)", "row t: the state of every neuron at step t (1 = spiking)", {"time", "neuron"}};
}

h5::Describe raster_input_description() {
  return {"index", "input state x at step t", {"time"}};
}

void describe_raster(const h5::OutputFile& out, const std::string& prefix, int n) {
  const std::string group = prefix + "/raster";
  h5::describe_group(out.id(), group, "a sampled spike raster, one row per time step (the time axis has no dataset)");
  const ResultAxes axes(out.id(), prefix);
  axes.attach(group + "/spikes", {"", axes.neuron(n)});
}

void write_provenance(const h5::OutputFile& out, const std::string& config_ini, std::uint64_t seed,
                      const std::string& command) {
  h5::set_attribute(out.id(), "/", "config", config_ini);
  h5::set_attribute(out.id(), "/", "version", std::string(kVersion));
  h5::set_attribute(out.id(), "/", "commit", std::string(kCommit));
  h5::set_attribute(out.id(), "/", "seed", static_cast<long long>(seed));
  h5::set_attribute(out.id(), "/", "command", command);
}

void write_solution(const h5::OutputFile& out, const Network& net, const Solution& sol,
                    const std::string& prefix) {
  const hid_t f = out.id();
  const std::string solution = prefix + "/solution";
  const hsize_t S = net.space.size, nx = hsize_t(net.space.nx), n = hsize_t(net.n());
  const ResultAxes axes(f, prefix);
  std::vector<std::uint8_t> dead(n);
  for (hsize_t i = 0; i < n; ++i) dead[i] = net.is_dead(int(i)) ? 1 : 0;
  write_model(out, net.input, dead, prefix);

  h5::describe_group(f, solution, "the optimal dynamics of the network (the forward problem)");
  const std::string state = axes.state(net.space), neuron = axes.neuron(net.n());
  h5::write_doubles(f, solution + "/value", sol.value.data(), {S},
                    {"reward", "relative value v(s) of the optimum (v(0) = 0)", {"state"}});
  h5::write_doubles(f, solution + "/stationary", sol.stationary.data(), {S},
                    {"probability", "stationary distribution p(s) of the optimal dynamics", {"state"}});
  h5::write_doubles(f, solution + "/reward", net.reward.data(), {S},
                    {"reward per step", "reward r(s) of each state", {"state"}});
  for (const char* name : {"/value", "/stationary", "/reward"}) axes.attach(solution + name, {state});
  const std::vector<double> q = sol.q.on_probabilities();
  h5::write_doubles(f, solution + "/q", q.data(), {n},
                    {"probability", "firing marginal q_i(+1) of each neuron", {"neuron"}});
  axes.attach(solution + "/q", {neuron});
  // Exact logs too: q_i(-1) = 1 - q_i(+1) loses precision when a neuron nearly always fires.
  std::vector<double> log_q(2 * n);
  for (hsize_t i = 0; i < n; ++i) {
    log_q[2 * i] = sol.q.log_on[i];
    log_q[2 * i + 1] = sol.q.log_off[i];
  }
  h5::write_doubles(f, solution + "/log_q", log_q.data(), {n, 2},
                    {"nats", "log q_i(+1) and log q_i(-1) of each neuron (exact near 0 and 1)", {"neuron", "sign"}});
  axes.attach(solution + "/log_q", {neuron, ""});
  h5::set_attribute(f, solution, "n", static_cast<long long>(n));
  h5::set_attribute(f, solution, "nx", static_cast<long long>(nx));
  h5::set_attribute(f, solution, "lambda", net.lambda);
  h5::set_attribute(f, solution, "L", sol.L);
  h5::set_attribute(f, solution, "mean_reward", sol.mean_reward);
  h5::set_attribute(f, solution, "coding_cost", sol.coding_cost);
  h5::set_attribute(f, solution, "converged", static_cast<long long>(sol.converged));
  h5::set_attribute(f, solution, "outer_iterations", static_cast<long long>(sol.outer_iterations));
  h5::set_attribute(f, solution, "bellman_sweeps", static_cast<long long>(sol.bellman_sweeps));
  h5::set_attribute(f, solution, "stationary_sweeps", static_cast<long long>(sol.stationary_sweeps));
  h5::set_attribute(f, solution, "value_span", sol.value_span);
  h5::set_attribute(f, solution, "stationary_change", sol.stationary_change);
  h5::set_attribute(f, solution, "q_residual", sol.q_residual);
  write_optimum_report(out, net, sol, solution, axes);
}


StoredSolution read_solution(const h5::InputFile& in, const std::string& prefix) {
  const std::string model = prefix + "/model", solution = prefix + "/solution";
  const long long n = h5::read_attribute_int(in, solution, "n");
  const long long nx = h5::read_attribute_int(in, solution, "nx");
  if (n < 1 || n > kMaxNeurons || nx < 1)
    fail(in.path(), ": ", solution, " attributes n = ", n, ", nx = ", nx, " are out of range");
  const double lambda = h5::read_attribute_double(in, solution, "lambda");

  const Eigen::MatrixXd P = h5::read_matrix(in, model + "/input_transition");
  if (P.rows() != nx || P.cols() != nx)
    fail(in.path(), ": ", model, "/input_transition is ", P.rows(), " x ", P.cols(), ", expected ", nx, " x ", nx);
  const InputChain input = matrix_input(P, in.path() + ":" + model + "/input_transition");

  const StateSpace space{int(n), int(nx)};
  auto read_vector = [&](const std::string& name, std::size_t length) {
    const std::vector<double> data = h5::read_doubles(in, name, 1);
    if (data.size() != length)
      fail(in.path(), ": ", name, " has length ", data.size(), ", expected ", length);
    for (std::size_t k = 0; k < data.size(); ++k)
      if (!std::isfinite(data[k])) fail(in.path(), ": ", name, "[", k, "] is not finite");
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(data.data(), Eigen::Index(data.size())));
  };
  Eigen::VectorXd reward = read_vector(solution + "/reward", space.size);
  const std::vector<std::int64_t> dead_mask = h5::read_integers(in, model + "/dead", 1);
  if (dead_mask.size() != std::size_t(n)) fail(in.path(), ": ", model, "/dead has length ", dead_mask.size(), ", expected ", n);
  std::vector<int> dead;
  for (std::size_t i = 0; i < dead_mask.size(); ++i)
    if (dead_mask[i]) dead.push_back(int(i));

  StoredSolution out{make_network(int(n), input, std::move(reward), lambda, dead), {}};
  out.sol.value = read_vector(solution + "/value", space.size);
  out.sol.stationary = read_vector(solution + "/stationary", space.size);
  // A distribution: entries >= 0 summing to 1 (to rounding: S terms of relative error eps).
  if (out.sol.stationary.minCoeff() < 0.0)
    fail(in.path(), ": ", solution, "/stationary has a negative entry (", out.sol.stationary.minCoeff(), ")");
  if (!(std::abs(out.sol.stationary.sum() - 1.0) <= 1e-6))
    fail(in.path(), ": ", solution, "/stationary sums to ", out.sol.stationary.sum(), ", not 1");
  const Eigen::VectorXd q = read_vector(solution + "/q", std::size_t(n));
  std::vector<double> on(q.data(), q.data() + q.size());
  for (double qi : on)
    if (!(qi >= 0.0 && qi <= 1.0)) fail(in.path(), ": ", solution, "/q has an entry outside [0, 1]");
  out.sol.q = LogMarginals::from_probabilities(out.net, on);
  if (h5::exists(in, solution + "/log_q")) {
    std::vector<hsize_t> lq_dims;
    const std::vector<double> log_q = h5::read_doubles(in, solution + "/log_q", 2, &lq_dims);
    if (lq_dims[0] != hsize_t(n) || lq_dims[1] != 2) fail(in.path(), ": ", solution, "/log_q must be ", n, " x 2");
    for (long long i = 0; i < n; ++i) {
      if (out.net.is_dead(int(i))) continue;
      out.sol.q.log_on[std::size_t(i)] = log_q[std::size_t(2 * i)];
      out.sol.q.log_off[std::size_t(i)] = log_q[std::size_t(2 * i + 1)];
    }
  }
  out.sol.L = h5::read_attribute_double(in, solution, "L");
  out.sol.mean_reward = h5::read_attribute_double(in, solution, "mean_reward");
  out.sol.coding_cost = h5::read_attribute_double(in, solution, "coding_cost");
  out.sol.converged = h5::read_attribute_int(in, solution, "converged") != 0;
  return out;
}

void write_inference(const h5::OutputFile& out, const TabularInference& inf, const std::string& prefix) {
  const hid_t f = out.id();
  const std::string group = prefix + "/inferred";
  const hsize_t S = inf.space.size, n = hsize_t(inf.space.n);
  const ResultAxes axes(f, prefix);
  write_model(out, inf.input, std::vector<std::uint8_t>(n, 0), prefix);
  h5::describe_group(f, group, "the reward inferred from a raster (the inverse problem)");
  const std::string state = axes.state(inf.space);
  h5::write_doubles(f, group + "/reward", inf.reward.data(), {S},
                    {"reward per step", "inferred reward r(s), up to an additive function of x", {"state"}});
  h5::write_doubles(f, group + "/value", inf.value.data(), {S},
                    {"reward", "inferred relative value v(s)", {"state"}});
  std::vector<std::int64_t> visits(S);
  for (hsize_t s = 0; s < S; ++s) {
    const double v = inf.visits[Eigen::Index(s)];
    if (!(v >= 0.0 && v == std::floor(v))) fail("write_inference: visits[", s, "] = ", v, " is not a count of steps");
    visits[s] = std::int64_t(v);
  }
  h5::write_int64(f, group + "/visits", visits.data(), {S}, {"count", "time steps observed in each state", {"state"}});
  for (const char* name : {"/reward", "/value", "/visits"}) axes.attach(group + name, {state});
  h5::write_doubles(f, group + "/q", inf.on.data(), {n},
                    {"probability", "firing marginal q_i(+1) of each neuron used", {"neuron"}});
  axes.attach(group + "/q", {axes.neuron(inf.space.n)});
  h5::set_attribute(f, group, "method", inf.method);
  h5::set_attribute(f, group, "lambda", inf.lambda);
  h5::set_attribute(f, group, "samples", static_cast<long long>(inf.samples));
  h5::set_attribute(f, group, "converged", static_cast<long long>(inf.converged));
  h5::set_attribute(f, group, "log_likelihood", inf.log_likelihood);
  h5::set_attribute(f, group, "iterations", static_cast<long long>(inf.iterations));
  h5::set_attribute(f, group, "optimiser_status", inf.status);
  h5::set_attribute(f, group, "n", static_cast<long long>(n));
  h5::set_attribute(f, group, "nx", static_cast<long long>(inf.space.nx));
}

Network read_reward_network(const h5::InputFile& in, std::string* source) {
  const std::string group = h5::exists(in, "/inferred/reward") ? "/inferred" : "/solution";
  if (!h5::exists(in, group + "/reward"))
    fail(in.path(), ": no reward found (expected /inferred/reward from nirl infer or /solution/reward)");
  const long long n = h5::read_attribute_int(in, group, "n");
  const long long nx = h5::read_attribute_int(in, group, "nx");
  if (n < 1 || n > kMaxNeurons || nx < 1)
    fail(in.path(), ": ", group, " attributes n = ", n, ", nx = ", nx, " are out of range");
  const double lambda = h5::read_attribute_double(in, group, "lambda");
  const Eigen::MatrixXd P = h5::read_matrix(in, "/model/input_transition");
  if (P.rows() != nx || P.cols() != nx)
    fail(in.path(), ": /model/input_transition is ", P.rows(), " x ", P.cols(), ", expected ", nx, " x ", nx);
  const std::vector<double> r = h5::read_doubles(in, group + "/reward", 1);
  const StateSpace space{int(n), int(nx)};
  if (r.size() != space.size)
    fail(in.path(), ": ", group, "/reward has length ", r.size(), ", expected S = ", space.size);
  Eigen::VectorXd reward = Eigen::Map<const Eigen::VectorXd>(r.data(), Eigen::Index(r.size()));
  validate_reward(reward, space, in.path() + ":" + group + "/reward");
  std::vector<int> dead;
  if (h5::exists(in, "/model/dead")) {
    const std::vector<std::int64_t> mask = h5::read_integers(in, "/model/dead", 1);
    if (mask.size() != std::size_t(n)) fail(in.path(), ": /model/dead has length ", mask.size(), ", expected ", n);
    for (std::size_t i = 0; i < mask.size(); ++i)
      if (mask[i]) dead.push_back(int(i));
  }
  if (source) *source = group;
  return make_network(int(n), matrix_input(P, in.path() + ":/model/input_transition"), std::move(reward), lambda, dead);
}

void write_raster(const h5::OutputFile& out, const Raster& raster, const std::string& prefix) {
  const std::string group = prefix + "/raster";
  h5::write_uint8(out.id(), group + "/spikes", raster.spikes.data(), {hsize_t(raster.steps), hsize_t(raster.n)},
                  raster_spikes_description());
  if (!raster.input.empty())
    h5::write_int32(out.id(), group + "/input", raster.input.data(), {hsize_t(raster.steps)}, raster_input_description());
  describe_raster(out, prefix, raster.n);
  h5::set_attribute(out.id(), group, "n", static_cast<long long>(raster.n));
  h5::set_attribute(out.id(), group, "steps", static_cast<long long>(raster.steps));
}

void write_tuning_curves(const h5::OutputFile& out, const std::string& name, const std::vector<Eigen::MatrixXd>& tuning) {
  const std::size_t n = tuning.size(), nx = std::size_t(tuning[0].rows()), k = std::size_t(tuning[0].cols());
  std::vector<double> flat;
  for (const Eigen::MatrixXd& m : tuning)
    for (std::size_t x = 0; x < nx; ++x)
      for (std::size_t c = 0; c < k; ++c) flat.push_back(m(Eigen::Index(x), Eigen::Index(c)));
  h5::write_doubles(out.id(), name, flat.data(), {n, nx, k},
                    {"probability", "p(spike | input or group, others active) of each neuron",
                     {"neuron", "input_or_group", "others_active"}});
}

void write_efficient_coding(const h5::OutputFile& out, const Network& net, const std::vector<int>& y,
                            const EfficientCodingResult& res, const std::string& prefix) {
  const std::string g = prefix + "/efficient_coding";
  const hid_t f = out.id();
  const ResultAxes axes(f, prefix);
  h5::describe_group(f, g, "the efficient code of a binary feature y(x) of the input");
  const std::vector<std::int32_t> feature(y.begin(), y.end());
  h5::write_int32(f, g + "/feature", feature.data(), {hsize_t(feature.size())},
                  {"1", "y(x): 1 for y = +1, 0 for y = -1", {"input"}});
  axes.attach(g + "/feature", {axes.input(net.space.nx)});
  const Eigen::VectorXd readout = feature_readout(net.space, res.solution.stationary, y);
  h5::write_doubles(f, g + "/readout", readout.data(), {hsize_t(readout.size())},
                    {"probability", "p(y = +1 | sigma) of each spike pattern", {"pattern"}});
  axes.attach(g + "/readout", {axes.pattern(net.n())});
  const Eigen::VectorXd by_count = readout_by_count(net.space, res.solution.stationary, y);
  h5::write_doubles(f, g + "/readout_by_count", by_count.data(), {hsize_t(by_count.size())},
                    {"probability", "p(y = +1 | k neurons spiking)", {"active"}});
  axes.attach(g + "/readout_by_count", {axes.active(net.n())});
  h5::set_attribute(out.id(), g, "information", res.information);
  h5::set_attribute(out.id(), g, "independent_information", res.independent_information);
  h5::set_attribute(out.id(), g, "updates", (long long)res.updates);
  h5::set_attribute(out.id(), g, "change", res.change);
  h5::set_attribute(out.id(), g, "converged", (long long)res.converged);
}

void write_fit_check(const h5::OutputFile& out, const FitCheck& c, const std::string& group) {
  const hid_t f = out.id();
  const int n = int(c.data_rates.size());
  const ResultAxes axes(f, "");
  h5::describe_group(f, group, "the fitted model's statistics against the data's (goodness of fit)");
  const auto vector = [&](const char* name, const Eigen::VectorXd& v, const std::string& description, bool by_count) {
    h5::write_doubles(f, group + "/" + name, v.data(), {hsize_t(v.size())},
                      {"probability", description, {by_count ? "active" : "neuron"}});
    axes.attach(group + "/" + name, {by_count ? axes.active(n) : axes.neuron(n)});
  };
  vector("data_rates", c.data_rates, "P(neuron i active) in the data", false);
  vector("model_rates", c.model_rates, "P(neuron i active) under the fitted model", false);
  vector("data_counts", c.data_counts, "P(k neurons active) in the data", true);
  vector("model_counts", c.model_counts, "P(k neurons active) under the fitted model", true);
  h5::set_attribute(f, group, "passed", static_cast<long long>(c.passed));
  h5::set_attribute(f, group, "problem", c.problem);
  h5::set_attribute(f, group, "count_tv", c.count_tv);
  h5::set_attribute(f, group, "tv_threshold", c.tv_threshold);
  h5::set_attribute(f, group, "unsupported_mass", c.unsupported_mass);
  h5::set_attribute(f, group, "rate_max_error", c.rate_max_error);
  h5::set_attribute(f, group, "correlation_slope", c.correlation_slope);
  h5::set_attribute(f, group, "correlation_r2", c.correlation_r2);
  h5::set_attribute(f, group, "exact", static_cast<long long>(c.exact));
  h5::set_attribute(f, group, "model_samples", static_cast<long long>(c.model_samples));
}

}  // namespace nirl
