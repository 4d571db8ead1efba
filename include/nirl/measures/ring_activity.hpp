// Activity on a ring of neurons (Fig 5; docs/model.md section 5): where the hill of activity is,
// how often it jumps, and how many separate runs of active neurons a state has.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace nirl {

// Hill centre per raster row (raster: steps x n, 0/1): the circular mean of the active
// neurons' angles 2 pi i / n, rounded to a neuron; -1 when none is active.
std::vector<int> hill_positions(const std::vector<std::uint8_t>& raster, int n);

// How often the hill jumps rather than drifts: over the pairs of rows `lag` apart (rows 0
// and lag, lag and 2 lag, ...) where both rows have a hill (position >= 0), the fraction
// whose centres are at least `distance` neurons apart around the ring. NaN when no pair
// has a hill in both rows.
double hill_jump_fraction(const std::vector<int>& positions, int n, std::size_t lag, int distance);

// Distribution of the number of separate runs of active neurons around the ring under p
// over the 2^n states (bit i: neuron i active): entry 0 the silent state, 1 a single run
// (the all-active state counts as one), up to n/2.
Eigen::VectorXd cluster_distribution(const Eigen::VectorXd& p, int n);

}  // namespace nirl
