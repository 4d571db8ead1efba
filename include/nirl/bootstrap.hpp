// Moving-block bootstrap over time (Kunsch 1989): the T - 1 observed transitions of an
// autocorrelated raster are covered by overlapping blocks of `block` consecutive
// transitions; ceil((T - 1) / block) block starts are drawn uniformly and concatenated
// (truncated to T - 1 transitions), which keeps the dependence within each block.
#pragma once
#include <cstddef>
#include <vector>

#include "nirl/random_stream.hpp"

namespace nirl {

// Transition indices t (meaning t -> t + 1) of one resample; draw k uses counter k of rng.
std::vector<std::size_t> moving_block_resample(std::size_t transitions, std::size_t block, const RandomStream& rng);

}  // namespace nirl
