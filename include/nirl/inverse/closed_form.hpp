// Closed-form inverse RL without input (docs/model.md section 3a). With nx = 1 the optimal
// dynamics are Gibbs sampling from p(sigma), and the reward is read off p directly:
//   r(sigma) = (lambda/n) sum_i log[ p(sigma_i | sigma_/i) / p(sigma_i) ] + C,
//   p(sigma_i | sigma_/i) = p(sigma) / (p(sigma) + p(sigma with i flipped)).
// From data, p is the state histogram of a raster with a pseudocount (Dirichlet prior),
// so that states never visited keep a finite reward.
#pragma once
#include <Eigen/Dense>

#include "nirl/sample/raster.hpp"

namespace nirl {

// Default pseudocount: 0.5 per state, the Jeffreys / Krichevsky-Trofimov Dirichlet prior
// (the value used for the checks in docs/model.md section 8).
inline constexpr double kDefaultPseudocount = 0.5;

// Empirical distribution over sigma (length 2^n, index = sigma as in state_space.hpp) from a
// raster: (count(sigma) + pseudocount) / (T + pseudocount * 2^n). The input sequence is ignored.
Eigen::VectorXd state_histogram(const Raster& raster, double pseudocount = kDefaultPseudocount);

// r(sigma) = (lambda/n) sum_i log[ p(sigma_i | sigma_/i) / p(sigma_i) ], p(sigma_i) the marginal
// of p. The reward is defined up to an additive constant; this returns C = 0 (on the exact
// optimum, r_true - L). p must have length 2^n and be strictly positive and finite; it need not
// be normalised (it is divided by its sum). Per-state work runs under OpenMP and the result does
// not depend on the thread count.
Eigen::VectorXd closed_form_reward(int n, const Eigen::VectorXd& p, double lambda);

}  // namespace nirl
