// Asynchronous network dynamics of docs/model.md section 2, sampled exactly:
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
#include "nirl/sample/raster.hpp"

namespace nirl {

// w = E_x'[v] of the solution, q its marginals, p its stationary distribution.
// progress(done_steps) is called every 2^20 steps when given. Blocks hold at most
// kSampledBlock + 1 steps.
inline constexpr std::size_t kSampledBlock = 512;
void simulate_into(const Network& net, const Eigen::VectorXd& w, const LogMarginals& q,
                   const Eigen::VectorXd& stationary, std::size_t steps, std::uint64_t seed, std::uint64_t stream,
                   const RasterSink& sink, const std::function<void(std::size_t)>& progress = {});

// The same raster, held in memory.
Raster simulate(const Network& net, const Eigen::VectorXd& w, const LogMarginals& q,
                const Eigen::VectorXd& stationary, std::size_t steps, std::uint64_t seed,
                std::uint64_t stream, const std::function<void(std::size_t)>& progress = {});

}  // namespace nirl
