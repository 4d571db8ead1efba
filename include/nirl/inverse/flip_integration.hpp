// Warm start of the maximum-likelihood inverse (docs/model.md 3b) from the observed flip
// frequencies, exact for exact statistics.
//
// The flip logit of neuron i at (sigma, x) (docs/model.md 2),
//   z_i(sigma, x) = (w(sigma_i=+1, ., x) - w(sigma_i=-1, ., x)) / lambda + log(q_i(+1) / q_i(-1)),
// is shared by the two ends of the hypercube edge sigma <-> sigma with i flipped, so every
// edge of the hypercube of each x gives a difference of w. Per edge, the steps at which
// neuron i was chosen (taken as N_s / n of the N_s steps out of either end, the schedule is
// not observed) are Bernoulli trials of pi_i(+1 | sigma, x): at the off end a flip is a +1,
// a stay a -1; at the on end the reverse. With k+ / k- outcomes and a prior of 2c trials at
// the firing rate q_i (c = pseudocount; an unvisited edge gets pi_i = q_i, i.e. equal w):
//   z = log((k+ + 2c q_i(+1)) / (k- + 2c q_i(-1))),  Delta w = lambda (z - log(q_i(+1)/q_i(-1))),
// with the Fisher weight (k+ + 2c q+)(k- + 2c q-)/(k + 2c) of the logit. w(., x) follows from
// these differences by weighted least squares on the hypercube (the grounded graph
// Laplacian, a sparse Cholesky per x): with exact statistics the differences are consistent
// and w is exact up to a constant per x. Then v = W P^-T (w = V P^T): the inverse 2x2 factor
// per pixel for Kronecker chains, a least-squares solve with P otherwise. Adding g(x) to v
// changes nothing (docs/model.md 3b), so each x-column of v is centred, as the ridge prior would.
#pragma once
#include <Eigen/Dense>

#include "nirl/core/input_chain.hpp"
#include "nirl/inverse/max_likelihood.hpp"

namespace nirl {

// v [S] from the counts' flips and stays; q_i = counts.on; pseudocount c > 0.
Eigen::VectorXd value_from_flips(const TransitionCounts& counts, const InputChain& input, double lambda,
                                 double pseudocount);

}  // namespace nirl
