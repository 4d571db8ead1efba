// Frozen networks and the report of which optimum a solution is (frozen_states.hpp).
#include "nirl/core/frozen_states.hpp"

#include <algorithm>
#include <cmath>

#include "nirl/core/error.hpp"

namespace nirl {
namespace {

bool better(const FrozenState& a, const FrozenState& b) { return a.L > b.L || (a.L == b.L && a.sigma < b.sigma); }

}  // namespace

std::vector<FrozenState> best_frozen_states(const Network& net, std::size_t count) {
  const StateSpace& space = net.space;
  const Eigen::VectorXd px = input_stationary(net.input);
  const std::uint64_t dead = net.dead_mask();
  const std::size_t n_sigma = space.size / std::size_t(space.nx);
  std::vector<FrozenState> best;  // kept sorted, at most `count`
  if (count == 0) return best;
  for (std::uint64_t sigma = 0; sigma < n_sigma; ++sigma) {
    if (sigma & dead) continue;
    double L = 0.0;
    for (int x = 0; x < space.nx; ++x) L += px[x] * net.reward[Eigen::Index(space.index(sigma, x))];
    const FrozenState state{sigma, L};
    if (best.size() == count && !better(state, best.back())) continue;
    best.insert(std::upper_bound(best.begin(), best.end(), state, better), state);
    if (best.size() > count) best.pop_back();
  }
  return best;
}

OptimumReport describe_optimum(const Network& net, const Solution& sol) {
  OptimumReport report;
  report.L = sol.L;
  report.best_frozen = best_frozen_states(net, 1).front();
  for (int i = 0; i < net.n(); ++i) {
    const double on = std::exp(sol.q.log_on[std::size_t(i)]), off = std::exp(sol.q.log_off[std::size_t(i)]);
    report.frozen.push_back(on < kFrozenMargin ? -1 : off < kFrozenMargin ? 1 : 0);
  }
  report.beats_frozen = sol.L > report.best_frozen.L + kFrozenTie * std::max(1.0, std::fabs(report.best_frozen.L));
  return report;
}

std::vector<double> frozen_q(const Network& net, std::uint64_t sigma) {
  std::vector<double> q(static_cast<std::size_t>(net.n()));
  for (int i = 0; i < net.n(); ++i) q[std::size_t(i)] = double(sigma >> i & 1);
  return q;
}

Solution frozen_solution(const Network& net, std::uint64_t sigma, SolverOptions options) {
  if (sigma & net.dead_mask()) fail("a frozen state cannot have a dead neuron firing");
  options.initial_q = frozen_q(net, sigma);
  options.held.assign(std::size_t(net.n()), true);
  return optimise(net, options);
}

}  // namespace nirl
