// Closed-form inverse RL (docs/model.md section 3a): exact recovery on a solved network
// (section 8), invariances that follow from the formula, and the state histogram.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <random>

#include "nirl/inverse/closed_form.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/forward_solver.hpp"
#include "test_networks.hpp"

using namespace nirl;

namespace {

struct LineFit {
  double slope, intercept, r2;
};

// Least squares y = slope * x + intercept.
LineFit fit_line(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
  const Eigen::VectorXd dx = x.array() - x.mean(), dy = y.array() - y.mean();
  const double slope = dx.dot(dy) / dx.squaredNorm();
  const double intercept = y.mean() - slope * x.mean();
  const double residual = (y.array() - slope * x.array() - intercept).matrix().squaredNorm();
  return {slope, intercept, 1.0 - residual / dy.squaredNorm()};
}

Eigen::VectorXd random_distribution(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.01, 1.0);
  Eigen::VectorXd p(Eigen::Index(1) << n);
  for (Eigen::Index s = 0; s < p.size(); ++s) p[s] = u(rng);
  return p / p.sum();
}

}  // namespace

TEST(ClosedForm, RecoversTwoOfSixRewardExactly) {
  const Network net = nirl::testing::two_of_six(0.2);
  const Solution sol = optimise(net);
  ASSERT_TRUE(sol.converged);
  const Eigen::VectorXd r_hat = closed_form_reward(6, sol.stationary, 0.2);
  const LineFit fit = fit_line(r_hat, net.reward);  // r_true = a r_hat + b
  EXPECT_GT(fit.r2, 0.999999);
  EXPECT_NEAR(fit.slope, 1.0, 1e-6);
  EXPECT_NEAR(fit.intercept, sol.L, 1e-6);
}

TEST(ClosedForm, ProductDistributionGivesZeroReward) {
  // p(sigma_i | sigma_/i) = p(sigma_i) for independent neurons: every log ratio is 0.
  const std::vector<double> on = {0.1, 0.3, 0.5, 0.7, 0.95};
  const int n = int(on.size());
  Eigen::VectorXd p(Eigen::Index(1) << n);
  for (Eigen::Index s = 0; s < p.size(); ++s) {
    p[s] = 1.0;
    for (int i = 0; i < n; ++i) p[s] *= (s >> i) & 1 ? on[std::size_t(i)] : 1.0 - on[std::size_t(i)];
  }
  const Eigen::VectorXd r = closed_form_reward(n, p, 0.7);
  EXPECT_LT(r.cwiseAbs().maxCoeff(), 1e-12);
}

TEST(ClosedForm, ScaleOfPIrrelevantAndLinearInLambda) {
  const Eigen::VectorXd p = random_distribution(5, 3);
  const Eigen::VectorXd r = closed_form_reward(5, p, 0.5);
  EXPECT_LT((closed_form_reward(5, 7.0 * p, 0.5) - r).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((closed_form_reward(5, p, 1.5) - 3.0 * r).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_GT(r.maxCoeff() - r.minCoeff(), 0.01);  // a generic p is not a product
}

TEST(ClosedForm, IndependentOfThreadCount) {
  const Eigen::VectorXd p = random_distribution(13, 5);  // 8192 states: the parallel path
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const Eigen::VectorXd one = closed_form_reward(13, p, 1.0);
  omp_set_num_threads(4);
  const Eigen::VectorXd four = closed_form_reward(13, p, 1.0);
  omp_set_num_threads(threads);
  EXPECT_EQ(one, four);
}

TEST(ClosedForm, RejectsBadDistributions) {
  Eigen::VectorXd p = Eigen::VectorXd::Constant(8, 0.125);
  EXPECT_THROW(closed_form_reward(3, Eigen::VectorXd::Constant(7, 0.125), 1.0), Error);
  EXPECT_THROW(closed_form_reward(3, p, 0.0), Error);
  p[5] = 0.0;
  try {
    closed_form_reward(3, p, 1.0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("p(sigma = 5) = 0"), std::string::npos) << e.what();
  }
}

TEST(ClosedForm, HistogramMatchesHandCounts) {
  Raster raster;  // n = 2, sigma sequence 1, 1, 3, 0
  raster.n = 2;
  raster.steps = 4;
  raster.spikes = {1, 0, 1, 0, 1, 1, 0, 0};
  const Eigen::VectorXd p = state_histogram(raster);  // (count + 0.5) / (4 + 0.5 * 4)
  EXPECT_DOUBLE_EQ(p.sum(), 1.0);
  EXPECT_DOUBLE_EQ(p[0], 1.5 / 6);
  EXPECT_DOUBLE_EQ(p[1], 2.5 / 6);
  EXPECT_DOUBLE_EQ(p[2], 0.5 / 6);
  EXPECT_DOUBLE_EQ(p[3], 1.5 / 6);
  const Eigen::VectorXd freq = state_histogram(raster, 0.0);
  EXPECT_EQ(freq, (Eigen::Vector4d(0.25, 0.5, 0.0, 0.25)));
  EXPECT_THROW(state_histogram(raster, -1.0), Error);
}
