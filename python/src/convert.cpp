#include "convert.hpp"

#include <cmath>
#include <memory>

#include "nirl/core/error.hpp"
#include "nirl/core/frozen_states.hpp"
#include "nirl/core/input_chain.hpp"
#include "nirl/core/policy.hpp"

namespace nirl::py {

pb::array_t<double> to_numpy(const Eigen::VectorXd& v) {
  pb::array_t<double> a(v.size());
  std::copy(v.data(), v.data() + v.size(), a.mutable_data());
  return a;
}

pb::array_t<double> to_numpy(const Eigen::MatrixXd& m) {
  pb::array_t<double> a({m.rows(), m.cols()});
  auto r = a.mutable_unchecked<2>();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) r(i, j) = m(i, j);
  return a;
}

pb::array_t<double> to_numpy(const std::vector<double>& v) {
  pb::array_t<double> a(pb::ssize_t(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

template <typename T>
pb::array_t<T> owned(std::vector<T>&& v, std::vector<pb::ssize_t> shape) {
  auto* held = new std::vector<T>(std::move(v));
  pb::capsule free_when_done(held, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return pb::array_t<T>(shape, held->data(), free_when_done);
}

pb::array_t<std::uint8_t> to_numpy(std::vector<std::uint8_t>&& v, std::vector<pb::ssize_t> shape) {
  return owned(std::move(v), std::move(shape));
}

pb::array_t<std::int32_t> to_numpy(std::vector<std::int32_t>&& v) {
  const pb::ssize_t size = pb::ssize_t(v.size());
  return owned(std::move(v), {size});
}

bool has(const pb::dict& d, const char* key) { return d.contains(key) && !d[key].is_none(); }

Eigen::VectorXd vector_of(const pb::handle& obj, const std::string& what) {
  pb::array_t<double, pb::array::c_style | pb::array::forcecast> a;
  try {
    a = pb::array_t<double, pb::array::c_style | pb::array::forcecast>::ensure(obj);
  } catch (const pb::error_already_set&) {
  }
  if (!a || a.ndim() != 1) fail(what, " must be a 1-D array of numbers");
  return Eigen::Map<const Eigen::VectorXd>(a.data(), a.shape(0));
}

Eigen::MatrixXd matrix_of(const pb::handle& obj, const std::string& what) {
  pb::array_t<double, pb::array::c_style | pb::array::forcecast> a;
  try {
    a = pb::array_t<double, pb::array::c_style | pb::array::forcecast>::ensure(obj);
  } catch (const pb::error_already_set&) {
  }
  if (!a || a.ndim() != 2) fail(what, " must be a 2-D array of numbers");
  Eigen::MatrixXd m(a.shape(0), a.shape(1));
  auto r = a.unchecked<2>();
  for (pb::ssize_t i = 0; i < a.shape(0); ++i)
    for (pb::ssize_t j = 0; j < a.shape(1); ++j) m(i, j) = r(i, j);
  return m;
}

Eigen::VectorXd vector_entry(const pb::dict& d, const char* key, const std::string& what) {
  if (!has(d, key)) fail(what, " has no '", key, "'");
  return vector_of(d[key], what + "['" + key + "']");
}

double number_entry(const pb::dict& d, const char* key, const std::string& what) {
  if (!has(d, key)) fail(what, " has no '", key, "'");
  try {
    return d[key].cast<double>();
  } catch (const pb::cast_error&) {
    fail(what, "['", key, "'] must be a number");
  }
}

pb::array_t<std::uint8_t> state_patterns(int n) {
  const std::size_t states = std::size_t(1) << n;
  std::vector<std::uint8_t> bits(states * std::size_t(n));
  for (std::size_t sigma = 0; sigma < states; ++sigma)
    for (int i = 0; i < n; ++i) bits[sigma * std::size_t(n) + std::size_t(i)] = (sigma >> i) & 1;
  return to_numpy(std::move(bits), {pb::ssize_t(states), pb::ssize_t(n)});
}

namespace {

// Copies a C-contiguous [T, n] array of 0/1 into the raster, refusing any other value.
template <typename T>
void copy_spikes(const T* data, Raster& r) {
  r.spikes.resize(r.steps * std::size_t(r.n));
  for (std::size_t k = 0; k < r.spikes.size(); ++k) {
    if (data[k] != T(0) && data[k] != T(1))
      fail("spikes holds ", +data[k], " at time bin ", k / std::size_t(r.n), ", neuron ", k % std::size_t(r.n),
           " (0/1 expected)");
    r.spikes[k] = std::uint8_t(data[k]);
  }
}

}  // namespace

Raster raster_of(const pb::handle& spikes, const pb::handle& input, int nx) {
  // uint8 and bool rasters are read as they are; any other dtype through one float64 copy,
  // so that a fraction or a NaN is refused rather than truncated.
  using Bytes = pb::array_t<std::uint8_t, pb::array::c_style>;
  const bool bytes = pb::isinstance<Bytes>(spikes) || pb::isinstance<pb::array_t<bool, pb::array::c_style>>(spikes);
  pb::array a;
  try {
    if (bytes) a = pb::reinterpret_borrow<pb::array>(spikes);
    else a = pb::array_t<double, pb::array::c_style | pb::array::forcecast>::ensure(spikes);
  } catch (const pb::error_already_set&) {
  }
  if (!a || a.ndim() != 2)
    fail("spikes must be a 2-D array (time bins x neurons) of 0/1");
  Raster r;
  r.steps = std::size_t(a.shape(0));
  r.n = int(a.shape(1));
  if (r.n < 1) fail("spikes has no neurons (columns)");
  if (r.steps < 2) fail("spikes has ", r.steps, " time bin(s); at least 2 are needed");
  if (r.steps < std::size_t(r.n))
    fail("spikes has ", r.n, " neurons over ", r.steps, " time bins: fewer bins than neurons, so it is probably "
         "transposed (spikes is time bins x neurons: pass spikes.T)");
  if (bytes) copy_spikes(static_cast<const std::uint8_t*>(a.data()), r);
  else copy_spikes(static_cast<const double*>(a.data()), r);
  if (input.is_none()) {
    if (nx > 1) fail("the input model has nx = ", nx, " states: give the input sequence (input=...)");
    return r;
  }
  const Eigen::VectorXd x = vector_of(input, "input");
  if (std::size_t(x.size()) != r.steps) fail("input has length ", x.size(), " but spikes has ", r.steps, " time bins");
  r.input.resize(r.steps);
  for (std::size_t t = 0; t < r.steps; ++t) {
    const double v = x[Eigen::Index(t)];
    if (!(v >= 0 && v < nx && v == std::floor(v)))
      fail("input[", t, "] = ", v, " is not an input state 0 .. ", nx - 1);
    r.input[t] = std::int32_t(v);
  }
  return r;
}

Network network_of(const pb::dict& model, const std::string& what) {
  Eigen::VectorXd reward = vector_entry(model, "reward", what);
  const double lambda = number_entry(model, "lambda", what);
  const Eigen::MatrixXd P =
      has(model, "input_transition") ? matrix_of(model["input_transition"], what + "['input_transition']")
                                     : Eigen::MatrixXd::Ones(1, 1);
  const InputChain input = matrix_input(P, what + "['input_transition']");
  const std::size_t states = std::size_t(reward.size()) / std::size_t(input.nx());
  int n = 0;
  while ((std::size_t(1) << n) < states) ++n;
  if ((std::size_t(1) << n) * std::size_t(input.nx()) != std::size_t(reward.size()))
    fail(what, "['reward'] has length ", reward.size(), ", not 2^n nx for nx = ", input.nx());
  std::vector<int> dead;
  if (has(model, "dead")) {
    const Eigen::VectorXd mask = vector_of(model["dead"], what + "['dead']");
    if (mask.size() != n) fail(what, "['dead'] has length ", mask.size(), ", expected n = ", n);
    for (int i = 0; i < n; ++i)
      if (mask[i] != 0.0) dead.push_back(i);
  }
  return make_network(n, input, std::move(reward), lambda, dead);
}

std::vector<double> rates_of(const pb::dict& model, const Network& net, const std::string& what) {
  const Eigen::VectorXd q = vector_entry(model, "q", what);
  if (q.size() != net.n()) fail(what, "['q'] has length ", q.size(), ", expected n = ", net.n());
  for (int i = 0; i < net.n(); ++i)
    if (!net.is_dead(i) && !(q[i] >= 0.0 && q[i] <= 1.0))
      fail(what, "['q'][", i, "] = ", q[i], " is not a probability");
  return std::vector<double>(q.data(), q.data() + q.size());
}

Solution solution_of(const pb::dict& model, const Network& net, const std::string& what) {
  Solution sol;
  sol.value = vector_entry(model, "value", what);
  sol.stationary = vector_entry(model, "stationary", what);
  for (const Eigen::VectorXd* v : {&sol.value, &sol.stationary})
    if (std::size_t(v->size()) != net.space.size)
      fail(what, "['", v == &sol.value ? "value" : "stationary", "'] has length ", v->size(), ", expected S = ",
           net.space.size);
  if (!(sol.stationary.minCoeff() >= 0.0) || !(std::abs(sol.stationary.sum() - 1.0) <= 1e-6))
    fail(what, "['stationary'] is not a distribution (entries >= 0 summing to 1)");
  sol.q = LogMarginals::from_probabilities(net, rates_of(model, net, what));
  if (has(model, "log_q")) {  // exact logs: 1 - q loses precision for a neuron that nearly always fires
    const Eigen::MatrixXd log_q = matrix_of(model["log_q"], what + "['log_q']");
    if (log_q.rows() != net.n() || log_q.cols() != 2) fail(what, "['log_q'] must be n x 2");
    for (int i = 0; i < net.n(); ++i)
      if (!net.is_dead(i)) {
        sol.q.log_on[std::size_t(i)] = log_q(i, 0);
        sol.q.log_off[std::size_t(i)] = log_q(i, 1);
      }
  }
  if (has(model, "L")) sol.L = number_entry(model, "L", what);
  sol.converged = has(model, "converged") && model["converged"].cast<bool>();
  return sol;
}

pb::dict solution_dict(const Network& net, const Solution& sol) {
  pb::dict d;
  const int n = net.n();
  d["n"] = n;
  d["nx"] = net.space.nx;
  d["lambda"] = net.lambda;
  d["reward"] = to_numpy(net.reward);
  d["input_transition"] = to_numpy(net.input.P);
  std::vector<std::uint8_t> dead(std::size_t(n), 0);
  for (int i = 0; i < n; ++i) dead[std::size_t(i)] = net.is_dead(i);
  d["dead"] = to_numpy(std::move(dead), {n}).attr("astype")("bool");
  d["value"] = to_numpy(sol.value);
  d["stationary"] = to_numpy(sol.stationary);
  d["q"] = to_numpy(sol.q.on_probabilities());
  Eigen::MatrixXd log_q(n, 2);
  for (int i = 0; i < n; ++i) {
    log_q(i, 0) = sol.q.log_on[std::size_t(i)];
    log_q(i, 1) = sol.q.log_off[std::size_t(i)];
  }
  d["log_q"] = to_numpy(log_q);
  d["L"] = sol.L;
  d["mean_reward"] = sol.mean_reward;
  d["coding_cost"] = sol.coding_cost;
  d["converged"] = sol.converged;
  d["outer_iterations"] = sol.outer_iterations;
  d["bellman_sweeps"] = sol.bellman_sweeps;
  const OptimumReport report = describe_optimum(net, sol);
  pb::dict optimum;
  optimum["frozen"] = pb::array_t<int>(pb::ssize_t(n), report.frozen.data());
  optimum["beats_frozen"] = report.beats_frozen;
  optimum["best_frozen_state"] = pb::int_(report.best_frozen.sigma);
  optimum["best_frozen_L"] = report.best_frozen.L;
  pb::list optima;
  for (const LocalOptimum& o : sol.optima) {
    pb::dict item;
    item["L"] = o.L;
    item["q"] = to_numpy(o.q);
    item["start"] = o.start;
    item["hits"] = o.hits;
    optima.append(item);
  }
  optimum["optima"] = optima;
  d["optimum"] = optimum;
  return d;
}

}  // namespace nirl::py
