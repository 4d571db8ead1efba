// Population states by their active neurons (pairwise/active_sets.hpp) against dense sums
// written here: the round trip to spins, the enumeration's bit order, and the weighted
// rates, co-activations and counts of ActivitySums, on 1 and on 2 threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <random>

#include "nirl/pairwise/active_sets.hpp"

using namespace nirl;

namespace {

// Random activities (0/1) with activity p per entry.
std::vector<std::uint8_t> random_raster(std::size_t T, int n, double p, unsigned seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution on(p);
  std::vector<std::uint8_t> r(T * std::size_t(n));
  for (auto& v : r) v = on(rng) ? 1 : 0;
  return r;
}

ActiveSets sets_of(const std::vector<std::uint8_t>& raster, std::size_t T, int n) {
  ActiveSets a(n);
  for (std::size_t t = 0; t < T; ++t) a.append(raster.data() + t * std::size_t(n));
  return a;
}

}  // namespace

TEST(ActiveSets, RoundTripAndEnumeration) {
  const int n = 37;
  const std::size_t T = 300;
  const auto raster = random_raster(T, n, 0.2, 3);
  const ActiveSets a = sets_of(raster, T, n);
  ASSERT_EQ(a.size(), T);
  const Eigen::MatrixXd S = a.spins(0, T);
  std::size_t entries = 0;
  for (std::size_t t = 0; t < T; ++t)
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(S(Eigen::Index(t), i), raster[t * std::size_t(n) + std::size_t(i)] ? 1.0 : -1.0);
      entries += raster[t * std::size_t(n) + std::size_t(i)];
    }
  EXPECT_EQ(a.entries(), entries);
  const ActiveSets b = ActiveSets::from_spins(S);
  ASSERT_EQ(b.size(), T);
  for (std::size_t t = 0; t < T; ++t)
    EXPECT_EQ(std::vector<std::int32_t>(a.begin(t), a.end(t)), std::vector<std::int32_t>(b.begin(t), b.end(t)));
  const ActiveSets e = ActiveSets::enumeration(5);
  ASSERT_EQ(e.size(), 32u);
  EXPECT_EQ(std::vector<std::int32_t>(e.begin(22), e.end(22)), (std::vector<std::int32_t>{1, 2, 4}));  // 10110
  EXPECT_EQ(e.count(31), 5);
  EXPECT_EQ(e.count(0), 0);
}

TEST(ActiveSets, SumsEqualTheDenseSumsOnAnyThreadCount) {
  const int n = 45;
  const std::size_t T = 20000;  // several blocks
  const auto raster = random_raster(T, n, 0.15, 7);
  const ActiveSets a = sets_of(raster, T, n);
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Eigen::VectorXd w(static_cast<Eigen::Index>(T));
  for (Eigen::Index t = 0; t < w.size(); ++t) w[t] = u(rng);
  Eigen::MatrixXd X(static_cast<Eigen::Index>(T), n);
  for (std::size_t t = 0; t < T; ++t)
    for (int i = 0; i < n; ++i) X(Eigen::Index(t), i) = raster[t * std::size_t(n) + std::size_t(i)];
  const Eigen::VectorXd x = X.transpose() * w;
  const Eigen::MatrixXd xx = X.transpose() * w.asDiagonal() * X;
  const Eigen::VectorXd k = X.rowwise().sum();
  Eigen::VectorXd by_count = Eigen::VectorXd::Zero(n + 1);
  double k2 = 0.0;
  for (std::size_t t = 0; t < T; ++t) {
    by_count[Eigen::Index(k[Eigen::Index(t)])] += w[Eigen::Index(t)];
    k2 += w[Eigen::Index(t)] * k[Eigen::Index(t)] * k[Eigen::Index(t)];
  }
  // Sums of T positive terms in different orders: relative rounding ~ T eps.
  const double tol = 1e-12 * w.sum();
  omp_set_num_threads(1);
  const ActivitySums one = ActivitySums::of(a, w);
  omp_set_num_threads(2);
  const ActivitySums two = ActivitySums::of(a, w);
  EXPECT_LT((one.x - x).cwiseAbs().maxCoeff(), tol);
  EXPECT_LT((symmetric_from_upper(one.xx_upper) - xx).cwiseAbs().maxCoeff(), tol);
  EXPECT_EQ(Eigen::MatrixXd(one.xx_upper.triangularView<Eigen::StrictlyLower>()).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_LT((one.by_count - by_count).cwiseAbs().maxCoeff(), tol);
  EXPECT_NEAR(one.count_moment(2), k2, 1e-12 * k2);
  EXPECT_EQ(one.x, two.x);
  EXPECT_EQ(one.xx_upper, two.xx_upper);
  EXPECT_EQ(one.by_count, two.by_count);
}
