// Predictions that follow the network (continuation.hpp) and the frozen-state report
// (frozen_states.hpp). Independent checks: a fixed fine path of 64 equal steps written
// here against the adaptive path; the endpoints of the path against the networks
// themselves; a neuron held at q = 0 against a dead one; the best frozen states against
// an enumeration written here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "nirl/core/continuation.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/frozen_states.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/io/perturbation_spec.hpp"
#include "nirl/core/reward.hpp"
#include "test_networks.hpp"

using namespace nirl;

namespace {

double max_q_difference(const Solution& a, const Solution& b) {
  const std::vector<double> qa = a.q.on_probabilities(), qb = b.q.on_probabilities();
  double d = 0.0;
  for (std::size_t i = 0; i < qa.size(); ++i) d = std::max(d, std::fabs(qa[i] - qb[i]));
  return d;
}

Network random_table(int n, const InputChain& in, double lambda, unsigned seed, std::vector<int> dead = {}) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  const StateSpace space(n, in.nx());
  Eigen::VectorXd r(Eigen::Index(space.size));
  for (Eigen::Index s = 0; s < r.size(); ++s) r[s] = normal(rng);
  return make_network(n, in, r, lambda, dead);
}

TEST(Continuation, PathEndsAreTheTwoContextsAndMovesAsDocumented) {
  const Network base = nirl::testing::fig2(0.3, 0.05);
  Perturbation change;
  change.lambda = 1.2;
  change.switch_up = 0.01;
  change.dead = {3};
  const Network changed = apply_perturbation(base, change);
  const std::vector<double> q0(8, 0.4);
  std::vector<bool> held;
  std::vector<double> q;
  const Network start = context_between(base, changed, 0.0, q0, held, q);
  EXPECT_DOUBLE_EQ(start.lambda, 0.3);
  EXPECT_TRUE(start.input.P.isApprox(base.input.P, 0.0));
  ASSERT_EQ(held.size(), 8u);
  EXPECT_TRUE(held[3]);
  EXPECT_EQ(std::count(held.begin(), held.end(), true), 1);
  EXPECT_DOUBLE_EQ(q[3], 0.4);
  const Network mid = context_between(base, changed, 0.5, q0, held, q);
  EXPECT_NEAR(mid.lambda, std::sqrt(0.3 * 1.2), 1e-15);
  EXPECT_NEAR(mid.input.P(0, 1), 0.03, 1e-15);
  EXPECT_NEAR(mid.input.P(1, 0), 0.05, 1e-15);
  EXPECT_DOUBLE_EQ(q[3], 0.2);
  EXPECT_FALSE(mid.is_dead(3));
  const Network end = context_between(base, changed, 1.0, q0, held, q);
  EXPECT_TRUE(held.empty());
  EXPECT_TRUE(end.is_dead(3));
  EXPECT_DOUBLE_EQ(end.lambda, 1.2);
}

TEST(Continuation, FactoredInputsMoveFactorByFactor) {
  const InputChain a = pixel_input(3, 0.5, 0.2), b = pixel_input(3, 0.3, 0.1);
  const StateSpace space(2, a.nx());
  const Network base = make_network(2, a, Eigen::VectorXd::Zero(Eigen::Index(space.size)), 0.5, {});
  Network changed = base;
  changed.input = b;
  std::vector<bool> held;
  std::vector<double> q;
  const Network mid = context_between(base, changed, 0.25, {0.5, 0.5}, held, q);
  ASSERT_TRUE(mid.input.factored());
  // Each pixel's chain is the mix of the two chains; P is their product over the bits.
  const Eigen::Matrix2d f = 0.75 * a.factors[0] + 0.25 * b.factors[0];
  for (int x = 0; x < 8; ++x)
    for (int y = 0; y < 8; ++y) {
      double p = 1.0;
      for (int j = 0; j < 3; ++j) p *= f((x >> j) & 1, (y >> j) & 1);
      EXPECT_NEAR(mid.input.P(x, y), p, 1e-15);
    }
}

