// Pairwise family and its natural-gradient forward solver (docs/model.md section 5), checked
// against independent computations: finite differences of the exact F, the closed form of
// section 3a on the Gibbs distribution, the tabular forward solver, the verified ring
// numbers of section 8, and exact enumeration for the Gibbs-chain estimates.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "nirl/inverse/closed_form.hpp"
#include "nirl/core/forward_solver.hpp"
#include "nirl/core/input_chain.hpp"
#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/core/network.hpp"
#include "nirl/core/reward.hpp"

using namespace nirl;

namespace {

IsingParams random_params(int n, double scale, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, scale);
  IsingParams p = IsingParams::zero(n);
  for (int i = 0; i < n; ++i) p.h[i] = g(rng);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) p.J(i, j) = p.J(j, i) = g(rng);
  return p;
}

IsingReward ring_table(int n, int m) {
  IsingReward r;
  r.table = ring_reward(StateSpace(n, 1), m);
  return r;
}

double exact_F(const IsingFamily& family, const IsingReward& reward, const Eigen::VectorXd& theta, double lambda) {
  StateEnsemble e = StateEnsemble::enumeration(family.n());
  const IsingParams params = family.expand(theta);
  e.set_gibbs_weights(params);
  return evaluate_ising(params, e, reward, lambda).F;
}

}  // namespace

TEST(IsingFamily, ReduceIsTheAdjointOfExpand) {
  const int n = 7;
  for (const IsingFamily& f : {IsingFamily::untied(n), IsingFamily::ring_tied(n),
                               IsingFamily::ring_tied(n).without_couplings_beyond(2)}) {
    std::mt19937 rng(3);
    std::normal_distribution<double> g;
    Eigen::VectorXd theta(f.parameters());
    for (auto& t : theta) t = g(rng);
    const IsingParams gp = random_params(n, 1.0, 5);
    const IsingParams p = f.expand(theta);
    const double lhs = f.reduce(gp.h, gp.J).dot(theta);
    const double rhs = gp.h.dot(p.h) + 0.5 * (gp.J.cwiseProduct(p.J)).sum();
    EXPECT_NEAR(lhs, rhs, 1e-12);
  }
  EXPECT_EQ(IsingFamily::ring_tied(12).parameters(), 7);
  EXPECT_EQ(IsingFamily::untied(12).parameters(), 78);
  const IsingParams masked = IsingFamily::ring_tied(12).without_couplings_beyond(3).expand(Eigen::VectorXd::Ones(7));
  EXPECT_EQ(masked.J(0, 3), 1.0);
  EXPECT_EQ(masked.J(0, 4), 0.0);
  EXPECT_EQ(masked.J(0, 11), 1.0);
}

TEST(IsingForward, RThetaIsTheClosedFormOfTheGibbsDistribution) {
  const int n = 8;
  const IsingParams params = random_params(n, 0.7, 11);
  StateEnsemble e = StateEnsemble::enumeration(n);
  e.set_gibbs_weights(params);
  IsingReward zero;
  zero.table = Eigen::VectorXd::Zero(1 << n);
  const IsingEvaluation ev = evaluate_ising(params, e, zero, 0.9);
  const Eigen::VectorXd closed = closed_form_reward(n, e.weights(), 0.9);
  EXPECT_LT((ev.r_theta - closed).cwiseAbs().maxCoeff(), 1e-11);
  // F of the zero reward = -(lambda/n) sum_i I_i <= 0.
  EXPECT_LT(ev.F, 0.0);
}

TEST(IsingForward, GradientMatchesFiniteDifferences) {
  const int n = 8;
  const IsingReward reward = ring_table(n, 3);
  for (const IsingFamily& family : {IsingFamily::ring_tied(n), IsingFamily::untied(n)}) {
    std::mt19937 rng(7);
    std::normal_distribution<double> g(0.0, 0.4);
    Eigen::VectorXd theta(family.parameters());
    for (auto& t : theta) t = g(rng);
    StateEnsemble e = StateEnsemble::enumeration(n);
    const IsingParams params = family.expand(theta);
    e.set_gibbs_weights(params);
    const IsingEvaluation ev = evaluate_ising(params, e, reward, 0.7);
    const Eigen::VectorXd grad = feature_covariance(family, e, ev.residual);
    const double h = 1e-5;
    for (int k = 0; k < family.parameters(); k += std::max(1, family.parameters() / 9)) {
      Eigen::VectorXd up = theta, down = theta;
      up[k] += h;
      down[k] -= h;
      const double fd = (exact_F(family, reward, up, 0.7) - exact_F(family, reward, down, 0.7)) / (2 * h);
      EXPECT_NEAR(grad[k], fd, 1e-7) << "parameter " << k;
    }
    // The natural-gradient solve agrees with a dense solve of the Fisher system.
    Eigen::MatrixXd fisher(family.parameters(), family.parameters());
    for (int k = 0; k < family.parameters(); ++k)
      fisher.col(k) = fisher_vector(family, e, Eigen::VectorXd::Unit(family.parameters(), k));
    const Regression reg = regress_on_features(family, e, ev.residual, 0.0, 1000, 1e-12);
    EXPECT_TRUE(reg.converged);
    EXPECT_LT((fisher * reg.coefficients - grad).norm(), 1e-9 * grad.norm());
  }
}

