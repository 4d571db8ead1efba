// Moving-block bootstrap over time (Kunsch 1989): the T - 1 observed transitions of an
// autocorrelated raster are covered by overlapping blocks of `block` consecutive
// transitions; ceil((T - 1) / block) block starts are drawn uniformly and concatenated
// (truncated to T - 1 transitions), which keeps the dependence within each block.
#pragma once
#include <cstddef>
#include <vector>

#include "nirl/core/random_stream.hpp"

namespace nirl {

// Items are whatever is resampled: transitions (t -> t + 1) for the likelihood of docs/model.md
// 3b, time bins for the state histogram of 3a.
//
// Default block length: max(ceil(T^(1/3)), ceil(10 tau)), tau the integrated
// autocorrelation time of the population spike count (Sokal's self-consistent window). The
// T^(1/3) growth is the MSE-optimal order for block-bootstrap variance estimates (Hall,
// Horowitz & Jing 1995); the block-bootstrap variance is biased low by about tau / block,
// so 10 tau keeps that bias near 10% when the recording is strongly autocorrelated. It is
// capped at T / 20 so that every resample still mixes at least 20 blocks.

// Item indices of one resample t (meaning t -> t + 1) of one resample; draw k uses counter k of rng.
std::vector<std::size_t> moving_block_resample(std::size_t transitions, std::size_t block, const RandomStream& rng);

// Integrated autocorrelation time tau = 1/2 + sum_{t=1}^{M} rho(t), M the smallest window
// with M >= 5 tau (Sokal); 1/2 for a series without correlation or variance.
double integrated_autocorrelation_time(const std::vector<double>& series);

// The default block length above, for a series of `steps` values with time tau.
std::size_t default_block_length(std::size_t steps, double tau);

}  // namespace nirl
