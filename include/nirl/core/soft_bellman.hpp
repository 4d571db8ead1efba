// Average-reward soft Bellman equation of docs/model.md section 2, for fixed marginals q:
//
//   w(sigma, x)     = sum_x' P[x, x'] v(sigma, x')
//   v(sigma,x) + L  = r(sigma,x) + (lambda/n) sum_i log sum_a q_i(a) exp(w(sigma_i=a, ., x)/lambda)
//
// solved by relative value iteration (reference state 0). Each state's update reads
// the w of its n single-flip neighbours, so the sweep parallelises over states.
#pragma once
#include <Eigen/Dense>

#include "nirl/core/network.hpp"
#include "nirl/core/policy.hpp"

namespace nirl {

// w = V P^T with V the 2^n x nx matrix of values. For nx = 1, w = v.
void expected_next_value(const Network& net, const Eigen::VectorXd& v, Eigen::VectorXd& w);
// The same product for any nx x nx matrix M: w(sigma, x) = sum_y M(x, y) v(sigma, y).
void expected_next_value(const StateSpace& space, const Eigen::MatrixXd& M, const Eigen::VectorXd& v,
                         Eigen::VectorXd& w);
// The input chain's move on a state vector: w = V P^T (transpose = false), or w = V P
// (transpose = true: p_new(sigma, y) = sum_x u(sigma, x) P[x, y], the stationary pull and
// the likelihood gradient). Pixel chains go factor by factor, other chains densely.
void apply_input_chain(const StateSpace& space, const InputChain& input, bool transpose, const Eigen::VectorXd& v,
                       Eigen::VectorXd& w);

// One Bellman backup: v_new = T(v) - offset, where T uses w = E_x'[v].
// Returns min and max over states of T(v) - v (their gap is the span residual).
struct SweepRange {
  double min = 0.0, max = 0.0;
};
SweepRange soft_bellman_sweep(const Network& net, const LogMarginals& q, const double* w,
                              const Eigen::VectorXd& v, double offset, Eigen::VectorXd& v_new);

// The backup of one state, T(v)(s) = r(s) + soft_value_sum(s).
double soft_bellman_backup(const Network& net, const LogMarginals& q, const double* w, std::size_t s);
// (lambda/n) sum_i log sum_a q_i(a) exp(w(sigma_i=a, ., x)/lambda) for state s.
double soft_value_sum(const StateSpace& space, double lambda, const LogMarginals& q, const double* w,
                      std::size_t s);

struct ValueIterationResult {
  double L = 0.0;     // optimal average objective, midpoint of the final bounds
  double span = 0.0;  // span of T(v) - v at exit: L is known to within span / 2
  long sweeps = 0;
  bool converged = false;
};

// One step of relative value iteration: v_new = T(v) - T(v)(0), keeping v_new(0) = 0, and
// its result counted in res (sweeps, span, L). w (length S when nx > 1) is a work array.
void relative_bellman_step(const Network& net, const LogMarginals& q, const Eigen::VectorXd& v, Eigen::VectorXd& w,
                           Eigen::VectorXd& v_new, ValueIterationResult& res);

// Relative value iteration from the given v (warm start) until span(T(v) - v) < tol.
// scratch (length S) and w (length S when nx > 1) are work arrays.
ValueIterationResult relative_value_iteration(const Network& net, const LogMarginals& q,
                                              Eigen::VectorXd& v, double tol, long max_sweeps,
                                              Eigen::VectorXd& scratch, Eigen::VectorXd& w);

}  // namespace nirl
