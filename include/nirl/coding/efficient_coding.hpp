// Efficient coding (docs/model.md section 6, Fig 4): a network whose reward is the log
// posterior of a binary stimulus feature y(x) given its state,
//
//   r(sigma, x) <- log p(y(x) | sigma)   from the current stationary joint p(sigma, x),
//
// alternated with re-optimising the dynamics (section 2), from the symmetry-breaking
// start r0 = y(x) (spike count - n/2) / n (weighted by 0.5 / p(y), see below), until max |change of r| < tol. Each
// re-optimisation starts from the previous firing marginals q (optimise_from); a seeded
// jitter of the initial q (off by default) lets the population leave the symmetric
// solution (Fig 4H). Measures: I(y; sigma) in nats and the same for independent neurons
// with matched p(sigma_i = 1 | x); the readout p(y = +1 | sigma).
//
// A feature is stored per input index as 0 (y = -1) or 1 (y = +1).
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/network.hpp"

namespace nirl {

// y(x) = [more than t of the k pixels on] (pixel j = bit j of x).
std::vector<int> threshold_feature(int pixels, int t);
// A feature from a table of length nx with values -1/+1 or 0/1; must take both values.
std::vector<int> feature_from_table(const std::vector<double>& table, int nx, const std::string& what);

// r0(sigma, x) = y(x) (|sigma| - n/2) / n * 0.5 / p(y(x)) with y = -1 / +1 and p(y) under
// the input's stationary distribution. The weight balances the two feature values (it is
// 1 when p(y = +1) = 1/2, docs/model.md 6's r0): without it, a rare y = +1 lets the frequent
// y = -1 inputs pull the start towards silence, whose log posterior is the constant
// log p(y), a fixed point that encodes nothing.
Eigen::VectorXd symmetry_breaking_reward(const StateSpace& space, const InputChain& input, const std::vector<int>& y);
// r(sigma, x) = log p(y(x) | sigma) under the joint p (states with p(sigma) = 0 get log p(y)).
Eigen::VectorXd log_posterior_reward(const StateSpace& space, const Eigen::VectorXd& p, const std::vector<int>& y);
// p(y = +1 | sigma) for every sigma (NaN where p(sigma) = 0).
Eigen::VectorXd feature_readout(const StateSpace& space, const Eigen::VectorXd& p, const std::vector<int>& y);
// p(y = +1 | spike count c), c = 0..n (NaN where the count has probability 0).
Eigen::VectorXd readout_by_count(const StateSpace& space, const Eigen::VectorXd& p, const std::vector<int>& y);
// I(y; sigma) in nats under the joint p(sigma, x) (normalised here).
double feature_information(const StateSpace& space, const Eigen::VectorXd& p, const std::vector<int>& y);
// The independent-neuron joint with the same p(x) and p(sigma_i = 1 | x):
// p_ind(sigma, x) = p(x) prod_i p(sigma_i | x).
Eigen::VectorXd independent_joint(const StateSpace& space, const Eigen::VectorXd& p);

struct EfficientCodingOptions {
  SolverOptions solver;
  double tol = 1e-6;      // stop when max |r_new - r| < tol
  int max_updates = 200;  // reward updates
  double jitter = 0.0;    // initial q_i(+1) = 0.5 + jitter * U(-1, 1); 0 = symmetric start
  std::uint64_t seed = 0; // stream of the jitter: (seed, kJitterStream)
};

struct EfficientCodingResult {
  Network net;            // base network with the last reward the dynamics were optimised for
  Solution solution;      // optimal dynamics for net.reward
  int updates = 0;        // reward updates made
  double change = 0.0;    // max |log p(y | sigma) - r| at exit
  bool converged = false; // change < tol and every forward solve converged
  double information = 0.0;              // I(y; sigma), nats
  double independent_information = 0.0;  // the same for independent neurons with matched p(sigma_i | x)
};

struct UpdateProgress {
  int update;
  double change;
};

// base: the network (n, input chain, lambda, dead cells); its reward is replaced.
EfficientCodingResult efficient_coding(const Network& base, const std::vector<int>& y,
                                       const EfficientCodingOptions& options,
                                       const std::function<void(const UpdateProgress&)>& progress = {});

}  // namespace nirl
