#include "nirl/inverse/inverse.hpp"

#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/core/memory.hpp"

namespace nirl {
namespace {

// docs/model.md 3a: the smoothed histogram gives the reward in closed form; the value follows
// from the Gibbs form p(sigma) ∝ prod_i q_i(sigma_i) exp(v(sigma)/lambda).
TabularInference closed_form_inference(const TransitionCounts& counts, double lambda, double pseudocount) {
  TabularInference inf;
  const int n = counts.space.n;
  inf.space = StateSpace(n, 1);
  inf.visits = counts.visits.col(0);
  const double steps = inf.visits.sum();
  // state_histogram's p from the visits (whole numbers plus the pseudocount: the same doubles).
  const Eigen::VectorXd p = (inf.visits.array() + pseudocount) / (steps + pseudocount * double(inf.visits.size()));
  inf.reward = closed_form_reward(n, p, lambda);
  for (int i = 0; i < n; ++i) {
    double on = 0.0;
    for (Eigen::Index s = 0; s < p.size(); ++s)
      if ((s >> i) & 1) on += p[s];
    inf.on.push_back(on);
  }
  inf.value.resize(p.size());
  for (Eigen::Index s = 0; s < p.size(); ++s) {
    double lq = 0.0;
    for (int i = 0; i < n; ++i) lq += std::log((s >> i) & 1 ? inf.on[std::size_t(i)] : 1.0 - inf.on[std::size_t(i)]);
    inf.value[s] = lambda * (std::log(p[s]) - lq);
  }
  inf.log_likelihood = inf.visits.dot(p.array().log().matrix());
  inf.status = "closed form";
  return inf;
}

}  // namespace

std::string inference_method(const InferOptions& options, int nx) {
  if (options.method == "auto") return nx == 1 ? "closed_form" : "max_likelihood";
  if (options.method != "closed_form" && options.method != "max_likelihood")
    fail("--method must be auto, closed_form or max_likelihood (got '", options.method, "')");
  if (options.method == "closed_form" && nx != 1)
    fail("--method closed_form needs a network without input (this model has nx = ", nx, ")");
  return options.method;
}

TransitionCounter inference_counter(int n, const InputChain& input, double lambda, const InferOptions& options) {
  if (!(lambda > 0.0) || !std::isfinite(lambda)) fail("--lambda must be > 0 (got ", lambda, ")");
  const std::string method = inference_method(options, input.nx());
  const StateSpace space(n, input.nx());
  check_memory(inference_bytes(space, method == "max_likelihood"),
               "the " + method + " inverse of " + std::to_string(n) + " neurons x " + std::to_string(input.nx()) +
                   " input states (S = " + std::to_string(space.size) + " states)");
  return TransitionCounter(n, input.nx(), method == "closed_form");
}

TabularInference infer_reward(const TransitionCounts& counts, const InputChain& input, double lambda,
                              const InferOptions& options) {
  if (!(lambda > 0.0) || !std::isfinite(lambda)) fail("--lambda must be > 0 (got ", lambda, ")");
  const int nx = input.nx();
  if (counts.space.nx != nx) fail("the counts have nx = ", counts.space.nx, " input states but the input model ", nx);
  const std::string method = inference_method(options, nx);
  TabularInference inf;
  if (method == "closed_form") {
    inf = closed_form_inference(counts, lambda, options.pseudocount);
  } else {
    if (counts.stay.size() == 0) fail("the maximum-likelihood inverse needs transition counts, not visits only");
    const LikelihoodInference ml = max_likelihood_reward(counts, input, lambda, options.likelihood);
    inf.space = counts.space;
    inf.reward = ml.reward;
    inf.value = ml.value;
    inf.visits = Eigen::Map<const Eigen::VectorXd>(counts.visits.data(), counts.visits.size());
    inf.on = counts.on;
    inf.log_likelihood = ml.log_likelihood;
    inf.converged = ml.converged;
    inf.iterations = ml.iterations;
    inf.evaluations = ml.evaluations;
    inf.status = ml.status;
  }
  inf.input = input;
  inf.lambda = lambda;
  inf.method = method;
  inf.samples = std::size_t(counts.visits.sum());
  return inf;
}

TabularInference infer_reward(const Raster& raster, const InputChain& input, double lambda, const InferOptions& options) {
  TransitionCounter counter = inference_counter(raster.n, input, lambda, options);
  counter.add(0, raster.steps, raster.spikes.data(), raster.input.empty() ? nullptr : raster.input.data());
  return infer_reward(counter.finish(), input, lambda, options);
}

}  // namespace nirl
