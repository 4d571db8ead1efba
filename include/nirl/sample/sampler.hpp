// Asynchronous network dynamics of MODEL.md section 2, sampled exactly:
// each step picks neuron i uniformly, sets sigma_i ~ pi_i(. | sigma, x), then moves
// x -> x' ~ P[x, .]. The initial state is drawn from the stationary distribution.
// Randomness: step t uses counter t + 1 of the (seed, stream) Philox stream
// (word 0 picks the neuron, word 1 its decision, word 2 the input move); counter 0
// draws the initial state.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <vector>

#include "nirl/core/network.hpp"
#include "nirl/core/policy.hpp"

namespace nirl {

struct Raster {
  int n = 0;
  std::size_t steps = 0;
  std::vector<std::uint8_t> spikes;  // steps x n, row-major, 0/1
  std::vector<std::int32_t> input;   // length steps, input index; empty when nx = 1

  std::uint64_t sigma(std::size_t t) const {
    std::uint64_t s = 0;
    for (int i = 0; i < n; ++i)
      if (spikes[t * std::size_t(n) + std::size_t(i)]) s |= std::uint64_t(1) << i;
    return s;
  }
  int x(std::size_t t) const { return input.empty() ? 0 : input[t]; }
};

// w = E_x'[v] of the solution, q its marginals, p its stationary distribution.
// progress(done_steps) is called every 2^20 steps when given.
Raster simulate(const Network& net, const Eigen::VectorXd& w, const LogMarginals& q,
                const Eigen::VectorXd& stationary, std::size_t steps, std::uint64_t seed,
                std::uint64_t stream, const std::function<void(std::size_t)>& progress = {});

}  // namespace nirl
