#include "nirl/model_choice.hpp"

#include <algorithm>
#include <cmath>

#include "nirl/error.hpp"
#include "nirl/input_chain.hpp"
#include "nirl/network.hpp"
#include "nirl/policy.hpp"
#include "nirl/soft_bellman.hpp"
#include "nirl/stationary.hpp"

namespace nirl {

Eigen::VectorXd operating_point_distribution(int n, const Eigen::VectorXd& reward, const std::vector<double>& q,
                                             const SolverOptions& solver, bool* converged, const Eigen::VectorXd& v0) {
  const double lambda = 1.0;
  const Network net = make_network(n, no_input(), reward, lambda, {});
  std::vector<double> clamped(q);
  for (double& x : clamped) x = std::min(std::max(x, 1e-12), 1.0 - 1e-12);
  const LogMarginals log_q = LogMarginals::from_probabilities(net, clamped);
  Eigen::VectorXd v = v0.size() == reward.size() ? v0 : Eigen::VectorXd::Zero(reward.size()), scratch, w, p;
  const ValueIterationResult vi = relative_value_iteration(net, log_q, v, solver.value_tol, solver.max_sweeps, scratch, w);
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

ModelChoice choose_reward_model(const Raster& raster, const ModelChoiceOptions& options) {
  const int K = options.folds;
  if (K < 2) fail("model choice: at least 2 folds are needed (got ", K, ")");
  if (raster.steps < std::size_t(2 * K)) fail("model choice: ", raster.steps, " bins are too few for ", K, " folds");
  if (!(options.pseudocount > 0.0)) fail("model choice: the pseudocount must be > 0");
  const int n = raster.n;
  const std::size_t S = std::size_t(1) << n, T = raster.steps;
  std::vector<std::uint64_t> sigma(T);
  for (std::size_t t = 0; t < T; ++t) sigma[t] = raster.sigma(t);

  ModelChoice out;
  for (int k = 0; k <= K; ++k) out.fold_begin.push_back(T * std::size_t(k) / std::size_t(K));
  for (RewardFamily f : all_reward_families()) out.scores.push_back({f, {}, 0.0, true});
  std::vector<double> total(out.scores.size(), 0.0);
  for (int k = 0; k < K; ++k) {
    const std::size_t begin = out.fold_begin[std::size_t(k)], end = out.fold_begin[std::size_t(k) + 1];
    Eigen::VectorXd counts = Eigen::VectorXd::Constant(Eigen::Index(S), options.pseudocount);
    for (std::size_t t = 0; t < T; ++t)
      if (t < begin || t >= end) counts[Eigen::Index(sigma[t])] += 1.0;
    const Eigen::VectorXd p_train = counts / counts.sum();
    for (std::size_t f = 0; f < out.scores.size(); ++f) {
      bool converged = true;
      const Eigen::VectorXd p = family_prediction(out.scores[f].family, n, p_train, options.solver, &converged);
      out.scores[f].converged = out.scores[f].converged && converged;
      double sum = 0.0;
      for (std::size_t t = begin; t < end; ++t) sum += std::log(p[Eigen::Index(sigma[t])]);
      out.scores[f].fold_log_likelihood.push_back(sum / double(end - begin));
      total[f] += sum;
    }
  }
  for (std::size_t f = 0; f < out.scores.size(); ++f) out.scores[f].log_likelihood = total[f] / double(T);
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

}  // namespace nirl
