// Recovering the encoded feature from an inferred reward (docs/model.md sections 6-7, Fig 4F-G).
//
// An efficient-coding network has r(sigma, x) = log p(y(x) | sigma) + g(x): every input
// with the same y has the same reward curve over sigma after removing its offset g(x)
// (the inverse only identifies the reward up to an additive function of x). So:
//  1. centre each input's curve r_hat(., x) with weights u(sigma, x) (the stationary
//     probability or the visit counts): c_x = r_hat(., x) - sum_sigma u r_hat / sum_sigma u;
//  2. split the inputs into two groups by 2-means on the centred curves (weighted squared
//     distance), started from the largest gap in the curves' slopes against spike count;
//     the group with the larger mean slope is y = +1;
//  3. the recovered threshold is the t whose feature [more than t pixels on] agrees with
//     the groups on the most inputs (ties: the smaller t).
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "nirl/core/state_space.hpp"

namespace nirl {

struct FeatureRecovery {
  std::vector<int> group;   // per input x: 1 = the y = +1 group
  std::vector<double> slope;  // per input x: weighted slope of the centred curve vs spike count
  int threshold = -1;       // best t (pixel inputs: x = bit pattern)
  double agreement = 0.0;   // fraction of inputs where group == [popcount(x) > threshold]
};

// weights u(sigma, x) >= 0, length S (e.g. p(sigma, x) or visits).
FeatureRecovery recover_feature(const StateSpace& space, const Eigen::VectorXd& reward, const Eigen::VectorXd& weights);

// Mean of `reward` over the states with m pixels on and c spikes, weighted by `weights`:
// a (pixels + 1) x (n + 1) matrix, NaN where the weight is 0 (Fig 4F).
Eigen::MatrixXd reward_by_pixels_and_count(const StateSpace& space, const Eigen::VectorXd& reward,
                                           const Eigen::VectorXd& weights, int pixels);

}  // namespace nirl
