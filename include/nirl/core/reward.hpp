// Reward functions r(sigma, x) over the full state space (docs/model.md section 2), length S.
#pragma once
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "nirl/core/state_space.hpp"

namespace nirl {

// r = 1 when the spike count equals targets[x], else 0 (Fig 2: targets 2 and 6).
Eigen::VectorXd spike_count_reward(const StateSpace& space, const std::vector<int>& targets);

// r = 1 when exactly m neurons are active and they are adjacent on the ring
// 0 - 1 - ... - (n-1) - 0 (Fig 5); the same for every input state.
Eigen::VectorXd ring_reward(const StateSpace& space, int m);

// Checks length S and finiteness of a reward table; `what` names the source in errors.
void validate_reward(const Eigen::VectorXd& reward, const StateSpace& space, const std::string& what);

}  // namespace nirl
