// The sampler against the exact stationary distribution, with the tolerance taken from
// the Markov-chain central limit theorem: the empirical frequency of state s over T
// steps has asymptotic variance sigma_s^2 / T with
//   sigma_s^2 = 2 <f, Z f>_p - <f, f>_p,  f = 1[s] - p_s,  Z = (I - T + 1 p^T)^{-1}
// computed here from the dense transition matrix of the solver's policy.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "nirl/core/forward_solver.hpp"
#include "nirl/detail/numerics.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/sample/sampler.hpp"
#include "test_networks.hpp"

using namespace nirl;

namespace {

Eigen::MatrixXd dense_transition(const Network& net, const Solution& sol) {
  const Eigen::Index S = Eigen::Index(net.space.size);
  const Eigen::VectorXd w = expected_next_value(net, sol);
  Eigen::MatrixXd T = Eigen::MatrixXd::Zero(S, S);
  for (Eigen::Index s = 0; s < S; ++s) {
    const std::uint64_t sigma = net.space.sigma_of(std::size_t(s));
    const int x = net.space.input_of(std::size_t(s));
    for (int i = 0; i < net.n(); ++i) {
      const double on = sigmoid(flip_logit(w.data(), std::size_t(s) - sigma, sigma, i, 1.0 / net.lambda, sol.q));
      const std::uint64_t bit = std::uint64_t(1) << i;
      for (int y = 0; y < net.space.nx; ++y) {
        T(s, Eigen::Index(net.space.index(sigma | bit, y))) += on * net.input.P(x, y) / net.n();
        T(s, Eigen::Index(net.space.index(sigma & ~bit, y))) += (1.0 - on) * net.input.P(x, y) / net.n();
      }
    }
  }
  return T;
}

Network small_network() {
  const InputChain in = telegraph_input(0.1, 0.1);
  const StateSpace space(3, in.nx());
  return make_network(3, in, spike_count_reward(space, {1, 2}), 0.5, {});
}

}  // namespace

TEST(Sampler, FrequenciesMatchStationaryWithinCltBound) {
  const Network net = small_network();
  const Solution sol = optimise(net);
  const Eigen::Index S = Eigen::Index(net.space.size);
  const Eigen::MatrixXd T = dense_transition(net, sol);
  const Eigen::VectorXd& p = sol.stationary;
  // The solver's p is stationary for the dense matrix too.
  ASSERT_LT((p.transpose() * T - p.transpose()).cwiseAbs().maxCoeff(), 1e-12);
  const Eigen::MatrixXd Z =
      (Eigen::MatrixXd::Identity(S, S) - T + Eigen::VectorXd::Ones(S) * p.transpose()).inverse();

  const std::size_t steps = 2000000;
  const Raster raster = simulate(net, expected_next_value(net, sol), sol.q, p, steps, 42, 0);
  Eigen::VectorXd freq = Eigen::VectorXd::Zero(S);
  for (std::size_t t = 0; t < steps; ++t) freq[Eigen::Index(net.space.index(raster.sigma(t), raster.x(t)))] += 1.0;
  freq /= double(steps);

  double worst = 0.0;
  for (Eigen::Index s = 0; s < S; ++s) {
    Eigen::VectorXd f = -p[s] * Eigen::VectorXd::Ones(S);
    f[s] += 1.0;
    const Eigen::VectorXd pf = p.cwiseProduct(f);
    const double variance = 2.0 * pf.dot(Z * f) - pf.dot(f);
    ASSERT_GT(variance, 0.0);
    const double z = std::fabs(freq[s] - p[s]) / std::sqrt(variance / double(steps));
    worst = std::max(worst, z);
  }
  // 16 states: a 5-sigma bound fails by chance with probability < 1e-5.
  EXPECT_LT(worst, 5.0);
}

TEST(Sampler, OneNeuronChangesPerStepAndStreamsAreReproducible) {
  const Network net = small_network();
  const Solution sol = optimise(net);
  const Eigen::VectorXd w = expected_next_value(net, sol);
  const Raster a = simulate(net, w, sol.q, sol.stationary, 10000, 5, 1);
  const Raster b = simulate(net, w, sol.q, sol.stationary, 10000, 5, 1);
  const Raster c = simulate(net, w, sol.q, sol.stationary, 10000, 5, 2);
  EXPECT_EQ(a.spikes, b.spikes);
  EXPECT_EQ(a.input, b.input);
  EXPECT_NE(a.spikes, c.spikes);
  for (std::size_t t = 1; t < a.steps; ++t)
    EXPECT_LE(spike_count(a.sigma(t) ^ a.sigma(t - 1)), 1);
}

