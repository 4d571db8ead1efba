// A network problem of docs/model.md section 2: state space, input chain, reward, coding
// cost lambda, and the neurons clamped silent (cell death).
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "nirl/core/input_chain.hpp"
#include "nirl/core/state_space.hpp"

namespace nirl {

struct Network {
  StateSpace space;
  InputChain input;
  Eigen::VectorXd reward;  // length S
  double lambda = 1.0;
  // dead[i]: neuron i is clamped silent. It never fires, never pays a cost, and when it
  // is picked for an update the state does not change (it acts like q_i(+1) = 0).
  std::vector<bool> dead;

  int n() const { return space.n; }
  bool is_dead(int i) const { return !dead.empty() && dead[std::size_t(i)]; }
  std::uint64_t dead_mask() const {  // bit i set <=> neuron i is dead
    std::uint64_t mask = 0;
    for (int i = 0; i < n(); ++i)
      if (is_dead(i)) mask |= std::uint64_t(1) << i;
    return mask;
  }
};

// Builds a network and checks every field (lambda > 0, reward length and finiteness,
// input size, dead indices); throws nirl::Error naming the problem.
Network make_network(int n, InputChain input, Eigen::VectorXd reward, double lambda,
                     const std::vector<int>& dead_neurons);

}  // namespace nirl
