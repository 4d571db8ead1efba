// Continuation of an optimum from the original context to a changed one (continuation.hpp).
#include "nirl/core/continuation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nirl/core/error.hpp"

namespace nirl {
namespace {

constexpr double kFinestPath = double(std::uint64_t(1) << 30);  // shortest step 2^-30

InputChain input_between(const InputChain& a, const InputChain& b, double t) {
  if (t <= 0.0) return a;
  if (t >= 1.0) return b;
  if (a.factored() && b.factored() && a.factors.size() == b.factors.size()) {
    InputChain mix = b;
    for (std::size_t j = 0; j < a.factors.size(); ++j) mix.factors[j] = (1.0 - t) * a.factors[j] + t * b.factors[j];
    const int nx = int(a.P.rows());
    for (int x = 0; x < nx; ++x)
      for (int y = 0; y < nx; ++y) {
        double p = 1.0;
        for (std::size_t j = 0; j < mix.factors.size(); ++j) p *= mix.factors[j]((x >> j) & 1, (y >> j) & 1);
        mix.P(x, y) = p;
      }
    return mix;
  }
  return matrix_input((1.0 - t) * a.P + t * b.P, "the input between two contexts");
}

constexpr double kLogitClamp = 40.0;

double max_logit_change(const Network& net, const std::vector<bool>& held, const LogMarginals& a,
                        const LogMarginals& b) {
  double change = 0.0;
  for (int i = 0; i < net.n(); ++i) {
    const std::size_t k = std::size_t(i);
    if (net.is_dead(i) || (!held.empty() && held[k])) continue;
    // clamped: a neuron leaving q = 0 or 1 exactly moves by a finite amount
    auto logit = [](const LogMarginals& m, std::size_t j) {
      return std::min(std::max(m.log_on[j] - m.log_off[j], -kLogitClamp), kLogitClamp);
    };
    change = std::max(change, std::fabs(logit(a, k) - logit(b, k)));
  }
  return change;
}

}  // namespace

Network context_between(const Network& base, const Network& changed, double t, const std::vector<double>& q0,
                        std::vector<bool>& held, std::vector<double>& q) {
  if (changed.n() != base.n() || changed.space.nx != base.space.nx)
    fail("a prediction cannot change the number of neurons or of input states");
  if (int(q0.size()) != base.n()) fail("operating point needs ", base.n(), " entries (got ", q0.size(), ")");
  held.clear();
  q.clear();
  if (t >= 1.0) return changed;
  Network net = base;
  net.lambda = base.lambda * std::pow(changed.lambda / base.lambda, t);
  net.input = input_between(base.input, changed.input, t);
  for (int i = 0; i < base.n(); ++i) {
    if (changed.is_dead(i) == base.is_dead(i)) continue;
    if (base.is_dead(i)) fail("a prediction cannot bring neuron ", i, " back to life");
    if (held.empty()) held.assign(std::size_t(base.n()), false);
    held[std::size_t(i)] = true;
  }
  if (!held.empty()) {
    q = q0;
    for (int i = 0; i < base.n(); ++i)
      if (held[std::size_t(i)]) q[std::size_t(i)] = (1.0 - t) * q0[std::size_t(i)];
  }
  return net;
}

Solution follow_optimum(const Network& base, const Network& changed, const Solution& start,
                        const SolverOptions& options, const FollowOptions& follow,
                        const std::function<void(const FollowProgress&)>& progress) {
  if (follow.min_steps < 1 || follow.max_halvings < 0 || !(follow.max_logit_change > 0.0) ||
      std::ldexp(double(follow.min_steps), follow.max_halvings) > kFinestPath)
    fail("continuation: min_steps >= 1, max_halvings >= 0, max_logit_change > 0 and min_steps 2^max_halvings <= 2^30 required");
  const std::vector<double> q0 = start.q.on_probabilities();
  const double first = 1.0 / follow.min_steps, shortest = std::ldexp(first, -follow.max_halvings);
  Solution current = start;
  current.optima.clear();
  double t = 0.0, step = first;
  int solves = 0;
  while (t < 1.0) {
    const double next_t = std::min(1.0, t + step);
    std::vector<bool> held;
    std::vector<double> held_q;
    const Network net = context_between(base, changed, next_t, q0, held, held_q);
    SolverOptions o = options;
    std::vector<double> from = current.q.on_probabilities();
    for (int i = 0; i < net.n(); ++i)
      if (!held.empty() && held[std::size_t(i)]) from[std::size_t(i)] = held_q[std::size_t(i)];
    o.held = held;
    Solution sol = optimise_from(net, o, from);
    ++solves;
    if (step > shortest * (1.0 + 1e-12) && max_logit_change(net, held, current.q, sol.q) > follow.max_logit_change) {
      step *= 0.5;
      continue;
    }
    current = std::move(sol);
    t = next_t;
    if (progress) progress({t, solves});
    step = std::min(first, 2.0 * step);
  }
  return current;
}

Solution adapted_optimum(const Network& base, const Solution& original, const Network& changed,
                         const SolverOptions& options, const PredictionOptions& prediction) {
  if (prediction.target == PredictionTarget::global) return search_optimum(changed, options, prediction.search);
  return follow_optimum(base, changed, original, options, prediction.follow);
}

Solution predict_adapted(const Network& base, const std::vector<double>& operating_q, const Network& changed,
                         const SolverOptions& options, const PredictionOptions& prediction, bool from_data,
                         const std::function<void(const FollowProgress&)>& progress) {
  if (prediction.target == PredictionTarget::global) return search_optimum(changed, options, prediction.search);
  if (prediction.rates == Rates::held || (prediction.rates == Rates::automatic && from_data)) {
    // Every living q held: each context has one solution, so no path is needed.
    SolverOptions held = options;
    held.held.assign(std::size_t(changed.n()), false);
    for (int i = 0; i < changed.n(); ++i) held.held[std::size_t(i)] = !changed.is_dead(i);
    Solution sol = optimise_from(changed, held, operating_q);
    if (progress) progress({1.0, 1});
    return sol;
  }
  return follow_optimum(base, changed, optimise_from(base, options, operating_q), options, prediction.follow, progress);
}

}  // namespace nirl
