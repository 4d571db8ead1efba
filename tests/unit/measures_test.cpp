// Checks of the section 7 measures against facts that do not use the implementation:
// exact affine relations (r2 = 1), hand-computed least-squares fits, a perturbation bound
// for a tiny-weight state, the two-state KL formula, and a hand-made count distribution.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "nirl/core/error.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/core/state_space.hpp"

using namespace nirl;

namespace {

Eigen::VectorXd uniform_vector(std::mt19937_64& rng, Eigen::Index size, double lo, double hi) {
  std::uniform_real_distribution<double> u(lo, hi);
  Eigen::VectorXd v(size);
  for (Eigen::Index s = 0; s < size; ++s) v[s] = u(rng);
  return v;
}

// Adds g(x) to every state with input x.
Eigen::VectorXd plus_function_of_input(const StateSpace& space, Eigen::VectorXd r, const std::vector<double>& g) {
  for (std::size_t s = 0; s < space.size; ++s) r[Eigen::Index(s)] += g[std::size_t(space.input_of(s))];
  return r;
}

}  // namespace

TEST(Measures, AffineRewardGivesR2One) {
  const StateSpace space(3, 3);
  std::mt19937_64 rng(1);
  const Eigen::VectorXd r_true = uniform_vector(rng, Eigen::Index(space.size), -2.0, 2.0);
  const Eigen::VectorXd p = uniform_vector(rng, Eigen::Index(space.size), 0.01, 1.0);
  const std::vector<double> g = {3.0, -7.5, 0.25};
  // r_hat = 2.5 r_true + g(x)  <=>  r_true = 0.4 r_hat - 0.4 g(x).
  const Eigen::VectorXd r_hat = plus_function_of_input(space, 2.5 * r_true, g);
  for (const bool weighted : {false, true}) {
    const AlignedFit fit = aligned_r2(space, r_true, r_hat, p, 1e-6, weighted);
    EXPECT_NEAR(fit.r2, 1.0, 1e-12) << "weighted = " << weighted;
    EXPECT_NEAR(fit.scale, 0.4, 1e-12);
    ASSERT_EQ(fit.offset.size(), 3u);
    for (std::size_t x = 0; x < 3; ++x) EXPECT_NEAR(fit.offset[x], -0.4 * g[x], 1e-12);
    EXPECT_EQ(fit.states, space.size);
  }
}

TEST(Measures, R2InvariantToAddingFunctionOfInput) {
  const StateSpace space(3, 4);
  std::mt19937_64 rng(2);
  const Eigen::Index S = Eigen::Index(space.size);
  const Eigen::VectorXd r_true = uniform_vector(rng, S, -1.0, 1.0);
  const Eigen::VectorXd r_hat = r_true + uniform_vector(rng, S, -0.5, 0.5);
  const Eigen::VectorXd p = uniform_vector(rng, S, 0.0, 1.0);
  const std::vector<double> g = {10.0, -3.0, 0.7, 42.0};
  for (const bool weighted : {false, true}) {
    const double r2 = aligned_r2(space, r_true, r_hat, p, 1e-6, weighted).r2;
    EXPECT_GT(r2, 0.0);
    EXPECT_LT(r2, 1.0);
    EXPECT_NEAR(aligned_r2(space, plus_function_of_input(space, r_true, g), r_hat, p, 1e-6, weighted).r2, r2,
                1e-12);
    EXPECT_NEAR(aligned_r2(space, r_true, plus_function_of_input(space, r_hat, g), p, 1e-6, weighted).r2, r2,
                1e-12);
  }
}

