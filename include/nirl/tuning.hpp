// Tuning curves (Fig 2C): p(sigma_i = 1 | x, k other neurons active), the probability
// that neuron i fires when it is updated, averaged under the stationary distribution
// over the states with input x and k active others (MODEL.md section 2 policy).
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "nirl/forward_solver.hpp"
#include "nirl/network.hpp"

namespace nirl {

// result[i](x, k), k = 0..n-1; NaN where the condition has zero probability.
std::vector<Eigen::MatrixXd> tuning_curves(const Network& net, const Solution& sol);

}  // namespace nirl
