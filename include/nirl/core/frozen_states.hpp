// Frozen networks (docs/model.md 2, "Local optima and frozen networks"). A network whose
// neurons are all deterministic stays in one state sigma forever and pays no coding cost,
// so its objective is the reward averaged over the input alone,
//   L_frozen(sigma) = sum_x p(x) r(sigma, x),   p = the input chain's stationary law,
// a bound that is reachable for every reward: an optimum worth reporting must be compared
// with the best frozen state. Dead neurons are silent in every frozen state.
#pragma once
#include <cstdint>
#include <vector>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/network.hpp"

namespace nirl {

struct FrozenState {
  std::uint64_t sigma = 0;  // bit i set <=> neuron i fires
  double L = 0.0;
};

// The `count` frozen states of highest L, best first (ties: smaller sigma first). One O(S) pass.
std::vector<FrozenState> best_frozen_states(const Network& net, std::size_t count);

// Which optimum a solution is: its L against the best frozen state's, and its frozen
// neurons (q_i(+1) within kFrozenMargin of 0 or 1).
struct OptimumReport {
  double L = 0.0;
  FrozenState best_frozen;
  std::vector<int> frozen;  // per neuron: +1 always fires, -1 silent (dead included), 0 moves
  bool beats_frozen = false;  // L above the best frozen L by more than kFrozenTie max(1, |L_frozen|)
};
inline constexpr double kFrozenMargin = 1e-9;
inline constexpr double kFrozenTie = 1e-9;
OptimumReport describe_optimum(const Network& net, const Solution& sol);

// q_i(+1) of the network frozen in sigma: 1 where sigma fires, else 0.
std::vector<double> frozen_q(const Network& net, std::uint64_t sigma);

// The frozen network itself as a solution: every q_i held at 0 or 1 (sigma's pattern),
// solved by the alternation (whose q cannot move), so L = L_frozen(sigma) up to the
// solver's tolerances.
Solution frozen_solution(const Network& net, std::uint64_t sigma, SolverOptions options);

}  // namespace nirl
