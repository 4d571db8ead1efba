// The `nirl infer` pipeline (docs/model.md section 3): from a raster and an input model to
// the inferred reward and value, by the closed form (3a, no input) or maximum
// likelihood (3b, any input).
//
// Every inverse route returns an `...Inference`: TabularInference (this pipeline, a reward
// per state), LikelihoodInference (its maximum-likelihood step, max_likelihood.hpp),
// PairwiseInference (a reward under an assumption, reward_assumptions.hpp) and
// MdpInference (the maze, mdp.hpp).
#pragma once
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "nirl/inverse/closed_form.hpp"
#include "nirl/core/input_chain.hpp"
#include "nirl/inverse/max_likelihood.hpp"
#include "nirl/inverse/transition_counts.hpp"
#include "nirl/sample/raster.hpp"

namespace nirl {

struct InferOptions {
  std::string method = "auto";  // auto (closed_form when nx = 1, else max_likelihood) | closed_form | max_likelihood
  double pseudocount = kDefaultPseudocount;
  MaxLikelihoodOptions likelihood;
};

struct TabularInference {
  StateSpace space;
  InputChain input;
  double lambda = 0.0;
  std::string method;
  Eigen::VectorXd reward, value;  // [S]; reward up to an additive function of x
  Eigen::VectorXd visits;         // [S] time steps spent in each state
  std::vector<double> on;         // q_i(+1) used
  double log_likelihood = 0.0;    // closed_form: sum_t log p_hat(sigma_t); max_likelihood: transitions
  bool converged = true;
  int iterations = 0;
  int evaluations = 0;            // max_likelihood: passes of the likelihood
  std::string status;
  std::size_t samples = 0;        // time steps observed
};

// The method `auto` resolves to for nx input states; errors for an unknown method or the
// closed form with input.
std::string inference_method(const InferOptions& options, int nx);

// The counter the method needs (visits only for the closed form, transitions for maximum
// likelihood), once the inverse's memory is checked; feed it the raster (streamed or not).
TransitionCounter inference_counter(int n, const InputChain& input, double lambda, const InferOptions& options);

// The inverse from the counts of a raster (made by inference_counter).
TabularInference infer_reward(const TransitionCounts& counts, const InputChain& input, double lambda,
                              const InferOptions& options);

// The same from a raster in memory.
TabularInference infer_reward(const Raster& raster, const InputChain& input, double lambda, const InferOptions& options);

}  // namespace nirl
