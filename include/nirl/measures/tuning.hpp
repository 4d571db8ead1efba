// Tuning curves (Fig 2C): p(sigma_i = 1 | x, k other neurons active), the probability
// that neuron i fires when it is updated, averaged under the stationary distribution
// over the states with input x and k active others (docs/model.md section 2 policy).
#pragma once
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/network.hpp"

namespace nirl {

// result[i](x, k), k = 0..n-1; NaN where the condition has zero probability.
std::vector<Eigen::MatrixXd> tuning_curves(const Network& net, const Solution& sol);
// The same with the inputs pooled: result[i](g, k) over the x with input_group[x] = g,
// g in [0, groups) (Fig 4: g = number of pixels on).
std::vector<Eigen::MatrixXd> tuning_curves(const Network& net, const Solution& sol, const std::vector<int>& input_group,
                                           int groups);

// Cell types: groups of neurons whose tuning curves (NaN entries skipped) differ by less
// than tol everywhere, by single linkage (a chain of close neurons is one group); returns
// the group of each neuron, groups numbered in the order of their first member.
std::vector<int> tuning_groups(const std::vector<Eigen::MatrixXd>& tuning, double tol);

}  // namespace nirl
