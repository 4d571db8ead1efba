// Inverse RL in the pairwise family (docs/model.md section 5). Optimality of p_theta only says
//   Cov_theta(r, phi_k) = Cov_theta(r_theta, phi_k)   for every untied feature k
// (n + n(n-1)/2 constraints), so the reward is picked under an assumption (Fig 6):
//   sparse   - r >= 0 with minimal L1 norm over the constraint states: the non-negative
//              lasso min ||A r - b||^2 + mu sum r, A_ks = w_s (phi_k(s) - E phi_k),
//              b = Cov(r_theta, phi) (nonneg_lasso.hpp), mu = mu_relative * mu_max;
//   pairwise - r = sum a_i sigma_i + sum b_ij sigma_i sigma_j: Cov(phi, phi) (a, b) = b,
//              the regression of r_theta on the features (conjugate gradient, unique);
//   global   - r = f(number of active neurons): least squares in f (minimum norm, since
//              a constant is free).
// The constraint states and weights are the fitted model's own distribution: every state
// by enumeration for n <= kMaxExactIsingNeurons (the sparse assumption uses the states with
// p above a threshold), or the distinct states of Gibbs-chain samples beyond (the sparse
// assumption uses the most frequent ones, at most max_sparse_states).
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "nirl/pairwise/ising_forward.hpp"

namespace nirl {

enum class Assumption { sparse, pairwise, global };
const char* assumption_name(Assumption a);
Assumption parse_assumption(const std::string& name);  // nirl::Error on an unknown name
inline constexpr Assumption kAssumptions[] = {Assumption::sparse, Assumption::pairwise, Assumption::global};

struct ConstraintOptions {
  double threshold = 1e-6;            // sparse support candidates: p_fit above this (exact)
  std::size_t max_sparse_states = 2000;  // sparse support candidates (sampled): most frequent
  bool exact = true;                  // enumeration (n <= 20) or Gibbs chains
  int chains = 16, burn_in = 200, samples_per_chain = 1000, thin = 1;
  std::uint64_t seed = 1, stream_base = 0;
};

// The fitted model's constraint states with their weights and r_theta.
struct ConstraintSet {
  StateEnsemble ensemble;
  Eigen::VectorXd r_theta;           // per state of the ensemble
  Eigen::VectorXd b;                 // Cov(r_theta, phi) over the untied features
  std::vector<Eigen::Index> sparse;  // ensemble rows that are sparse support candidates
  double lambda = 1.0;
};
ConstraintSet build_constraints(const IsingParams& fitted, double lambda, const ConstraintOptions& options = {});

struct AssumptionOptions {
  double mu_relative = 1e-3;  // sparse: mu = mu_relative * mu_max (docs/pairwise.md)
  double damping = 1e-10;     // pairwise: relative Tikhonov term of the regression
};

struct PairwiseInference {
  Assumption assumption = Assumption::sparse;
  Eigen::VectorXd on_states;   // r at every ensemble state
  Eigen::VectorXd sparse;      // sparse: r at the candidate states (ConstraintSet::sparse order)
  IsingParams pairwise;        // pairwise: a (as h) and b (as J)
  Eigen::VectorXd by_count;    // global: f(0..n)
  double mu = 0.0;             // sparse: the mu used
  double constraint_residual = 0.0;  // || Cov(r, phi) - b || / ||b||
  bool converged = false;
  int support = 0;             // sparse: states with r > 0
};
PairwiseInference infer_pairwise_reward(const ConstraintSet& constraints, Assumption assumption, const AssumptionOptions& options = {});

// The inferred reward over all 2^n states (n <= kMaxExactIsingNeurons); the sparse reward
// is 0 off its candidate states. Needs an enumerated constraint set for sparse.
Eigen::VectorXd reward_table(const ConstraintSet& constraints, const PairwiseInference& reward);

}  // namespace nirl