// nx = 1, four states. r_true = (0, 1, 2, 3), r_hat = (1, 0, 3, 2).
// Unweighted: means 1.5, 1.5; sum dh dt = 3, sum dh^2 = 5, sum dt^2 = 5, so a = 0.6,
//   b = 1.5 - 0.6 * 1.5 = 0.6, residuals (-1.2, 0.4, -0.4, 1.2), r2 = 1 - 3.2 / 5 = 0.36.
// Weighted by (0.1, 0.2, 0.3, 0.4): means 2, 1.8; sum w dh dt = 0.6, sum w dh^2 = 1.16,
//   sum w dt^2 = 1, so a = 15/29, b = 2 - (15/29) 1.8 = 31/29, r2 = 0.36 / 1.16 = 9/29.
TEST(Measures, R2MatchesHandComputation) {
  const StateSpace space(2, 1);
  const Eigen::Vector4d r_true(0.0, 1.0, 2.0, 3.0), r_hat(1.0, 0.0, 3.0, 2.0), p(0.1, 0.2, 0.3, 0.4);
  const AlignedFit fit = aligned_r2(space, r_true, r_hat, p);
  EXPECT_NEAR(fit.r2, 0.36, 1e-12);
  EXPECT_NEAR(fit.scale, 0.6, 1e-12);
  EXPECT_NEAR(fit.offset[0], 0.6, 1e-12);
  EXPECT_EQ(fit.states, 4u);
  const AlignedFit wfit = aligned_r2(space, r_true, r_hat, p, 1e-6, true);
  EXPECT_NEAR(wfit.r2, 9.0 / 29.0, 1e-12);
  EXPECT_NEAR(wfit.scale, 15.0 / 29.0, 1e-12);
  EXPECT_NEAR(wfit.offset[0], 31.0 / 29.0, 1e-12);
}

// n = 1, nx = 2: states (sigma, x) = (0,0), (1,0), (0,1), (1,1).
// r_true = (0, 2 | 1, 5), r_hat = (1, 2 | 0, 4). Per-x means: true (1, 3), hat (1.5, 2);
// centred dt = (-1, 1 | -2, 2), dh = (-0.5, 0.5 | -2, 2); sum dh dt = 9, sum dh^2 = 8.5,
// sum dt^2 = 10, so a = 18/17, r2 = 81/85, b = (1 - (18/17) 1.5, 3 - (18/17) 2) = (-10/17, 15/17).
TEST(Measures, R2HandComputationRemovesPerInputMeans) {
  const StateSpace space(1, 2);
  const Eigen::Vector4d r_true(0.0, 2.0, 1.0, 5.0), r_hat(1.0, 2.0, 0.0, 4.0), p(0.25, 0.25, 0.25, 0.25);
  const AlignedFit fit = aligned_r2(space, r_true, r_hat, p);
  EXPECT_NEAR(fit.r2, 81.0 / 85.0, 1e-12);
  EXPECT_NEAR(fit.scale, 18.0 / 17.0, 1e-12);
  EXPECT_NEAR(fit.offset[0], -10.0 / 17.0, 1e-12);
  EXPECT_NEAR(fit.offset[1], 15.0 / 17.0, 1e-12);
  // Uniform weights: the weighted fit is the same.
  EXPECT_NEAR(aligned_r2(space, r_true, r_hat, p, 1e-6, true).r2, 81.0 / 85.0, 1e-12);
}

// The hand case of R2MatchesHandComputation embedded in n = 3 (states 0..3), with the other
// four states below the threshold and a wildly wrong r_hat there: r2 must not change.
TEST(Measures, ThresholdExcludesStates) {
  const StateSpace space(3, 1);
  Eigen::VectorXd r_true(8), r_hat(8), p(8);
  r_true << 0.0, 1.0, 2.0, 3.0, 5.0, -5.0, 5.0, -5.0;
  r_hat << 1.0, 0.0, 3.0, 2.0, 1e6, -1e6, 1e6, 1e6;
  p << 0.1, 0.2, 0.3, 0.4, 1e-9, 1e-9, 0.0, 1e-6;  // 1e-6 is not > 1e-6
  for (const bool weighted : {false, true}) {
    const AlignedFit fit = aligned_r2(space, r_true, r_hat, p, 1e-6, weighted);
    EXPECT_NEAR(fit.r2, weighted ? 9.0 / 29.0 : 0.36, 1e-12);
    EXPECT_EQ(fit.states, 4u);
  }
  // With a lower threshold the wrong states count and r2 collapses.
  EXPECT_LT(aligned_r2(space, r_true, r_hat, p, 1e-12).r2, 0.2);  // 0.093
  EXPECT_EQ(aligned_r2(space, r_true, r_hat, p, 1e-12).states, 7u);
}

