// Inverse RL with input by maximum likelihood over the value function (docs/model.md 3b).
//
// The update schedule is not observed, so one observed step (sigma, x) -> sigma' has
//   sigma' = sigma with neuron k flipped :  (1/n) pi_k(sigma'_k | sigma, x)
//   sigma' = sigma                      :  (1/n) sum_i pi_i(sigma_i | sigma, x)
// with pi from w = V P^T and q_i the empirical firing probabilities. Sufficient
// statistics are flip counts per (state, neuron) and stay counts per state. Every
// log-probability is a log-sigmoid of a signed logit and the stay term a log-sum-exp
// over neurons, so precision survives flip probabilities of 1e-15. The negative
// log-likelihood plus a ridge prior (ridge/2)||v||^2 (which pins unvisited states) is
// minimised with L-BFGS (LBFGS++) from a warm start: the closed form of docs/model.md 3a
// applied to the empirical p(sigma | x), or the flip logits integrated over the hypercube
// (flip_integration.hpp; exact for exact statistics). The reward is then read off the Bellman
// equation, r = v - (lambda/n) sum_i log sum_a q_i(a) exp(w(sigma_i=a, ., x)/lambda),
// defined up to an additive function of x.
#pragma once
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "nirl/core/input_chain.hpp"
#include "nirl/core/policy.hpp"
#include "nirl/sample/raster.hpp"
#include "nirl/core/state_space.hpp"
#include "nirl/inverse/transition_counts.hpp"

namespace nirl {

// Exact expected counts of `steps` transitions of the stationary dynamics given by the
// policy (w = E_x'[v], q) and the stationary distribution p: the data of an infinite
// recording, scaled to `steps` (q_i(+1) = the policy's own marginals).
TransitionCounts expected_transition_counts(const StateSpace& space, double lambda, const Eigen::VectorXd& w,
                                            const LogMarginals& q, const Eigen::VectorXd& p, double steps);

struct MaxLikelihoodOptions {
  // Gaussian prior v ~ N(0, 1/ridge): adds (ridge/2) ||v||^2 to the summed negative log-likelihood.
  // 1 (unit scale; rewards are O(1)) beats the 1e-2 of docs/model.md section 8 on the Fig 2 round trip:
  // mean aligned r2 0.67 / 0.95 at 1e5 / 1e6 steps against 0.58 / 0.91 (5 seeds each).
  double ridge = 1.0;
  int max_iterations = 5000; // L-BFGS iterations
  double epsilon = 1e-10;    // gradient tolerance: stop when ||g|| < epsilon max(1, ||v||)
  enum class Start { zero, histogram, flips };
  // histogram: closed form on p(sigma | x); flips: value_from_flips; zero: v = 0.
  Start warm_start = Start::histogram;
  double pseudocount = 0.5;  // for the warm start's histogram (per state) or flips (trials per edge)
};

struct LikelihoodInference {
  Eigen::VectorXd reward;    // [S], up to an additive function of x
  Eigen::VectorXd value;     // [S]
  double log_likelihood = 0.0;  // summed over the observed steps (without the prior)
  bool converged = false;
  int iterations = 0;
  int evaluations = 0;       // passes of the likelihood and its gradient
  std::string status;        // the optimiser's last word
};

// Negative log-likelihood + prior, divided by the number of steps, and its gradient in v.
double negative_log_likelihood(const TransitionCounts& counts, const InputChain& input, double lambda,
                               const LogMarginals& q, double ridge, const Eigen::VectorXd& v,
                               Eigen::VectorXd& gradient);
// The same for a dense input matrix P.
double negative_log_likelihood(const TransitionCounts& counts, const Eigen::MatrixXd& P, double lambda,
                               const LogMarginals& q, double ridge, const Eigen::VectorXd& v,
                               Eigen::VectorXd& gradient);

LikelihoodInference max_likelihood_reward(const TransitionCounts& counts, const InputChain& input, double lambda,
                                    const MaxLikelihoodOptions& options = {});

// The reward that makes v optimal (Bellman equation read backwards), with the given q.
Eigen::VectorXd reward_from_value(const StateSpace& space, const InputChain& input, double lambda,
                                  const LogMarginals& q, const Eigen::VectorXd& v);

}  // namespace nirl
