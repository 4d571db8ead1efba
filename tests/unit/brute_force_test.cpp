// Independent check of the forward solver for n <= 3: the objective of docs/model.md
// section 2 is evaluated directly for an arbitrary policy (dense transition matrix,
// stationary distribution by a dense linear solve, q as the policy's marginal) with
// no Bellman equation involved. The policy of the default search (optimum_search.hpp;
// one plain solve can stop at a worse fixed point) must attain the solver's L and
// be a stationary point of that objective over ALL policies pi_i(+1 | sigma, x),
// including ones that depend on the neuron's own current state.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/optimum_search.hpp"
#include "nirl/detail/numerics.hpp"
#include "test_networks.hpp"

using namespace nirl;

namespace {

// theta[i * S + s] = logit of pi_i(+1 | s).
double brute_objective(const Network& net, const Eigen::VectorXd& theta) {
  const int n = net.n(), nx = net.space.nx;
  const Eigen::Index S = Eigen::Index(net.space.size);
  Eigen::MatrixXd T = Eigen::MatrixXd::Zero(S, S);
  for (Eigen::Index s = 0; s < S; ++s) {
    const std::uint64_t sigma = net.space.sigma_of(std::size_t(s));
    const int x = net.space.input_of(std::size_t(s));
    for (int i = 0; i < n; ++i) {
      const double on = sigmoid(theta[i * S + s]);
      const std::uint64_t bit = std::uint64_t(1) << i;
      for (int y = 0; y < nx; ++y) {
        T(s, Eigen::Index(net.space.index(sigma | bit, y))) += on * net.input.P(x, y) / n;
        T(s, Eigen::Index(net.space.index(sigma & ~bit, y))) += (1.0 - on) * net.input.P(x, y) / n;
      }
    }
  }
  // p (T - I) = 0, sum p = 1: replace one equation by the normalisation.
  Eigen::MatrixXd A = (T - Eigen::MatrixXd::Identity(S, S)).transpose();
  A.row(S - 1).setOnes();
  Eigen::VectorXd b = Eigen::VectorXd::Zero(S);
  b[S - 1] = 1.0;
  const Eigen::VectorXd p = A.fullPivLu().solve(b);
  std::vector<double> q(std::size_t(n), 0.0);
  for (int i = 0; i < n; ++i)
    for (Eigen::Index s = 0; s < S; ++s) q[std::size_t(i)] += p[s] * sigmoid(theta[i * S + s]);
  double objective = 0.0;
  for (Eigen::Index s = 0; s < S; ++s) {
    double cost = 0.0;
    for (int i = 0; i < n; ++i) {
      const double z = theta[i * S + s], qi = q[std::size_t(i)];
      cost += kl_term(sigmoid(z), log_sigmoid(z), std::log(qi)) + kl_term(sigmoid(-z), log_sigmoid(-z), std::log1p(-qi));
    }
    objective += p[s] * (net.reward[s] - net.lambda / n * cost);
  }
  return objective;
}

Eigen::VectorXd solver_logits(const Network& net, const Solution& sol) {
  const Eigen::Index S = Eigen::Index(net.space.size);
  const Eigen::VectorXd w = expected_next_value(net, sol);
  Eigen::VectorXd theta(net.n() * S);
  for (int i = 0; i < net.n(); ++i)
    for (Eigen::Index s = 0; s < S; ++s) {
      const std::uint64_t sigma = net.space.sigma_of(std::size_t(s));
      theta[i * S + s] = flip_logit(w.data(), std::size_t(s) - sigma, sigma, i, 1.0 / net.lambda, sol.q);
    }
  return theta;
}

Eigen::VectorXd numeric_gradient(const Network& net, const Eigen::VectorXd& theta, double h) {
  Eigen::VectorXd g(theta.size());
  for (Eigen::Index k = 0; k < theta.size(); ++k) {
    Eigen::VectorXd a = theta, b = theta;
    a[k] += h;
    b[k] -= h;
    g[k] = (brute_objective(net, a) - brute_objective(net, b)) / (2 * h);
  }
  return g;
}

void check_against_brute_force(const Network& net) {
  const Solution sol = search_optimum(net, SolverOptions{}, SearchOptions{});
  ASSERT_TRUE(sol.converged);
  const Eigen::VectorXd theta = solver_logits(net, sol);
  // 1. The directly evaluated objective of the solver's policy is the solver's L.
  EXPECT_NEAR(brute_objective(net, theta), sol.L, 1e-10);
  // 2. Stationary point over all policies: central differences (error O(h^2) ~ 1e-10).
  EXPECT_LT(numeric_gradient(net, theta, 1e-5).cwiseAbs().maxCoeff(), 1e-8);
  // 3. No nearby policy does better (random directions, several radii).
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  for (double radius : {1e-3, 1e-2, 1e-1, 1.0})
    for (int trial = 0; trial < 20; ++trial) {
      Eigen::VectorXd d(theta.size());
      for (Eigen::Index k = 0; k < d.size(); ++k) d[k] = normal(rng);
      EXPECT_LE(brute_objective(net, theta + radius * d.normalized()), sol.L + 1e-12);
    }
}

}  // namespace

TEST(BruteForce, ThreeNeuronsNoInput) {
  const StateSpace space(3, 1);
  check_against_brute_force(make_network(3, no_input(), spike_count_reward(space, {1}), 0.4, {}));
}

TEST(BruteForce, TwoNeuronsTelegraphInput) {
  const InputChain in = telegraph_input(0.05, 0.08);
  const StateSpace space(2, in.nx());
  check_against_brute_force(make_network(2, in, spike_count_reward(space, {0, 2}), 0.3, {}));
}

TEST(BruteForce, ThreeNeuronsRandomRewardPixelInput) {
  const InputChain in = pixel_input(1, 0.3, 0.4);
  const StateSpace space(3, in.nx());
  Eigen::VectorXd r(Eigen::Index(space.size));
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (Eigen::Index s = 0; s < r.size(); ++s) r[s] = u(rng);
  check_against_brute_force(make_network(3, in, r, 0.7, {}));
}