// docs/model.md section 8: tied ring, n = 12, lambda = 1.3.
TEST(IsingForward, TiedRingOptimumAtLambda13) {
  const int n = 12;
  const IsingFamily family = IsingFamily::ring_tied(n);
  const IsingReward reward = ring_table(n, 4);
  IsingForwardOptions o;
  o.lambda = 1.3;
  const IsingForwardResult best = optimise_ising_multistart(family, reward, default_ring_starts(family), o);
  EXPECT_TRUE(best.converged) << best.status;
  EXPECT_NEAR(best.F, 0.177, 0.005);
  EXPECT_NEAR(best.mean_reward, 0.977, 0.005);
  const double J_ref[6] = {1.04, 0.24, 0.21, -2.30, -0.76, -0.40};
  EXPECT_NEAR(best.theta[0], -4.40, 0.05);
  for (int d = 1; d <= 6; ++d) {
    EXPECT_NEAR(best.theta[d], J_ref[d - 1], 0.05) << "d = " << d;
    if (d <= 3) EXPECT_GT(best.theta[d], 0.0);
    else EXPECT_LT(best.theta[d], 0.0);
  }
  // The family is a restriction of the tabular problem: its F cannot beat the tabular optimum.
  const Network net = make_network(n, no_input(), reward.table, 1.3, {});
  const Solution tab = optimise(net);
  EXPECT_LE(best.F, tab.L + 1e-9);
}

// docs/model.md section 8: lambda = 0.5, the tied optimum is the frozen mixture of the 12
// rewarded states, F -> 0.6817 (the tabular optimum) from a ring-shaped start.
TEST(IsingForward, RingStartReachesTheTabularOptimumAtLambda05) {
  const int n = 12;
  const IsingFamily family = IsingFamily::ring_tied(n);
  const IsingReward reward = ring_table(n, 4);
  IsingForwardOptions o;
  o.lambda = 0.5;
  o.max_iterations = 25;  // F approaches its supremum as J -> infinity (docs/model.md 5, freezing)
  const IsingForwardResult ring = optimise_ising(family, reward, ring_start(family, 1.0, -1.0), o);
  // 0.6817 = 1 - 0.5 H(1/3): the tabular optimum (docs/model.md section 8).
  EXPECT_NEAR(ring.F, 1.0 - 0.5 * (std::log(3.0) - 2.0 / 3.0 * std::log(2.0)), 5e-3);
  EXPECT_LE(ring.F, 0.6817 + 1e-4);
}

TEST(IsingForward, GibbsChainsMatchEnumeration) {
  const int n = 10;
  const IsingParams params = random_params(n, 0.3, 21);
  StateEnsemble exact = StateEnsemble::enumeration(n);
  exact.set_gibbs_weights(params);
  const IsingReward reward = ring_table(n, 3);
  const IsingEvaluation ev_exact = evaluate_ising(params, exact, reward, 1.0);
  const int chains = 16, samples = 2000;
  GibbsChains gc(n, chains, 5, 0);
  const Eigen::MatrixXd S = gc.sample(params, 100, samples, 1);
  const StateEnsemble sampled = StateEnsemble::from_states(S, Eigen::VectorXd::Ones(S.rows()));
  const IsingEvaluation ev = evaluate_ising(params, sampled, reward, 1.0);
  // Batch means over chains give the Monte-Carlo error of each estimate.
  auto chain_se = [&](const Eigen::VectorXd& u) {
    Eigen::VectorXd m(chains);
    for (int c = 0; c < chains; ++c) m[c] = u.segment(c * samples, samples).mean();
    return std::sqrt((m.array() - m.mean()).square().sum() / (chains - 1) / chains);
  };
  for (int i = 0; i < n; ++i)
    EXPECT_NEAR(ev.magnetisation[i], ev_exact.magnetisation[i], 5 * chain_se(S.col(i)) + 1e-12) << i;
  EXPECT_NEAR(ev.F, ev_exact.F, 5 * chain_se(ev.residual));
  // Deterministic: the same seed gives the same samples.
  GibbsChains again(n, chains, 5, 0);
  EXPECT_EQ((again.sample(params, 100, samples, 1) - S).norm(), 0.0);
}
