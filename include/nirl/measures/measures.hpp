// Measures for comparing rewards and response distributions (docs/model.md section 7).
//
// aligned_r2: weighted least squares r_true ≈ a r_hat + b(x) over the states with
// p_true(s) > threshold. For fixed a the normal equations give b(x) = mean_x(r_true - a r_hat),
// so with per-x centred values dt = r_true - mean_x r_true, dh = r_hat - mean_x r_hat,
//   a  = sum w dh dt / sum w dh^2   (0 if the denominator is 0)
//   r2 = 1 - sum w (dt - a dh)^2 / sum w dt^2 = a sum w dh dt / sum w dt^2.
// The denominator removes the per-x means because a reward is only defined up to an
// additive g(x) (docs/model.md section 3b), so r2 is invariant to adding g(x) to either reward.
// Two passes: per-x weighted means, then the centred sums.
#pragma once
#include <Eigen/Dense>
#include <cstddef>
#include <vector>

#include "nirl/core/state_space.hpp"

namespace nirl {

// States with true stationary probability above this are the identified ones (docs/model.md
// section 7): the aligned r2 and the maze's identified cells are taken over them.
inline constexpr double kIdentifiedProbability = 1e-6;

struct AlignedFit {
  double r2 = 0.0;             // 1 - weighted residual / weighted within-x variance of r_true
  double scale = 0.0;          // fitted a in r_true ≈ a * r_hat + b(x)
  std::vector<double> offset;  // fitted b(x), length nx; NaN for an x with no used state
  std::size_t states = 0;      // states used (p_true(s) > threshold)
};

// Weights are 1 (weighted = false) or p_true(s) as given (weighted = true; the fit does not
// depend on the normalisation of p_true). Throws nirl::Error if sizes differ from space.size,
// p_true has a negative entry, threshold < 0, fewer than 2 states qualify, or r_true is
// constant within every x over the used states.
AlignedFit aligned_r2(const StateSpace& space, const Eigen::VectorXd& r_true, const Eigen::VectorXd& r_hat,
                      const Eigen::VectorXd& p_true, double threshold = kIdentifiedProbability, bool weighted = false);
// r_hat in the units of r_true: scale * r_hat(s) + offset(x(s)) for every state (NaN in an
// input state the fit used no state of).
Eigen::VectorXd aligned_reward(const StateSpace& space, const AlignedFit& fit, const Eigen::VectorXd& r_hat);

// The same fit with one offset for all states, r_true ≈ a r_hat + b (a reward defined up
// to a constant, e.g. the maze of docs/model.md section 1); vectors of any common length.
AlignedFit aligned_r2(const Eigen::VectorXd& r_true, const Eigen::VectorXd& r_hat, const Eigen::VectorXd& p_true,
                      double threshold = kIdentifiedProbability, bool weighted = false);

// KL(p || q) in nats over all states, after normalising both to sum 1; terms with p = 0
// contribute 0, p > 0 with q = 0 gives +infinity. Throws nirl::Error on size mismatch,
// a negative (or NaN) entry, or a vector that sums to 0.
double kl_divergence(const Eigen::VectorXd& p, const Eigen::VectorXd& q);

// P(spike count = c | x) = sum_{sigma : |sigma| = c} p(sigma, x) / p(x), as an nx x (n + 1)
// matrix; rows sum to 1 where p(x) > 0 and are 0 where p(x) = 0. Throws nirl::Error if
// p.size() != space.size or p has a negative entry.
Eigen::MatrixXd count_distribution(const StateSpace& space, const Eigen::VectorXd& p);

// P(sigma_i = 1) = sum_{s : sigma_i = 1} p(s) for every neuron (inputs summed over), p a
// distribution over the states. Same errors as count_distribution.
Eigen::VectorXd firing_probabilities(const StateSpace& space, const Eigen::VectorXd& p);

}  // namespace nirl
