// Changed contexts for predictions (MODEL.md sections 2 and 4): new input statistics,
// a dead cell (clamped silent), a new coding cost. A prediction re-solves the forward
// problem with the (inferred) reward in the perturbed network.
//
// Text form (--perturb): comma-separated key=value items,
//   lambda=0.5            new coding cost
//   dead=3 | dead=3+5     neurons clamped silent (added to those already dead)
//   switch_up=0.01        telegraph input (nx = 2): p(x=-1 -> +1); switch_down likewise
//   input=FILE:DATASET    a new nx x nx input transition matrix from HDF5
//   none                  no change (re-solve as is)
#pragma once
#include <Eigen/Dense>
#include <optional>
#include <string>
#include <vector>

#include "nirl/network.hpp"

namespace nirl {

struct Perturbation {
  std::optional<double> lambda;
  std::vector<int> dead;
  std::optional<double> switch_up, switch_down;
  std::optional<Eigen::MatrixXd> input;
};

Perturbation parse_perturbation(const std::string& spec);

// The perturbed copy of a network (reward unchanged); throws nirl::Error when the
// perturbation does not fit the network (e.g. switch_up with nx != 2).
Network apply_perturbation(const Network& base, const Perturbation& change);

}  // namespace nirl
