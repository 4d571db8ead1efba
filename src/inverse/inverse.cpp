#include "nirl/inverse/inverse.hpp"

#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/core/memory.hpp"

namespace nirl {
namespace {

// MODEL.md 3a: the smoothed histogram gives the reward in closed form; the value follows
// from the Gibbs form p(sigma) ∝ prod_i q_i(sigma_i) exp(v(sigma)/lambda).
TabularInference closed_form_inference(const Raster& raster, double lambda, double pseudocount) {
  TabularInference inf;
  inf.space = StateSpace(raster.n, 1);
  const Eigen::VectorXd p = state_histogram(raster, pseudocount);
  inf.reward = closed_form_reward(raster.n, p, lambda);
  inf.visits.setZero(p.size());
  for (std::size_t t = 0; t < raster.steps; ++t) inf.visits[Eigen::Index(raster.sigma(t))] += 1.0;
  for (int i = 0; i < raster.n; ++i) {
    double on = 0.0;
    for (Eigen::Index s = 0; s < p.size(); ++s)
      if ((s >> i) & 1) on += p[s];
    inf.on.push_back(on);
  }
  inf.value.resize(p.size());
  for (Eigen::Index s = 0; s < p.size(); ++s) {
    double lq = 0.0;
    for (int i = 0; i < raster.n; ++i) lq += std::log((s >> i) & 1 ? inf.on[std::size_t(i)] : 1.0 - inf.on[std::size_t(i)]);
    inf.value[s] = lambda * (std::log(p[s]) - lq);
  }
  inf.log_likelihood = inf.visits.dot(p.array().log().matrix());
  inf.status = "closed form";
  return inf;
}

}  // namespace

TabularInference infer_reward(const Raster& raster, const InputChain& input, double lambda, const InferOptions& options) {
  if (!(lambda > 0.0) || !std::isfinite(lambda)) fail("--lambda must be > 0 (got ", lambda, ")");
  const int nx = input.nx();
  std::string method = options.method;
  if (method == "auto") method = nx == 1 ? "closed_form" : "max_likelihood";
  if (method == "closed_form" || method == "max_likelihood") {
    const StateSpace space(raster.n, nx);
    check_memory(inference_bytes(space, method == "max_likelihood"),
                 "the " + method + " inverse of " + std::to_string(raster.n) + " neurons x " + std::to_string(nx) +
                     " input states (S = " + std::to_string(space.size) + " states)");
  }
  TabularInference inf;
  if (method == "closed_form") {
    if (nx != 1) fail("--method closed_form needs a network without input (this model has nx = ", nx, ")");
    inf = closed_form_inference(raster, lambda, options.pseudocount);
  } else if (method == "max_likelihood") {
    const TransitionCounts counts = count_transitions(raster, nx);
    const LikelihoodInference ml = max_likelihood_reward(counts, input, lambda, options.likelihood);
    inf.space = counts.space;
    inf.reward = ml.reward;
    inf.value = ml.value;
    inf.visits = Eigen::Map<const Eigen::VectorXd>(counts.visits.data(), counts.visits.size());
    inf.on = counts.on;
    inf.log_likelihood = ml.log_likelihood;
    inf.converged = ml.converged;
    inf.iterations = ml.iterations;
    inf.status = ml.status;
  } else {
    fail("--method must be auto, closed_form or max_likelihood (got '", method, "')");
  }
  inf.input = input;
  inf.lambda = lambda;
  inf.method = method;
  inf.samples = raster.steps;
  return inf;
}

}  // namespace nirl
