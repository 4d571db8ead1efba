// Forward solver checks against docs/model.md sections 2 and 8.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/stationary.hpp"
#include "test_networks.hpp"

using namespace nirl;
using namespace nirl::testing;

namespace {

// p(sigma_i = a | sigma_/i) and the marginal p(sigma_i = a) from a distribution over sigma.
double gibbs_residual(const Network& net, const Eigen::VectorXd& p, std::uint64_t sigma) {
  const int n = net.n();
  double acc = 0.0;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t bit = std::uint64_t(1) << i;
    const double conditional = p[Eigen::Index(sigma)] / (p[Eigen::Index(sigma)] + p[Eigen::Index(sigma ^ bit)]);
    double marginal = 0.0;
    for (std::uint64_t s = 0; s < net.space.n_sigma; ++s)
      if (((s & bit) != 0) == ((sigma & bit) != 0)) marginal += p[Eigen::Index(s)];
    acc += std::log(conditional / marginal);
  }
  return net.reward[Eigen::Index(sigma)] - net.lambda / n * acc;
}

}  // namespace

// docs/model.md section 8: r - (lambda/n) sum_i log[p(sigma_i|sigma_/i)/p(sigma_i)] is constant
// (= L) on the solver's own stationary distribution.
TEST(ForwardSolver, GibbsPropertyTwoOfSix) {
  const Network net = two_of_six(0.2);
  const Solution sol = optimise(net);
  ASSERT_TRUE(sol.converged);
  double lo = 1e300, hi = -1e300;
  for (std::uint64_t sigma = 0; sigma < net.space.n_sigma; ++sigma) {
    const double c = gibbs_residual(net, sol.stationary, sigma);
    lo = std::min(lo, c);
    hi = std::max(hi, c);
  }
  EXPECT_LT(hi - lo, 1e-8);
  EXPECT_NEAR(0.5 * (hi + lo), sol.L, 1e-8);  // the constant is L (section 8: intercept L)
}

// The Bellman L equals the directly averaged objective E[r] - lambda E[cost].
TEST(ForwardSolver, AverageObjectiveMatchesBellmanL) {
  for (const Network& net : {two_of_six(0.2), fig2(0.3), fig2(0.15)}) {
    const Solution sol = optimise(net);
    ASSERT_TRUE(sol.converged);
    EXPECT_NEAR(sol.L, sol.mean_reward - net.lambda * sol.coding_cost, 1e-10);
  }
}

// With no input the exact Gibbs form and the generic pull-form power iteration agree.
TEST(ForwardSolver, GibbsFormEqualsPowerIteration) {
  const Network net = two_of_six(0.5);
  const Solution sol = optimise(net);
  Eigen::VectorXd p = Eigen::VectorXd::Constant(Eigen::Index(net.space.size), 1.0 / double(net.space.size));
  Eigen::VectorXd p_new, scratch;
  const StationaryResult st =
      stationary_power_iteration(net, sol.q, sol.value.data(), p, 1e-15, 1000000, p_new, scratch);
  ASSERT_TRUE(st.converged);
  EXPECT_LT((p - sol.stationary).cwiseAbs().maxCoeff(), 1e-12);
}

// docs/model.md section 8 / docs/figures/fig2.md (Fig 2D): the count distribution is peaked at 2 and 6.
TEST(ForwardSolver, Fig2CountDistributionPeaked) {
  const Network net = fig2(0.3, 0.02);
  const Solution sol = optimise(net);
  ASSERT_TRUE(sol.converged);
  double p_minus = 0.0, p2 = 0.0, p_plus = 0.0, p6 = 0.0;
  for (std::size_t s = 0; s < net.space.size; ++s) {
    const double ps = sol.stationary[Eigen::Index(s)];
    const int count = spike_count(net.space.sigma_of(s));
    if (net.space.input_of(s) == 0) {
      p_minus += ps;
      if (count == 2) p2 += ps;
    } else {
      p_plus += ps;
      if (count == 6) p6 += ps;
    }
  }
  EXPECT_GT(p2 / p_minus, 0.8);
  EXPECT_GT(p6 / p_plus, 0.8);
  // Lower lambda -> narrower (Fig 2D).
  const Solution cold = optimise(fig2(0.15, 0.02));
  EXPECT_GT(cold.mean_reward, sol.mean_reward);
}

// Results do not depend on the number of OpenMP threads.
TEST(ForwardSolver, IdenticalForOneAndTwoThreads) {
  const int saved = omp_get_max_threads();
  for (const Network& net : {fig2(0.3), two_of_six(0.2)}) {
    omp_set_num_threads(1);
    const Solution one = optimise(net);
    omp_set_num_threads(2);
    const Solution two = optimise(net);
    EXPECT_LT((one.value - two.value).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LT((one.stationary - two.stationary).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LT(std::fabs(one.L - two.L), 1e-12);
    EXPECT_EQ(one.bellman_sweeps, two.bellman_sweeps);
  }
  omp_set_num_threads(saved);
}

// Cell death: the clamped neuron never fires and the others still solve the task.
TEST(ForwardSolver, DeadNeuronIsSilent) {
  const Network net = fig2(0.3, 0.02, {3});
  const Solution sol = optimise(net);
  ASSERT_TRUE(sol.converged);
  double mass_on = 0.0;
  for (std::size_t s = 0; s < net.space.size; ++s)
    if ((net.space.sigma_of(s) >> 3) & 1) mass_on += sol.stationary[Eigen::Index(s)];
  EXPECT_EQ(mass_on, 0.0);
  EXPECT_EQ(sol.q.on_probabilities()[3], 0.0);
  EXPECT_NEAR(sol.L, sol.mean_reward - net.lambda * sol.coding_cost, 1e-10);
  EXPECT_GT(sol.mean_reward, 0.5);  // 2 and 6 of the remaining 7 are still reachable
}
