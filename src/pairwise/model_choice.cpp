#include "nirl/pairwise/model_choice.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nirl/core/anderson_value_iteration.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/input_chain.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/core/network.hpp"
#include "nirl/core/policy.hpp"
#include "nirl/core/stationary.hpp"

namespace nirl {

Eigen::VectorXd operating_point_distribution(int n, const Eigen::VectorXd& reward, const std::vector<double>& q,
                                             const SolverOptions& solver, bool* converged, const Eigen::VectorXd& v0) {
  // Anderson memory: on 16-neuron recordings the plain iteration needs 640-710 sweeps from
  // the warm start, m = 5 80-116 and m = 8 53-67 (each pair of differences costs 2 arrays).
  constexpr int kMemory = 8;
  // Besides the iteration's arrays: v, p, the reward, its copy in the network, the warm start.
  check_memory((anderson_value_iteration_arrays(kMemory, false) + 5) * std::size_t(reward.size()) * sizeof(double),
               "the model choice's forward solve over 2^" + std::to_string(n) + " states");
  const double lambda = 1.0;
  const Network net = make_network(n, no_input(), reward, lambda, {});
  std::vector<double> clamped(q);
  for (double& x : clamped) x = std::min(std::max(x, 1e-12), 1.0 - 1e-12);
  const LogMarginals log_q = LogMarginals::from_probabilities(net, clamped);
  Eigen::VectorXd v, p;
  resize_on_huge_pages(v, reward.size());
  if (v0.size() == reward.size())
    v = v0;
  else
    v.setZero();
  const ValueIterationResult vi = anderson_value_iteration(net, log_q, v, solver.value_tol, solver.max_sweeps, kMemory);
  if (converged) *converged = vi.converged;
  gibbs_stationary(net, log_q, v, p);
  return p;
}

Eigen::VectorXd family_prediction(RewardFamily family, int n, const Eigen::VectorXd& p_train,
                                  const SolverOptions& solver, bool* converged) {
  if (converged) *converged = true;
  const Eigen::VectorXd p = p_train / p_train.sum();
  if (family == RewardFamily::tabular) return p;
  const Eigen::VectorXd g = project_reward(family, n, closed_form_reward(n, p, 1.0), p);
  std::vector<double> q(std::size_t(n), 0.0);
  for (Eigen::Index s = 0; s < p.size(); ++s)
    for (int i = 0; i < n; ++i)
      if ((s >> i) & 1) q[std::size_t(i)] += p[s];
  // Warm start: the value of the tabular solution, v = lambda log(p / prod_i q_i(sigma_i))
  // (the Gibbs form inverted), close to the value of the projected reward.
  Eigen::VectorXd v0(p.size());
  for (Eigen::Index s = 0; s < p.size(); ++s) {
    double x = std::log(p[s]);
    for (int i = 0; i < n; ++i) x -= std::log((s >> i) & 1 ? q[std::size_t(i)] : 1.0 - q[std::size_t(i)]);
    v0[s] = x;
  }
  v0.array() -= v0[0];
  return operating_point_distribution(n, g, q, solver, converged, v0);
}

namespace {

void check_options(const Raster& raster, const ModelChoiceOptions& options) {
  if (options.folds < 2) fail("model choice: at least 2 folds are needed (got ", options.folds, ")");
  if (raster.steps < std::size_t(2 * options.folds))
    fail("model choice: ", raster.steps, " bins are too few for ", options.folds, " folds");
  if (!(options.pseudocount > 0.0)) fail("model choice: the pseudocount must be > 0");
}

}  // namespace

std::vector<std::size_t> fold_boundaries(std::size_t bins, int folds) {
  std::vector<std::size_t> out;
  for (int k = 0; k <= folds; ++k) out.push_back(bins * std::size_t(k) / std::size_t(folds));
  return out;
}

FoldScore score_fold(const Raster& raster, const ModelChoiceOptions& options, int fold, RewardFamily family) {
  check_options(raster, options);
  if (fold < 0 || fold >= options.folds) fail("model choice: fold ", fold, " out of range");
  const std::size_t S = std::size_t(1) << raster.n, T = raster.steps;
  const std::vector<std::size_t> bounds = fold_boundaries(T, options.folds);
  const std::size_t begin = bounds[std::size_t(fold)], end = bounds[std::size_t(fold) + 1];
  Eigen::VectorXd counts = Eigen::VectorXd::Constant(Eigen::Index(S), options.pseudocount);
  for (std::size_t t = 0; t < T; ++t)
    if (t < begin || t >= end) counts[Eigen::Index(raster.sigma(t))] += 1.0;
  FoldScore out;
  const Eigen::VectorXd p = family_prediction(family, raster.n, counts / counts.sum(), options.solver, &out.converged);
  for (std::size_t t = begin; t < end; ++t) out.log_likelihood += std::log(p[Eigen::Index(raster.sigma(t))]);
  return out;
}

ModelChoice assemble_model_choice(const Raster& raster, const ModelChoiceOptions& options,
                                  const std::vector<std::vector<FoldScore>>& scores) {
  check_options(raster, options);
  const int K = options.folds;
  const std::vector<RewardFamily>& families = all_reward_families();
  if (scores.size() != families.size()) fail("model choice: scores for ", scores.size(), " families");
  ModelChoice out;
  out.fold_begin = fold_boundaries(raster.steps, K);
  for (std::size_t f = 0; f < families.size(); ++f) {
    if (scores[f].size() != std::size_t(K)) fail("model choice: ", scores[f].size(), " folds scored, expected ", K);
    FamilyScore fs{families[f], {}, 0.0, true};
    for (int k = 0; k < K; ++k) {
      const FoldScore& s = scores[f][std::size_t(k)];
      fs.fold_log_likelihood.push_back(s.log_likelihood /
                                       double(out.fold_begin[std::size_t(k) + 1] - out.fold_begin[std::size_t(k)]));
      fs.log_likelihood += s.log_likelihood / double(raster.steps);
      fs.converged = fs.converged && s.converged;
    }
    out.scores.push_back(fs);
  }
  std::vector<std::size_t> order(out.scores.size());
  for (std::size_t f = 0; f < order.size(); ++f) order[f] = f;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return out.scores[a].log_likelihood > out.scores[b].log_likelihood; });
  out.best = order[0];
  out.margin = out.scores[order[0]].log_likelihood - out.scores[order[1]].log_likelihood;
  double mean = 0.0, sq = 0.0;
  for (int k = 0; k < K; ++k) {
    const double d = out.scores[order[0]].fold_log_likelihood[std::size_t(k)] -
                     out.scores[order[1]].fold_log_likelihood[std::size_t(k)];
    mean += d / K;
    sq += d * d;
  }
  out.margin_se = std::sqrt(std::max(0.0, (sq - K * mean * mean) / (K - 1)) / K);
  return out;
}

ModelChoice choose_reward_model(const Raster& raster, const ModelChoiceOptions& options) {
  check_options(raster, options);
  std::vector<std::vector<FoldScore>> scores;
  for (RewardFamily f : all_reward_families()) {
    scores.emplace_back();
    for (int k = 0; k < options.folds; ++k) scores.back().push_back(score_fold(raster, options, k, f));
  }
  return assemble_model_choice(raster, options, scores);
}

}  // namespace nirl
