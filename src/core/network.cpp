#include "nirl/core/network.hpp"

#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/core/reward.hpp"

namespace nirl {

Network make_network(int n, InputChain input, Eigen::VectorXd reward, double lambda,
                     const std::vector<int>& dead_neurons) {
  if (!(lambda > 0.0) || !std::isfinite(lambda)) fail("network.lambda must be > 0 (got ", lambda, ")");
  Network net;
  net.space = StateSpace(n, input.nx());
  net.input = std::move(input);
  validate_reward(reward, net.space, "reward");
  net.reward = std::move(reward);
  net.lambda = lambda;
  net.dead.assign(std::size_t(n), false);
  for (int k : dead_neurons) {
    if (k < 0 || k >= n) fail("network.dead: neuron ", k, " does not exist (n = ", n, ")");
    if (net.dead[std::size_t(k)]) fail("network.dead: neuron ", k, " listed twice");
    net.dead[std::size_t(k)] = true;
  }
  if (int(dead_neurons.size()) == n) fail("network.dead: every neuron is dead");
  return net;
}

}  // namespace nirl
