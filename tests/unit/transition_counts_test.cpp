// TransitionCounter against a count written here per step (sigma packed bit by bit, the
// move classified by comparing rows neuron by neuron), on random single-flip rasters of
// n = 3, 8, 13 and 17 (the packing works 8 neurons at a time): the same counts whether the
// raster arrives whole or in blocks of any size, from a bootstrap's list of starts, and
// visits alone for the closed form, which takes any number of flips per step.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "error_matchers.hpp"
#include "nirl/inverse/transition_counts.hpp"

using namespace nirl;
using nirl::testing::error_of;
using nirl::testing::mentions;

namespace {

// T steps of n neurons, nx inputs; each step flips one random neuron with probability 0.6.
Raster random_raster(int n, int nx, std::size_t T, unsigned seed) {
  std::mt19937_64 rng(seed);
  Raster r;
  r.n = n;
  r.steps = T;
  r.spikes.resize(T * std::size_t(n));
  for (int i = 0; i < n; ++i) r.spikes[std::size_t(i)] = std::uint8_t(rng() & 1);
  for (std::size_t t = 1; t < T; ++t) {
    std::copy_n(&r.spikes[(t - 1) * std::size_t(n)], n, &r.spikes[t * std::size_t(n)]);
    if (rng() % 10 < 6) r.spikes[t * std::size_t(n) + rng() % std::size_t(n)] ^= 1;
  }
  if (nx > 1)
    for (std::size_t t = 0; t < T; ++t) r.input.push_back(std::int32_t(rng() % std::uint64_t(nx)));
  return r;
}

// The reference: every step on its own, no packing tricks. Visits: every step, or each
// start; transitions t -> t + 1 for t < T - 1, or for each start.
TransitionCounts reference(const Raster& r, int nx, const std::vector<std::size_t>* starts = nullptr) {
  const StateSpace space(r.n, nx);
  TransitionCounts c;
  c.space = space;
  c.stay.setZero(Eigen::Index(space.size));
  c.flip.setZero(r.n, Eigen::Index(space.size));
  c.visits.setZero(Eigen::Index(space.n_sigma), nx);
  const auto spike = [&](std::size_t t, int i) { return r.spikes[t * std::size_t(r.n) + std::size_t(i)]; };
  const auto sigma = [&](std::size_t t) {
    std::uint64_t s = 0;
    for (int i = 0; i < r.n; ++i) s += std::uint64_t(spike(t, i)) * (std::uint64_t(1) << i);
    return s;
  };
  std::vector<std::size_t> visited, moves;
  for (std::size_t t = 0; t < r.steps; ++t) {
    visited.push_back(t);
    if (t + 1 < r.steps) moves.push_back(t);
  }
  if (starts) visited = moves = *starts;
  std::vector<double> on(std::size_t(r.n), 0.0);
  for (std::size_t t : visited) {
    c.visits(Eigen::Index(sigma(t)), r.x(t)) += 1.0;
    for (int i = 0; i < r.n; ++i) on[std::size_t(i)] += spike(t, i);
  }
  for (std::size_t t : moves) {
    int changed = -1, count = 0;
    for (int i = 0; i < r.n; ++i)
      if (spike(t, i) != spike(t + 1, i)) {
        changed = i;
        ++count;
      }
    EXPECT_LE(count, 1);
    const Eigen::Index s = Eigen::Index(space.index(sigma(t), r.x(t)));
    if (count == 0) c.stay[s] += 1.0;
    else c.flip(changed, s) += 1.0;
    c.steps += 1.0;
  }
  for (int i = 0; i < r.n; ++i) c.on.push_back((on[std::size_t(i)] + 0.5) / (double(visited.size()) + 1.0));
  return c;
}

void expect_same(const TransitionCounts& a, const TransitionCounts& b) {
  EXPECT_EQ(a.stay, b.stay);
  EXPECT_EQ(a.flip, b.flip);
  EXPECT_EQ(a.visits, b.visits);
  EXPECT_EQ(a.on, b.on);
  EXPECT_EQ(a.steps, b.steps);
}

}  // namespace