// Adding a state of weight eps to an x-group of weight W with means m adds the rank-one term
// c d d^T (c = W eps / (W + eps) <= eps, d = (r_true, r_hat) - m) to the centred sums.
// With dx = c dh^2 / S_hh and dy = c dt^2 / S_tt the correlation moves by at most dx + dy,
// so r2 = correlation^2 moves by at most 2 eps (dh^2 / S_hh + dt^2 / S_tt).
TEST(Measures, TinyWeightBarelyChangesWeightedR2) {
  const StateSpace space(3, 1);
  Eigen::VectorXd r_true(8), r_hat(8), p(8);
  r_true << 0.0, 1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0;
  r_hat << 1.0, 0.0, 3.0, 2.0, 100.0, 0.0, 0.0, 0.0;
  p << 0.1, 0.2, 0.3, 0.4, 0.0, 0.0, 0.0, 0.0;
  const double base = aligned_r2(space, r_true, r_hat, p, 0.0, true).r2;
  EXPECT_NEAR(base, 9.0 / 29.0, 1e-12);
  const double eps = 1e-8;
  p[4] = eps;
  const AlignedFit fit = aligned_r2(space, r_true, r_hat, p, 0.0, true);
  EXPECT_EQ(fit.states, 5u);
  // Base (hand case): means (2, 1.8), S_hh = 1.16, S_tt = 1; the new state has d = (-2, 98.2).
  const double bound = 2.0 * eps * (98.2 * 98.2 / 1.16 + 4.0 / 1.0);
  EXPECT_NE(fit.r2, base);
  EXPECT_LE(std::fabs(fit.r2 - base), bound);
}

TEST(Measures, KLIdenticalIsZero) {
  std::mt19937_64 rng(3);
  const Eigen::VectorXd p = uniform_vector(rng, 32, 0.0, 1.0);
  EXPECT_EQ(kl_divergence(p, p), 0.0);
  EXPECT_NEAR(kl_divergence(p, 3.0 * p), 0.0, 1e-14);  // normalisation
}

// KL((a, 1-a) || (b, 1-b)) = a log(a/b) + (1-a) log((1-a)/(1-b)); given unnormalised.
TEST(Measures, KLTwoStateMatchesFormula) {
  const Eigen::Vector2d p(1.0, 3.0), q(2.0, 2.0);  // (0.25, 0.75) || (0.5, 0.5)
  EXPECT_NEAR(kl_divergence(p, q), 0.25 * std::log(0.5) + 0.75 * std::log(1.5), 1e-15);
  EXPECT_NEAR(kl_divergence(q, p), 0.5 * std::log(2.0) + 0.5 * std::log(2.0 / 3.0), 1e-15);
  // p = 0 terms contribute 0.
  EXPECT_NEAR(kl_divergence(Eigen::Vector2d(1.0, 0.0), q), std::log(2.0), 1e-15);
}

TEST(Measures, KLInfiniteWhereQVanishes) {
  const double kl = kl_divergence(Eigen::Vector3d(0.2, 0.3, 0.5), Eigen::Vector3d(0.5, 0.5, 0.0));
  EXPECT_TRUE(std::isinf(kl));
  EXPECT_GT(kl, 0.0);
}

TEST(Measures, KLNonNegativeOnRandomPairs) {
  std::mt19937_64 rng(4);
  for (int trial = 0; trial < 200; ++trial) {
    const Eigen::VectorXd p = uniform_vector(rng, 16, 0.0, 1.0);
    const Eigen::VectorXd q = uniform_vector(rng, 16, 0.0, 1.0);
    EXPECT_GE(kl_divergence(p, q), 0.0);
  }
}