// Counter 0 of the stream draws the initial state from the given weights (normalised by
// their sum): the first state whose cumulative weight exceeds u times the total, written
// out here as a plain scan. Integer weights make every cumulative sum exact. The sampler
// searches blocks of 4096 states: the weighted states sit on both sides of a block
// boundary and at both ends, in a space of full blocks (n = 14) and in one whose last
// block is partial (n = 10 with 5 inputs: 5120 states).
TEST(Sampler, InitialStateIsTheDocumentedDrawFromTheWeights) {
  auto check = [](int n, const InputChain& input, const std::vector<std::pair<Eigen::Index, double>>& placed) {
    const StateSpace space(n, input.nx());
    const Eigen::Index S = Eigen::Index(space.size);
    const Network net = make_network(n, input, Eigen::VectorXd::Zero(S), 1.0, {});
    Eigen::VectorXd weights = Eigen::VectorXd::Zero(S);
    double total = 0.0;
    for (const auto& [s, weight] : placed) total += weights[s] = weight;
    std::map<std::size_t, int> seen;
    for (std::uint64_t stream = 0; stream < 2000; ++stream) {
      const Raster r = simulate(net, Eigen::VectorXd::Zero(S), LogMarginals::uniform(net), weights, 1, 9, stream);
      const double target = RandomStream::uniform(RandomStream(9, stream).words(0)[0]) * total;
      double cumulative = 0.0;
      std::size_t expected = 0;
      for (const auto& [s, weight] : placed)
        if ((cumulative += weight) > target) {
          expected = std::size_t(s);
          break;
        }
      ASSERT_EQ(space.index(r.sigma(0), r.x(0)), expected) << "n " << n << ", stream " << stream;
      ++seen[expected];
    }
    EXPECT_EQ(seen.size(), placed.size()) << "n " << n;  // each has weight >= 1/20: drawn in 2000
  };
  check(14, no_input(), {{0, 1.0}, {4095, 2.0}, {4096, 3.0}, {9000, 4.0}, {16383, 10.0}});
  check(10, InputChain{Eigen::MatrixXd::Constant(5, 5, 0.2), {}}, {{1, 1.0}, {4095, 2.0}, {4096, 3.0}, {5118, 4.0}, {5119, 10.0}});
}

TEST(Sampler, DeadNeuronNeverFires) {
  const Network net = nirl::testing::fig2(0.3, 0.02, {5});
  const Solution sol = optimise(net);
  const Raster r = simulate(net, expected_next_value(net, sol), sol.q, sol.stationary, 50000, 1, 0);
  for (std::size_t t = 0; t < r.steps; ++t) ASSERT_EQ(r.spikes[t * 8 + 5], 0);
}

