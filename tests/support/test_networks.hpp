// Small networks shared by the tests.
#pragma once
#include "nirl/core/input_chain.hpp"
#include "nirl/core/network.hpp"
#include "nirl/core/reward.hpp"

namespace nirl::testing {

// docs/model.md section 8: n = 6, no input, reward 1 when exactly 2 neurons are active.
inline Network two_of_six(double lambda = 0.2) {
  const StateSpace space(6, 1);
  return make_network(6, no_input(), spike_count_reward(space, {2}), lambda, {});
}

// Fig 2: n = 8, telegraph input, reward 1 for 2 spikes at x = -1 and 6 at x = +1.
inline Network fig2(double lambda = 0.3, double switch_p = 0.02, std::vector<int> dead = {}) {
  InputChain in = telegraph_input(switch_p, switch_p);
  const StateSpace space(8, in.nx());
  return make_network(8, in, spike_count_reward(space, {2, 6}), lambda, dead);
}

}  // namespace nirl::testing