// A neuron held at q_k = 0 acts like a dead one on every state the network visits.
TEST(Continuation, NeuronHeldSilentEqualsDeadNeuron) {
  const Network alive = random_table(5, telegraph_input(0.1, 0.2), 0.5, 3);
  const Network dead = make_network(5, alive.input, alive.reward, 0.5, {2});
  SolverOptions held;
  held.initial_q = {0.5, 0.5, 0.0, 0.5, 0.5};
  held.held = {false, false, true, false, false};
  const Solution a = optimise(alive, held), b = optimise(dead);
  ASSERT_TRUE(a.converged && b.converged);
  EXPECT_NEAR(a.L, b.L, 1e-10);
  EXPECT_LT((a.stationary - b.stationary).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_LT(max_q_difference(a, b), 1e-8);
}

// The adaptive path reaches the optimum a fine path of 64 equal steps reaches. (The changes
// keep Fig 2's symmetric optimum a maximum; a larger input change, e.g. switch_up 0.1 with
// switch_down 0.02, turns it into a saddle where the path breaks the symmetry one way or
// another: equal L, neurons relabelled.)
TEST(Continuation, AdaptivePathAgreesWithAFinePath) {
  const Network base = nirl::testing::fig2(0.3, 0.05);
  const Solution original = search_optimum(base, SolverOptions{}, SearchOptions{});
  for (const std::string spec : {"lambda=0.6", "switch_up=0.035", "switch_down=0.03", "dead=3"}) {
    const Network changed = apply_perturbation(base, parse_perturbation(spec));
    const Solution followed = follow_optimum(base, changed, original, SolverOptions{});
    Solution fine = original;
    const std::vector<double> q0 = original.q.on_probabilities();
    for (int k = 1; k <= 64; ++k) {
      std::vector<bool> held;
      std::vector<double> held_q;
      const Network net = context_between(base, changed, k / 64.0, q0, held, held_q);
      SolverOptions o;
      o.held = held;
      std::vector<double> from = fine.q.on_probabilities();
      for (std::size_t i = 0; i < held.size(); ++i)
        if (held[i]) from[i] = held_q[i];
      fine = optimise_from(net, o, from);
    }
    EXPECT_NEAR(followed.L, fine.L, 1e-9) << spec;
    EXPECT_LT(max_q_difference(followed, fine), 1e-6) << spec;
    EXPECT_NEAR(kl_divergence(fine.stationary, followed.stationary), 0.0, 1e-9) << spec;
  }
}

// "none" changes nothing: the followed optimum is the original one, even where the
// search finds a better optimum elsewhere (counts 1 / 3 at lambda 0.2: the uniform start
// ends with all six neurons moving, the best optimum has one neuron silent).
TEST(Continuation, NoChangeKeepsTheOriginalOptimum) {
  const InputChain in = telegraph_input(0.05, 0.1);
  const Network net = make_network(6, in, spike_count_reward(StateSpace(6, in.nx()), {1, 3}), 0.2, {});
  const Solution best = search_optimum(net, SolverOptions{}, SearchOptions{});
  const Solution worse = optimise(net);
  ASSERT_LT(worse.L, best.L - 1e-6);
  const Solution followed = follow_optimum(net, net, worse, SolverOptions{});
  EXPECT_NEAR(followed.L, worse.L, 1e-9);
  EXPECT_LT(max_q_difference(followed, worse), 1e-8);
  PredictionOptions global;
  global.target = PredictionTarget::global;
  EXPECT_NEAR(adapted_optimum(net, worse, net, SolverOptions{}, global).L, best.L, 1e-9);
}

// Held rates: the prediction in the unchanged context is the policy of the given reward at
// the given q, and its firing rates stay at q.
TEST(Continuation, HeldRatesKeepTheOperatingPoint) {
  const Network net = nirl::testing::fig2(0.3, 0.05);
  const std::vector<double> q(8, 0.35);
  PredictionOptions held;
  held.rates = Rates::held;
  const Solution none = predict_adapted(net, q, net, SolverOptions{}, held, false);
  SolverOptions fixed;
  fixed.initial_q = q;
  fixed.held.assign(8, true);
  const Solution direct = optimise(net, fixed);
  EXPECT_NEAR(none.L, direct.L, 1e-12);
  for (double qi : none.q.on_probabilities()) EXPECT_NEAR(qi, 0.35, 1e-15);
  // automatic holds for data, adapts for a model's reward
  PredictionOptions automatic;
  const Solution data = predict_adapted(net, q, net, SolverOptions{}, automatic, true);
  const Solution model = predict_adapted(net, q, net, SolverOptions{}, automatic, false);
  EXPECT_NEAR(data.L, direct.L, 1e-12);
  EXPECT_GT(model.L, direct.L + 1e-6);  // q re-optimised from 0.35
  // A dying cell under held rates is silent at the end; the others keep their q.
  const Network dead = apply_perturbation(net, parse_perturbation("dead=2"));
  const Solution death = predict_adapted(net, q, dead, SolverOptions{}, held, true);
  const std::vector<double> qd = death.q.on_probabilities();
  for (int i = 0; i < 8; ++i)
    if (i != 2) {
      EXPECT_NEAR(qd[std::size_t(i)], 0.35, 1e-15);
    }
  double firing = 0.0;  // mass on states where the dead neuron fires
  for (std::size_t s = 0; s < dead.space.size; ++s)
    if (dead.space.sigma_of(s) & 4) firing += death.stationary[Eigen::Index(s)];
  EXPECT_EQ(firing, 0.0);
  EXPECT_TRUE(death.converged);
  // ... and the others' policy adapted: the prediction differs from no adaptation.
  EXPECT_GT(kl_divergence(death.stationary, none.stationary), 1e-3);
}

TEST(FrozenStates, BestStatesMatchAnEnumeration) {
  const InputChain in = matrix_input((Eigen::MatrixXd(3, 3) << 0.9, 0.05, 0.05, 0.1, 0.8, 0.1, 0.0, 0.3, 0.7).finished(), "test");
  const Network net = random_table(5, in, 0.5, 21, {1});
  // p(x) by iterating P, then every state's frozen L; dead neuron 1 must be silent.
  Eigen::RowVectorXd px = Eigen::RowVectorXd::Constant(3, 1.0 / 3);
  for (int k = 0; k < 10000; ++k) px = px * in.P;
  std::vector<std::pair<double, std::uint64_t>> all;
  for (std::uint64_t sigma = 0; sigma < 32; ++sigma) {
    if (sigma & 2) continue;
    double L = 0.0;
    for (int x = 0; x < 3; ++x) L += px[x] * net.reward[Eigen::Index(sigma + 32 * std::uint64_t(x))];
    all.push_back({-L, sigma});
  }
  std::sort(all.begin(), all.end());
  const std::vector<FrozenState> best = best_frozen_states(net, 4);
  ASSERT_EQ(best.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(best[k].sigma, all[k].second);
    EXPECT_NEAR(best[k].L, -all[k].first, 1e-12);
  }
  EXPECT_TRUE(best_frozen_states(net, 0).empty());
  // The frozen network solved as such attains that L and pays no coding cost.
  const Solution frozen = frozen_solution(net, best[0].sigma, SolverOptions{});
  EXPECT_NEAR(frozen.L, best[0].L, 1e-10);
  EXPECT_NEAR(frozen.coding_cost, 0.0, 1e-12);
  const OptimumReport report = describe_optimum(net, frozen);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(report.frozen[std::size_t(i)], (best[0].sigma >> i & 1) ? 1 : -1);
  EXPECT_FALSE(report.beats_frozen);
  EXPECT_THROW(frozen_solution(net, 2, SolverOptions{}), nirl::Error);  // dead neuron 1 firing
}

}  // namespace