// The documented step, written out directly: step t uses counter t + 1 (word 0 picks
// neuron i, word 1 is u), and sets bit i when z > log(u / (1 - u)), z the flip logit from
// w itself. At n = 17 w (1 MiB) outgrows the cache and the sampler reads its 16-bit copy
// (QuantisedCopy: codes of (w - offset) * 32000 / (max w - min w)). Two outlying values
// stretch that range to 6000, so a code step is 0.19 and at lambda 0.2 about 3 % of the
// decisions are within the copy's error: both the copy and the fallback to w are exercised,
// and the raster must be the same, bit for bit.
TEST(Sampler, LargeNetworkMatchesTheStepWrittenOut) {
  const int n = 17;
  const StateSpace space(n, 1);
  const Network net = make_network(n, no_input(), Eigen::VectorXd::Zero(Eigen::Index(space.size)), 0.2, {});
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::VectorXd w(Eigen::Index(space.size));
  for (Eigen::Index s = 0; s < w.size(); ++s) w[s] = 1e5 + 0.3 * normal(gen) + (s % 3 == 0 ? 1e-40 : 0.0);
  w[0] = 1e5 - 3000.0;
  w[w.size() - 1] = 1e5 + 3000.0;
  const double offset = 0.5 * (w.minCoeff() + w.maxCoeff()), scale = 32000.0 / (w.maxCoeff() - w.minCoeff());
  auto code = [&](std::uint64_t s) { return double(std::lrint((w[Eigen::Index(s)] - offset) * scale)); };
  LogMarginals q = LogMarginals::uniform(net);
  for (int i = 0; i < n; ++i) {
    q.log_on[std::size_t(i)] = std::log(0.1 + 0.04 * i);
    q.log_off[std::size_t(i)] = std::log1p(-(0.1 + 0.04 * i));
  }
  const Eigen::VectorXd p = Eigen::VectorXd::Constant(Eigen::Index(space.size), 1.0 / double(space.size));
  const std::size_t steps = 200000;
  const Raster raster = simulate(net, w, q, p, steps, 3, 5);

  const RandomStream rng(3, 5);
  std::uint64_t sigma = raster.sigma(0);
  std::size_t near_ties = 0;
  for (std::size_t t = 0; t + 1 < steps; ++t) {
    const auto r = rng.words(t + 1);
    const int i = int(RandomStream::below(r[0], std::uint64_t(n)));
    const double u = RandomStream::uniform(r[1]);
    const double threshold = u > 0.0 ? log_positive(u / (1.0 - u)) : -HUGE_VAL;
    const std::uint64_t bit = std::uint64_t(1) << i;
    const double z = (w[Eigen::Index(sigma | bit)] - w[Eigen::Index(sigma & ~bit)]) * (1.0 / net.lambda) +
                     (q.log_on[std::size_t(i)] - q.log_off[std::size_t(i)]);
    const double zq = (code(sigma | bit) - code(sigma & ~bit)) / scale * (1.0 / net.lambda) +
                      (q.log_on[std::size_t(i)] - q.log_off[std::size_t(i)]);
    if ((zq > threshold) != (z > threshold)) ++near_ties;
    sigma = z > threshold ? (sigma | bit) : (sigma & ~bit);
    ASSERT_EQ(raster.sigma(t + 1), sigma) << "step " << t;
  }
  EXPECT_GT(near_ties, 1000u);  // decisions the 16-bit copy alone would have got wrong
}

// As above with three inputs (w is read in the block of the step's input, and the input
// moves by word 2 of the step's counter: the first y whose cumulative P[x, 0 .. y] exceeds
// the uniform), marginals that differ between neurons, and a dead neuron (dq = -inf, decided
// from the copy). At n = 16 with three inputs w (1.5 MiB) is read through its 16-bit copy.
TEST(Sampler, LargeNetworkWithInputsMatchesTheStepWrittenOut) {
  const int n = 16;
  Eigen::MatrixXd P(3, 3);
  P << 0.90, 0.07, 0.03, 0.10, 0.80, 0.10, 0.25, 0.25, 0.50;
  const InputChain input{P, {}};
  const StateSpace space(n, 3);
  const Network net = make_network(n, input, Eigen::VectorXd::Zero(Eigen::Index(space.size)), 0.2, {});
  std::mt19937_64 gen(8);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::VectorXd w(Eigen::Index(space.size));
  for (Eigen::Index s = 0; s < w.size(); ++s) w[s] = 0.5 * double(space.input_of(std::size_t(s))) + 0.3 * normal(gen);
  w[0] = -3000.0;  // a code step of 0.19: some decisions fall back to w
  w[w.size() - 1] = 3000.0;
  const double offset = 0.5 * w.minCoeff() + 0.5 * w.maxCoeff(), scale = 32000.0 / (w.maxCoeff() - w.minCoeff());
  auto code = [&](std::size_t s) { return double(std::lrint((w[Eigen::Index(s)] - offset) * scale)); };
  LogMarginals q = LogMarginals::uniform(net);
  for (int i = 0; i < n; ++i) {
    q.log_on[std::size_t(i)] = i == 3 ? -HUGE_VAL : std::log(0.05 + 0.05 * i);
    q.log_off[std::size_t(i)] = i == 3 ? 0.0 : std::log1p(-(0.05 + 0.05 * i));
  }
  const Eigen::VectorXd p = Eigen::VectorXd::Constant(Eigen::Index(space.size), 1.0 / double(space.size));
  const std::size_t steps = 100000;
  const Raster raster = simulate(net, w, q, p, steps, 4, 2);

  const RandomStream rng(4, 2);
  std::uint64_t sigma = raster.sigma(0);
  int x = raster.x(0);
  std::map<int, std::size_t> visits;
  std::size_t near_ties = 0;
  for (std::size_t t = 0; t + 1 < steps; ++t) {
    // Step t's draws, from counter t + 1: the neuron, the decision's threshold, the input move.
    const auto r = rng.words(t + 1);
    const std::uint64_t neuron = r[0], decision = r[1], move = r[2];
    const std::size_t i = std::size_t(RandomStream::below(neuron, std::uint64_t(n)));
    const std::uint64_t bit = std::uint64_t(1) << i;
    const double dq = q.log_on[i] - q.log_off[i];
    const std::size_t on = space.index(sigma | bit, x), off = space.index(sigma & ~bit, x);
    const double z = (w[Eigen::Index(on)] - w[Eigen::Index(off)]) * (1.0 / net.lambda) + dq;
    const double zq = (code(on) - code(off)) / scale * (1.0 / net.lambda) + dq;
    const double logit = [](double u) { return u > 0.0 ? log_positive(u / (1.0 - u)) : -HUGE_VAL; }(
        RandomStream::uniform(decision));
    if ((zq > logit) != (z > logit)) ++near_ties;
    sigma = z > logit ? (sigma | bit) : (sigma & ~bit);
    double cumulative = 0.0;
    int y = 0;
    while (y + 1 < 3 && (cumulative += P(x, y)) <= RandomStream::uniform(move)) ++y;
    x = y;
    ++visits[x];
    ASSERT_EQ(raster.sigma(t + 1), sigma) << "step " << t;
    ASSERT_EQ(raster.x(t + 1), x) << "step " << t;
  }
  EXPECT_EQ(visits.size(), 3u);
  EXPECT_GT(near_ties, 100u);  // decisions the 16-bit copy alone would have got wrong
}

