// Stationary distribution of the optimal asynchronous dynamics (docs/model.md section 2).
//
// Pull form of one step: each target state (sigma', x') sums its n + 1 sources,
//   u(sigma, x)       = (1/n) sum_i pi_i(sigma_i | sigma, x) [ p(sigma, x) + p(sigma^i, x) ]
//   p_new(sigma, x')  = sum_x u(sigma, x) P[x, x']
// (pi_i(sigma_i | .) does not depend on sigma_i itself), so it parallelises without atomics.
// With no input the dynamics are random-scan Gibbs sampling and the fixed point is known:
//   p(sigma) ∝ prod_i q_i(sigma_i) exp(v(sigma) / lambda).
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "nirl/core/network.hpp"
#include "nirl/core/policy.hpp"

namespace nirl {

// One power-iteration step p -> p_new (scratch: length S). Returns ||p_new - p||_1.
double stationary_sweep(const Network& net, const LogMarginals& q, const double* w,
                        const Eigen::VectorXd& p, Eigen::VectorXd& p_new, Eigen::VectorXd& scratch);

struct StationaryResult {
  double change = 0.0;  // L1 change of the last sweep
  long sweeps = 0;
  bool converged = false;
};

// Power iteration from the given p (warm start) until the L1 change is below tol.
StationaryResult stationary_power_iteration(const Network& net, const LogMarginals& q,
                                            const double* w, Eigen::VectorXd& p, double tol,
                                            long max_sweeps, Eigen::VectorXd& p_new,
                                            Eigen::VectorXd& scratch);

// The Gibbs fixed point for nx = 1 (exact, one pass).
void gibbs_stationary(const Network& net, const LogMarginals& q, const Eigen::VectorXd& v,
                      Eigen::VectorXd& p);

// Averages under p of the policy: q_i(+1) and q_i(-1) sums (unnormalised), the mean
// reward, and the mean coding cost per step (1/n) sum_i E_p[ KL(pi_i(.|s) || q_i) ].
struct PolicyAverages {
  std::vector<double> on, off;
  double mean_reward = 0.0;
  double coding_cost = 0.0;
};
PolicyAverages policy_averages(const Network& net, const LogMarginals& q, const double* w,
                               const Eigen::VectorXd& p);

}  // namespace nirl