TEST(TransitionCounts, WholeAndInBlocksMatchAPerStepCount) {
  for (const auto& [n, nx] : std::vector<std::pair<int, int>>{{3, 1}, {8, 2}, {13, 3}, {17, 1}}) {
    SCOPED_TRACE("n = " + std::to_string(n) + ", nx = " + std::to_string(nx));
    const Raster r = random_raster(n, nx, 5000, unsigned(n * 31 + nx));
    const TransitionCounts want = reference(r, nx);
    expect_same(count_transitions(r, nx), want);
    for (std::size_t block : {std::size_t(1), std::size_t(7), std::size_t(513), std::size_t(4999)}) {
      SCOPED_TRACE("blocks of " + std::to_string(block));
      TransitionCounter counter(n, nx);
      const RasterSink sink = counter.sink();
      for (std::size_t first = 0; first < r.steps; first += block) {
        const std::size_t count = std::min(block, r.steps - first);
        sink(first, count, &r.spikes[first * std::size_t(n)], nx > 1 ? &r.input[first] : nullptr);
      }
      expect_same(counter.finish(), want);
    }
  }
}

TEST(TransitionCounts, BootstrapStartsCountTheirTransitionsOnly) {
  const Raster r = random_raster(8, 2, 3000, 5);
  const std::vector<std::size_t> starts = {0, 5, 5, 17, 2998, 1000, 5};
  expect_same(count_transitions(r, 2, &starts), reference(r, 2, &starts));
  const std::vector<std::size_t> outside = {2999};
  EXPECT_TRUE(mentions(error_of([&] { count_transitions(r, 2, &outside); }), "outside the raster of 3000 steps"));
}

TEST(TransitionCounts, VisitsOnlyTakeAnyStepAndTransitionsRefuseThem) {
  Raster r = random_raster(5, 1, 200, 9);
  r.spikes[100 * 5 + 0] ^= 1;  // step 100 now differs from 99 or 101 in at least 2 neurons
  r.spikes[100 * 5 + 1] ^= 1;
  bool two_flips = false;
  for (std::size_t t : {std::size_t(99), std::size_t(100)}) two_flips |= spike_count(r.sigma(t) ^ r.sigma(t + 1)) > 1;
  ASSERT_TRUE(two_flips);
  TransitionCounter visits(5, 1, true);
  visits.add(0, r.steps, r.spikes.data(), nullptr);
  const TransitionCounts c = visits.finish();
  EXPECT_EQ(c.stay.size(), 0);
  EXPECT_EQ(c.flip.size(), 0);
  Eigen::MatrixXd histogram = Eigen::MatrixXd::Zero(32, 1);
  for (std::size_t t = 0; t < r.steps; ++t) histogram(Eigen::Index(r.sigma(t)), 0) += 1.0;
  EXPECT_EQ(c.visits, histogram);
  EXPECT_EQ(c.steps, 199.0);
  EXPECT_TRUE(mentions(error_of([&] { count_transitions(r, 1); }), "neurons at once"));
}

TEST(TransitionCounts, RefusesBadInputGapsAndShortRasters) {
  const Raster r = random_raster(4, 2, 50, 3);
  TransitionCounter counter(4, 2);
  counter.add(0, 10, r.spikes.data(), r.input.data());
  EXPECT_TRUE(mentions(error_of([&] { counter.add(11, 5, &r.spikes[44], &r.input[11]); }),
                       "a block starts at step 11 where step 10 is next"));
  EXPECT_TRUE(mentions(error_of([&] { counter.add(10, 5, &r.spikes[40], nullptr); }), "needs its input"));
  const std::int32_t bad[2] = {0, 2};
  EXPECT_TRUE(mentions(error_of([&] { counter.add(10, 2, &r.spikes[40], bad); }), "input index 2 at step 11"));
  std::vector<std::uint8_t> two(r.spikes.begin() + 40, r.spikes.begin() + 48);
  two[5] = 2;
  EXPECT_TRUE(mentions(error_of([&] { counter.add(10, 2, two.data(), &r.input[10]); }),
                       "raster step 11 has a spike value other than 0 or 1"));
  TransitionCounter wide(9, 1);  // the value in the first 8-neuron word
  std::vector<std::uint8_t> nine(9, 0);
  nine[2] = 3;
  EXPECT_TRUE(mentions(error_of([&] { wide.add(0, 1, nine.data(), nullptr); }), "step 0 has a spike value"));
  TransitionCounter one(4, 1);
  one.add(0, 1, r.spikes.data(), nullptr);
  EXPECT_TRUE(mentions(error_of([&] { one.finish(); }), "at least 2 time steps"));
  EXPECT_TRUE(mentions(error_of([&] { TransitionCounter(4, 0); }), "input states must be >= 1"));
}