// Step t's draws depend on t alone, so a shorter raster is the start of a longer one: at
// lengths around the sampler's chunks of 512 steps (the last step only records its state),
// with w read directly (n = 8, two inputs) and through its 16-bit copy (n = 17).
TEST(Sampler, ShorterRastersAreTheStartOfLongerOnes) {
  const Network small = nirl::testing::fig2(0.3, 0.05);
  const Solution sol = optimise(small);
  const Eigen::VectorXd small_w = expected_next_value(small, sol);
  const StateSpace big_space(17, 1);
  const Network big = make_network(17, no_input(), Eigen::VectorXd::Zero(Eigen::Index(big_space.size)), 0.5, {});
  std::mt19937_64 gen(5);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::VectorXd big_w(Eigen::Index(big_space.size));
  for (Eigen::Index s = 0; s < big_w.size(); ++s) big_w[s] = normal(gen);
  const Eigen::VectorXd big_p = Eigen::VectorXd::Constant(big_w.size(), 1.0 / double(big_w.size()));
  auto check = [](const Network& net, const Eigen::VectorXd& w, const LogMarginals& q, const Eigen::VectorXd& p) {
    const Raster whole = simulate(net, w, q, p, 3000, 6, 1);
    for (std::size_t steps : {1, 2, 511, 512, 513, 514, 1024, 1025, 1537, 2999}) {
      const Raster part = simulate(net, w, q, p, steps, 6, 1);
      ASSERT_EQ(part.spikes.size(), steps * std::size_t(net.n())) << steps;
      EXPECT_TRUE(std::equal(part.spikes.begin(), part.spikes.end(), whole.spikes.begin())) << steps;
      ASSERT_EQ(part.input.size(), net.space.nx > 1 ? steps : 0) << steps;
      EXPECT_TRUE(std::equal(part.input.begin(), part.input.end(), whole.input.begin())) << steps;
    }
  };
  check(small, small_w, sol.q, sol.stationary);
  check(big, big_w, LogMarginals::uniform(big), big_p);
}

TEST(Sampler, ProgressIsReportedEvery2To20Steps) {
  const Network net = nirl::testing::fig2(0.3, 0.05);
  const Solution sol = optimise(net);
  const Eigen::VectorXd w = expected_next_value(net, sol);
  for (std::size_t steps : {(std::size_t(1) << 21) + 1, std::size_t(1) << 21}) {
    std::vector<std::size_t> reported;
    simulate(net, w, sol.q, sol.stationary, steps, 2, 0, [&](std::size_t done) { reported.push_back(done); });
    const std::vector<std::size_t> expected =
        steps > (std::size_t(1) << 21) ? std::vector<std::size_t>{1 << 20, 1 << 21} : std::vector<std::size_t>{1 << 20};
    EXPECT_EQ(reported, expected) << steps;
  }
}
