// Changed contexts for predictions (docs/model.md sections 2 and 4): new input statistics,
// a dead cell (clamped silent), a new coding cost. A prediction re-solves the forward
// problem with the (inferred) reward in the perturbed network. The text form a user writes
// is read by io/perturbation_spec.hpp.
#pragma once
#include <Eigen/Dense>
#include <optional>
#include <vector>

#include "nirl/core/network.hpp"

namespace nirl {

struct Perturbation {
  std::optional<double> lambda;
  std::vector<int> dead;
  std::optional<double> switch_up, switch_down;
  std::optional<Eigen::MatrixXd> input;
};

// The perturbed copy of a network (reward unchanged); throws nirl::Error when the
// perturbation does not fit the network (e.g. switch_up with nx != 2).
Network apply_perturbation(const Network& base, const Perturbation& change);

}  // namespace nirl
