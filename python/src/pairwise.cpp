// The pairwise (Ising) family of docs/model.md section 5, as `nirl pairwise fit` and
// `nirl pairwise infer` compute it: fit (h, J) to a raster, then infer the reward under the
// sparse, pairwise and global assumptions.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "convert.hpp"
#include "nirl/core/error.hpp"
#include "nirl/pairwise/fit_check.hpp"
#include "nirl/pairwise/moment_matching.hpp"
#include "nirl/pairwise/pseudo_likelihood.hpp"
#include "nirl/pairwise/reward_assumptions.hpp"

namespace nirl::py {
namespace {

pb::dict fit_check_dict(const FitCheck& c) {
  pb::dict d;
  d["passed"] = c.passed;
  d["problem"] = c.problem;
  d["data_rates"] = to_numpy(c.data_rates);
  d["model_rates"] = to_numpy(c.model_rates);
  d["data_counts"] = to_numpy(c.data_counts);
  d["model_counts"] = to_numpy(c.model_counts);
  d["count_tv"] = c.count_tv;
  d["tv_threshold"] = c.tv_threshold;
  d["unsupported_mass"] = c.unsupported_mass;
  d["rate_max_error"] = c.rate_max_error;
  d["correlation_slope"] = c.correlation_slope;
  d["correlation_r2"] = c.correlation_r2;
  d["exact"] = c.exact;
  return d;
}

pb::dict pairwise_fit(const pb::object& spikes, double ridge, const std::string& refine, double match_tolerance,
                      int match_iterations, int chains, std::uint64_t seed) {
  if (!(ridge >= 0.0)) fail("ridge must be >= 0 (got ", ridge, ")");
  if (refine != "moments" && refine != "none") fail("refine must be moments or none (got '", refine, "')");
  if (!(match_tolerance > 0.0)) fail("match_tolerance must be > 0 (got ", match_tolerance, ")");
  if (chains < 2) fail("chains must be >= 2 (got ", chains, ")");
  if (match_iterations < 0) fail("match_iterations must be >= 0 (got ", match_iterations, ")");
  const Raster raster = raster_of(spikes, pb::none(), 1);
  pb::dict d;
  IsingParams params;
  FitCheck check;
  PseudoLikelihoodFit fit;
  MomentMatchingFit matched;
  {
    pb::gil_scoped_release release;
    const SpinCounts counts = count_states(raster.spikes, raster.steps, raster.n);
    require_varied_states(counts);
    PseudoLikelihoodOptions o;
    o.ridge = ridge;
    fit = fit_pseudo_likelihood(counts, o);
    params = fit.params;
    if (refine == "moments") {
      MomentMatchingOptions mo;
      mo.ridge = ridge;
      mo.tolerance = match_tolerance;
      mo.chains = chains;
      mo.max_iterations = match_iterations;
      mo.seed = seed;
      matched = match_moments(counts, fit.params, mo);
      params = matched.params;
    }
    check = check_fit(counts, params);
  }
  d["h"] = to_numpy(params.h);
  d["J"] = to_numpy(params.J);
  d["samples"] = raster.steps;
  d["objective"] = fit.objective;
  d["converged"] = fit.converged;
  if (refine == "moments") {
    d["moments_matched"] = matched.converged;
    d["moment_mismatch"] = matched.mismatch.rms;
  }
  d["fit_check"] = fit_check_dict(check);
  return d;
}

pb::dict pairwise_infer(const pb::dict& fit, double lambda, const std::string& which, double mu_relative,
                        std::uint64_t seed, bool accept_poor_fit) {
  if (!(lambda > 0.0)) fail("lambda must be > 0 (got ", lambda, ")");
  if (!(mu_relative > 0.0)) fail("mu_relative must be > 0 (got ", mu_relative, ")");
  IsingParams params{vector_entry(fit, "h", "fit"), has(fit, "J") ? matrix_of(fit["J"], "fit['J']") : Eigen::MatrixXd()};
  const int n = params.n();
  if (params.J.rows() != n || params.J.cols() != n) fail("fit['J'] must be n x n for n = ", n);
  if (!accept_poor_fit && has(fit, "fit_check")) {
    const pb::dict c = fit["fit_check"].cast<pb::dict>();
    if (has(c, "passed") && !c["passed"].cast<bool>())
      fail("the fit failed its goodness-of-fit check: ", has(c, "problem") ? c["problem"].cast<std::string>() : "",
           " (accept_poor_fit=True to go on)");
  }
  std::vector<Assumption> assumptions;
  if (which == "all") assumptions.assign(std::begin(kAssumptions), std::end(kAssumptions));
  else assumptions.push_back(parse_assumption(which));
  ConstraintOptions co;
  co.exact = n <= kMaxExactIsingNeurons;
  co.seed = seed;
  AssumptionOptions ao;
  ao.mu_relative = mu_relative;
  pb::dict d;
  ConstraintSet c;
  std::vector<PairwiseInference> results;
  {
    pb::gil_scoped_release release;
    c = build_constraints(params, lambda, co);
    for (Assumption a : assumptions) results.push_back(infer_pairwise_reward(c, a, ao));
  }
  for (const PairwiseInference& r : results) {
    pb::dict g;
    g["reward"] = to_numpy(r.on_states);
    g["constraint_residual"] = r.constraint_residual;
    g["converged"] = r.converged;
    if (r.assumption == Assumption::pairwise) {
      g["a"] = to_numpy(r.pairwise.h);
      g["b"] = to_numpy(r.pairwise.J);
    }
    if (r.assumption == Assumption::global) g["by_count"] = to_numpy(r.by_count);
    if (r.assumption == Assumption::sparse) {
      g["mu"] = r.mu;
      g["support"] = r.support;
    }
    d[assumption_name(r.assumption)] = g;
  }
  d["p_model"] = to_numpy(c.ensemble.weights());
  // The states the rewards are given on, as 0/1 patterns (all 2^n states when exact).
  Eigen::MatrixXd S;
  c.ensemble.fill(0, c.ensemble.size(), S);
  std::vector<std::uint8_t> bits(std::size_t(S.rows()) * std::size_t(n));
  for (Eigen::Index s = 0; s < S.rows(); ++s)
    for (int i = 0; i < n; ++i) bits[std::size_t(s) * std::size_t(n) + std::size_t(i)] = S(s, i) > 0 ? 1 : 0;
  d["states"] = to_numpy(std::move(bits), {pb::ssize_t(S.rows()), pb::ssize_t(n)});
  d["exact"] = co.exact;
  d["lambda"] = lambda;
  return d;
}

}  // namespace

void bind_pairwise(pb::module_& m) {
  using namespace pybind11::literals;
  m.def("pairwise_fit", &pairwise_fit,
        "Untied pairwise model (h, J) of a 0/1 raster [T, n] (nirl pairwise fit): pseudo-likelihood,\n"
        "then moment matching (refine='moments'), and the goodness-of-fit check. Returns h, J,\n"
        "samples, fit_check (passed, problem, rates and count distributions, ...).",
        "spikes"_a, "ridge"_a = PseudoLikelihoodOptions{}.ridge, "refine"_a = "moments",
        "match_tolerance"_a = MomentMatchingOptions{}.tolerance, "match_iterations"_a = MomentMatchingOptions{}.max_iterations,
        "chains"_a = MomentMatchingOptions{}.chains, "seed"_a = 1);
  m.def("pairwise_infer", &pairwise_infer,
        "The reward of a pairwise fit under each assumption (nirl pairwise infer): assumption all |\n"
        "sparse | pairwise | global. Returns one dict per assumption (reward on `states`, ...),\n"
        "p_model (the fitted model's probability of each state) and states (0/1 [states, n]).",
        "fit"_a, "lam"_a, "assumption"_a = "all", "mu_relative"_a = AssumptionOptions{}.mu_relative, "seed"_a = 1,
        "accept_poor_fit"_a = false);
}

}  // namespace nirl::py