TEST(Measures, KLRejectsBadInput) {
  EXPECT_THROW(kl_divergence(Eigen::Vector2d(1.0, 1.0), Eigen::Vector3d(1.0, 1.0, 1.0)), Error);
  EXPECT_THROW(kl_divergence(Eigen::Vector2d(-0.1, 1.1), Eigen::Vector2d(0.5, 0.5)), Error);
  EXPECT_THROW(kl_divergence(Eigen::Vector2d(0.5, 0.5), Eigen::Vector2d(1.1, -0.1)), Error);
  EXPECT_THROW(kl_divergence(Eigen::Vector2d(0.0, 0.0), Eigen::Vector2d(0.5, 0.5)), Error);
  EXPECT_THROW(kl_divergence(Eigen::Vector2d(std::numeric_limits<double>::quiet_NaN(), 1.0),
                             Eigen::Vector2d(0.5, 0.5)),
               Error);
}

// n = 2, nx = 2; sigma = 0, 1, 2, 3 has spike count 0, 1, 1, 2.
// x = 0: p = (0.1, 0.05, 0.15, 0.2), p(x) = 0.5 -> (0.2, 0.4, 0.4).
// x = 1: p = (0, 0.3, 0.1, 0.1),     p(x) = 0.5 -> (0, 0.8, 0.2).
TEST(Measures, CountDistributionByHand) {
  const StateSpace space(2, 2);
  Eigen::VectorXd p(8);
  p << 0.1, 0.05, 0.15, 0.2, 0.0, 0.3, 0.1, 0.1;
  const Eigen::MatrixXd c = count_distribution(space, p);
  ASSERT_EQ(c.rows(), 2);
  ASSERT_EQ(c.cols(), 3);
  Eigen::MatrixXd expected(2, 3);
  expected << 0.2, 0.4, 0.4, 0.0, 0.8, 0.2;
  EXPECT_LT((c - expected).cwiseAbs().maxCoeff(), 1e-15);
  // An input state with no mass gives a zero row; unnormalised p gives the same conditionals.
  p.tail(4).setZero();
  const Eigen::MatrixXd c0 = count_distribution(space, 7.0 * p);
  EXPECT_LT((c0.row(0) - expected.row(0)).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_EQ(c0.row(1).cwiseAbs().maxCoeff(), 0.0);
}

TEST(Measures, RejectsBadInput) {
  const StateSpace space(2, 2);
  const Eigen::VectorXd ok = Eigen::VectorXd::LinSpaced(8, 0.1, 0.8);
  const Eigen::VectorXd short_v = Eigen::VectorXd::Ones(7);
  EXPECT_THROW(aligned_r2(space, short_v, ok, ok), Error);
  EXPECT_THROW(aligned_r2(space, ok, short_v, ok), Error);
  EXPECT_THROW(aligned_r2(space, ok, ok, short_v), Error);
  EXPECT_THROW(count_distribution(space, short_v), Error);
  // Fewer than 2 states above the threshold.
  Eigen::VectorXd p = Eigen::VectorXd::Zero(8);
  p[3] = 1.0;
  EXPECT_THROW(aligned_r2(space, ok, ok, p), Error);
  // Negative probability or threshold.
  EXPECT_THROW(aligned_r2(space, ok, ok, -ok), Error);
  EXPECT_THROW(aligned_r2(space, ok, ok, ok, -1.0), Error);
  EXPECT_THROW(count_distribution(space, -ok), Error);
  // r_true constant within every x (but different across x): zero denominator.
  Eigen::VectorXd r_true(8);
  r_true << 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0;
  EXPECT_THROW(aligned_r2(space, r_true, ok, ok), Error);
  EXPECT_THROW(aligned_r2(space, r_true, ok, ok, 1e-6, true), Error);
}
