// Ring activity measures (measures/ring_activity.hpp) against definitions computed here
// independently: runs of active neurons counted by walking the ring, and hill centres of
// hand-built rows.
#include <gtest/gtest.h>

#include <cmath>

#include "nirl/measures/ring_activity.hpp"

using namespace nirl;

namespace {

// Separate runs of active neurons around a ring of n (the all-active ring is one run).
int runs_by_walking(std::uint64_t sigma, int n) {
  int runs = 0;
  bool all = true;
  for (int i = 0; i < n; ++i) {
    const bool on = (sigma >> i) & 1, before = (sigma >> ((i + n - 1) % n)) & 1;
    all = all && on;
    if (on && !before) ++runs;
  }
  return all ? 1 : runs;
}

}  // namespace

TEST(RingActivity, ClusterDistributionCountsRunsAroundTheRing) {
  for (int n : {3, 6, 7}) {
    const Eigen::Index S = Eigen::Index(1) << n;
    Eigen::VectorXd p(S);
    for (Eigen::Index s = 0; s < S; ++s) p[s] = double(s + 1);  // distinct weights
    p /= p.sum();
    Eigen::VectorXd expected = Eigen::VectorXd::Zero(n / 2 + 1);
    for (Eigen::Index s = 0; s < S; ++s) expected[runs_by_walking(std::uint64_t(s), n)] += p[s];
    const Eigen::VectorXd got = cluster_distribution(p, n);
    ASSERT_EQ(got.size(), expected.size());
    for (Eigen::Index k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], expected[k], 1e-15) << "n " << n << " runs " << k;
  }
}

TEST(RingActivity, HillPositionIsTheCircularMeanOfTheActiveNeurons) {
  const int n = 12;
  std::vector<std::uint8_t> raster(4 * n, 0);
  for (int i : {3, 4, 5}) raster[std::size_t(i)] = 1;              // centred on 4
  for (int i : {11, 0, 1}) raster[std::size_t(n + i)] = 1;         // wraps around: centred on 0
  raster[std::size_t(2 * n + 7)] = 1;                              // one neuron: 7
  const std::vector<int> pos = hill_positions(raster, n);           // row 3 silent: -1
  EXPECT_EQ(pos, (std::vector<int>{4, 0, 7, -1}));
}

TEST(RingActivity, HillJumpsCountCentresFarApartAroundTheRing) {
  const int n = 12;
  // lag 2: pairs (0, 2), (2, 4), (4, 6), (6, 8); rows 1, 3, ... are skipped.
  //   0 -> 1 one neuron, 1 -> 11 two neurons around the wrap, 11 -> 4 five neurons,
  //   4 -> silent (no pair).
  const std::vector<int> pos = {0, 5, 1, 5, 11, 5, 4, 5, -1};
  EXPECT_DOUBLE_EQ(hill_jump_fraction(pos, n, 2, 3), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(hill_jump_fraction(pos, n, 2, 2), 2.0 / 3.0);  // the wrap's two neurons now count
  EXPECT_DOUBLE_EQ(hill_jump_fraction(pos, n, 2, 7), 0.0);        // no centres more than n/2 apart
  EXPECT_TRUE(std::isnan(hill_jump_fraction({-1, -1, 3}, n, 1, 3)));
  EXPECT_TRUE(std::isnan(hill_jump_fraction({}, n, 1, 3)));
}
