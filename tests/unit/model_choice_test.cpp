// Reward families and held-out model choice: projections against their definitions, the
// tabular prediction against a forward solve of the closed-form reward, and the synthetic
// check of the choice: data simulated from a reward of each family (tabular, pairwise,
// global) are attributed to that family by the held-out log-likelihood.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "nirl/inverse/closed_form.hpp"
#include "nirl/core/forward_solver.hpp"
#include "nirl/core/input_chain.hpp"
#include "nirl/pairwise/model_choice.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/pairwise/reward_family.hpp"
#include "nirl/sample/sampler.hpp"
#include "nirl/core/soft_bellman.hpp"
#include "nirl/core/stationary.hpp"

using namespace nirl;

namespace {

Eigen::VectorXd random_normal(int size, double scale, std::uint64_t stream) {
  const RandomStream rng(99, stream);
  Eigen::VectorXd out(size);
  for (int k = 0; k < size; ++k) {  // Box-Muller
    const auto w = rng.words(std::uint64_t(k));
    const double u1 = 1.0 - RandomStream::uniform(w[0]), u2 = RandomStream::uniform(w[1]);
    out[k] = scale * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  return out;
}

// Simulated recording (asynchronous dynamics, docs/model.md 2) of the optimal network for `reward`
// at the operating point q_i(+1) = 0.3. Without input the global optimum of any asymmetric
// reward is frozen (a single state: E[r] = max r at zero coding cost), so the full
// alternation from q = 0.5 freezes; a fixed operating point keeps the network alive, and
// the closed form plus the operating-point forward solve invert it exactly (the q mismatch
// adds the field term (lambda/n) sum_i log(q_i / m_i), which every family contains).
Raster simulate_reward(int n, const Eigen::VectorXd& reward, double lambda, std::size_t steps, std::uint64_t seed) {
  const Network net = make_network(n, no_input(), reward, lambda, {});
  const LogMarginals q = LogMarginals::from_probabilities(net, std::vector<double>(std::size_t(n), 0.3));
  Eigen::VectorXd v = Eigen::VectorXd::Zero(reward.size()), scratch, w, p;
  EXPECT_TRUE(relative_value_iteration(net, q, v, 1e-12, 1000000, scratch, w).converged);
  gibbs_stationary(net, q, v, p);
  return simulate(net, v, q, p, steps, seed, 0);
}

}  // namespace

TEST(RewardFamily, ProjectionKeepsMembersAndIsWeightedLeastSquares) {
  const int n = 5;
  const Eigen::VectorXd a = random_normal(n, 1.0, 1);
  const Eigen::MatrixXd b = Eigen::Map<const Eigen::MatrixXd>(random_normal(n * n, 1.0, 2).data(), n, n);
  const Eigen::VectorXd w = random_normal(32, 1.0, 3).array().exp();
  const Eigen::VectorXd pair = pairwise_reward(n, a, b);
  Eigen::VectorXd f(n + 1);
  f << 0.3, -1, 2, 0.5, 0, 1;
  const Eigen::VectorXd glob = global_reward(n, f);
  // Members are their own projections (up to rounding); global is not pairwise.
  EXPECT_LT((project_reward(RewardFamily::pairwise, n, pair, w) - pair).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_LT((project_reward(RewardFamily::global, n, glob, w) - glob).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_GT((project_reward(RewardFamily::pairwise, n, glob, w) - glob).cwiseAbs().maxCoeff(), 0.1);
  // The residual of a projection is w-orthogonal to every member of the family (normal equations).
  const Eigen::VectorXd r = random_normal(32, 1.0, 4);
  const Eigen::VectorXd res = r - project_reward(RewardFamily::pairwise, n, r, w);
  for (std::uint64_t k = 0; k < 5; ++k) {
    const Eigen::VectorXd member = pairwise_reward(n, random_normal(n, 1.0, 10 + k),
                                                   Eigen::Map<const Eigen::MatrixXd>(random_normal(n * n, 1.0, 20 + k).data(), n, n));
    EXPECT_NEAR(res.dot(w.cwiseProduct(member)), 0.0, 1e-9);
    EXPECT_NEAR(res.dot(w), 0.0, 1e-9);  // the constant
  }
  const Eigen::VectorXd gres = r - project_reward(RewardFamily::global, n, r, w);
  for (int k = 0; k <= n; ++k) {
    Eigen::VectorXd indicator = Eigen::VectorXd::Zero(n + 1);
    indicator[k] = 1;
    EXPECT_NEAR(gres.dot(w.cwiseProduct(global_reward(n, indicator))), 0.0, 1e-12);
  }
  EXPECT_EQ(project_reward(RewardFamily::tabular, n, r, w), r);
}

// Beyond exact enumeration (n > 20): a pairwise member with random positive weights is its own
// projection; rounding grows with the 2^n-term transforms of entries of size ~10.
TEST(RewardFamily, PairwiseProjectionBeyondTwentyNeurons) {
  const int n = 21;
  const Eigen::VectorXd a = random_normal(n, 1.0, 31);
  const Eigen::MatrixXd b = Eigen::Map<const Eigen::MatrixXd>(random_normal(n * n, 0.3, 32).data(), n, n);
  const Eigen::VectorXd pair = pairwise_reward(n, a, b);
  const Eigen::VectorXd w = random_normal(1 << n, 1.0, 33).array().exp();
  EXPECT_LT((project_reward(RewardFamily::pairwise, n, pair, w) - pair).cwiseAbs().maxCoeff(), 1e-7);
}

// The tabular prediction is p_train itself: the optimal dynamics for the closed-form reward
// of p, at p's own marginals, have stationary distribution p (an independent forward solve).
TEST(ModelChoice, TabularPredictionIsTheHistogram) {
  const int n = 5;
  const Eigen::VectorXd p = random_normal(32, 1.0, 7).array().exp();
  const Eigen::VectorXd pn = p / p.sum();
  std::vector<double> q(n, 0.0);
  for (int s = 0; s < 32; ++s)
    for (int i = 0; i < n; ++i)
      if ((s >> i) & 1) q[std::size_t(i)] += pn[s];
  bool converged = false;
  SolverOptions tight;
  const Eigen::VectorXd solved = operating_point_distribution(n, closed_form_reward(n, pn, 1.0), q, tight, &converged);
  EXPECT_TRUE(converged);
  EXPECT_LT((solved - pn).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_LT((family_prediction(RewardFamily::tabular, n, p, tight) - pn).cwiseAbs().maxCoeff(), 1e-15);
}

TEST(ModelChoice, HeldOutChoicePicksTheTrueFamily) {
  const int n = 8;
  const double lambda = 6.0;  // spread-out networks: a few hundred of the 256 states visited
  const std::size_t steps = 60000;
  // tabular: three rewarded patterns (not pairwise, not a function of the count);
  Eigen::VectorXd tab = Eigen::VectorXd::Zero(256);
  const double ts = 4.0;
  tab[0b00101101] = ts;
  tab[0b11010010] = ts;
  tab[0b01100001] = 0.7 * ts;
  // pairwise: random fields and couplings;
  const double ps = 0.5;
  const Eigen::VectorXd pair = pairwise_reward(n, random_normal(n, 0.2 * ps, 30),
                                               Eigen::Map<const Eigen::MatrixXd>(random_normal(n * n, 0.3 * ps, 31).data(), n, n));
  // global: a function of the count that is not quadratic.
  Eigen::VectorXd f = Eigen::VectorXd::Zero(n + 1);
  f[2] = 1.0;
  f[5] = 0.8;
  const Eigen::VectorXd glob = global_reward(n, f);

  const std::vector<std::pair<RewardFamily, Eigen::VectorXd>> truths = {
      {RewardFamily::tabular, tab}, {RewardFamily::pairwise, pair}, {RewardFamily::global, glob}};
  for (std::size_t k = 0; k < truths.size(); ++k) {
    const Raster raster = simulate_reward(n, truths[k].second, lambda, steps, 40 + k);
    const ModelChoice choice = choose_reward_model(raster);
    std::printf("true %-8s:", family_name(truths[k].first).c_str());
    for (const FamilyScore& s : choice.scores)
      std::printf("  %s %.5f%s", family_name(s.family).c_str(), s.log_likelihood, s.converged ? "" : " (not converged)");
    std::printf("  -> %s by %.5f +- %.5f nats/bin\n", family_name(choice.scores[choice.best].family).c_str(),
                choice.margin, choice.margin_se);
    EXPECT_EQ(choice.scores[choice.best].family, truths[k].first);
    EXPECT_GT(choice.margin, 2.0 * choice.margin_se);
    for (const FamilyScore& s : choice.scores) EXPECT_TRUE(s.converged);
  }
}

// On the exact distribution of a network whose reward is in a family, that family's prediction
// returns the distribution (the projection of the exact closed form is exact), with any
// positive weights; a family that does not hold the reward does not.
TEST(ModelChoice, ExactDistributionIsReproducedByItsFamily) {
  const int n = 6;
  const double lambda = 4.0;
  const Eigen::VectorXd pair = pairwise_reward(n, random_normal(n, 0.2, 30),
                                               Eigen::Map<const Eigen::MatrixXd>(random_normal(n * n, 0.3, 31).data(), n, n));
  const Network net = make_network(n, no_input(), pair, lambda, {});
  const LogMarginals q = LogMarginals::from_probabilities(net, std::vector<double>(std::size_t(n), 0.3));
  Eigen::VectorXd v = Eigen::VectorXd::Zero(pair.size()), scratch, w, p;
  ASSERT_TRUE(relative_value_iteration(net, q, v, 1e-13, 1000000, scratch, w).converged);
  gibbs_stationary(net, q, v, p);
  SolverOptions tight;
  tight.value_tol = 1e-13;
  bool converged = false;
  const Eigen::VectorXd pred = family_prediction(RewardFamily::pairwise, n, p, tight, &converged);
  EXPECT_TRUE(converged);
  EXPECT_LT((pred - p).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_GT((family_prediction(RewardFamily::global, n, p, tight) - p).cwiseAbs().maxCoeff(), 1e-3);
}
