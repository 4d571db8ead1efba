// Feature recovery from an inferred reward (docs/model.md section 6): centred curves, 2-means.
#include "nirl/coding/feature_recovery.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "nirl/core/error.hpp"

namespace nirl {

FeatureRecovery recover_feature(const StateSpace& space, const Eigen::VectorXd& reward, const Eigen::VectorXd& weights) {
  if (std::size_t(reward.size()) != space.size || std::size_t(weights.size()) != space.size)
    fail("feature recovery: reward and weights need ", space.size, " entries");
  if (space.nx < 2) fail("feature recovery needs an input with at least 2 states");
  const Eigen::Index ns = Eigen::Index(space.n_sigma), nx = space.nx;
  // Columns x of the 2^n x nx matrices (s = sigma + 2^n x).
  const Eigen::Map<const Eigen::MatrixXd> R(reward.data(), ns, nx), U(weights.data(), ns, nx);
  if ((U.array() < 0.0).any()) fail("feature recovery: weights must be >= 0");
  Eigen::MatrixXd C(ns, nx);
  FeatureRecovery out;
  Eigen::VectorXd count(ns);
  for (Eigen::Index sigma = 0; sigma < ns; ++sigma) count[sigma] = spike_count(std::uint64_t(sigma));
  for (Eigen::Index x = 0; x < nx; ++x) {
    const double total = U.col(x).sum();
    if (!(total > 0.0)) fail("feature recovery: input ", x, " has zero weight");
    C.col(x) = R.col(x).array() - U.col(x).dot(R.col(x)) / total;
    const double mc = U.col(x).dot(count) / total;
    const Eigen::ArrayXd dc = count.array() - mc;
    const double var = (U.col(x).array() * dc * dc).sum();
    out.slope.push_back(var > 0.0 ? (U.col(x).array() * dc * C.col(x).array()).sum() / var : 0.0);
  }
  // Start: split at the largest gap of the sorted slopes.
  std::vector<int> order(static_cast<std::size_t>(nx));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return out.slope[std::size_t(a)] < out.slope[std::size_t(b)]; });
  std::size_t cut = 1;
  double gap = -1.0;
  for (std::size_t k = 1; k < order.size(); ++k) {
    const double d = out.slope[std::size_t(order[k])] - out.slope[std::size_t(order[k - 1])];
    if (d > gap) gap = d, cut = k;
  }
  out.group.assign(std::size_t(nx), 0);
  for (std::size_t k = cut; k < order.size(); ++k) out.group[std::size_t(order[k])] = 1;
  // Lloyd iterations: centroid(sigma) = weighted mean of the members' centred curves.
  for (int iter = 0; iter < 100; ++iter) {
    Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(ns, 2), mass = Eigen::MatrixXd::Zero(ns, 2);
    for (Eigen::Index x = 0; x < nx; ++x) {
      const int g = out.group[std::size_t(x)];
      sum.col(g).array() += U.col(x).array() * C.col(x).array();
      mass.col(g) += U.col(x);
    }
    const Eigen::MatrixXd centroid = (mass.array() > 0.0).select(sum.array() / mass.array(), 0.0);
    bool moved = false;
    for (Eigen::Index x = 0; x < nx; ++x) {
      double d[2];
      for (int g = 0; g < 2; ++g) d[g] = (U.col(x).array() * (C.col(x) - centroid.col(g)).array().square()).sum();
      const int best = d[1] < d[0] ? 1 : 0;
      if (best != out.group[std::size_t(x)]) moved = true, out.group[std::size_t(x)] = best;
    }
    if (!moved) break;
  }
  // Orientation: y = +1 is the group whose reward rises faster with the spike count.
  double slope_sum[2] = {0.0, 0.0};
  int members[2] = {0, 0};
  for (Eigen::Index x = 0; x < nx; ++x) {
    slope_sum[out.group[std::size_t(x)]] += out.slope[std::size_t(x)];
    ++members[out.group[std::size_t(x)]];
  }
  if (members[0] > 0 && members[1] > 0 && slope_sum[0] / members[0] > slope_sum[1] / members[1])
    for (int& g : out.group) g = 1 - g;
  const int pixels = int(std::lround(std::log2(double(nx))));
  if ((1 << pixels) == nx)
    for (int t = 0; t < pixels; ++t) {
      int agree = 0;
      for (int x = 0; x < nx; ++x) agree += out.group[std::size_t(x)] == (__builtin_popcount(unsigned(x)) > t ? 1 : 0);
      const double a = double(agree) / nx;
      if (a > out.agreement) out.agreement = a, out.threshold = t;
    }
  return out;
}

Eigen::MatrixXd reward_by_pixels_and_count(const StateSpace& space, const Eigen::VectorXd& reward,
                                           const Eigen::VectorXd& weights, int pixels) {
  if (std::size_t(reward.size()) != space.size || std::size_t(weights.size()) != space.size)
    fail("reward_by_pixels_and_count: reward and weights need ", space.size, " entries");
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(pixels + 1, space.n + 1), mass = sum;
  for (std::size_t s = 0; s < space.size; ++s) {
    const int m = __builtin_popcount(unsigned(space.input_of(s))), c = spike_count(space.sigma_of(s));
    if (m > pixels) fail("reward_by_pixels_and_count: input ", space.input_of(s), " has more than ", pixels, " pixels");
    sum(m, c) += weights[Eigen::Index(s)] * reward[Eigen::Index(s)];
    mass(m, c) += weights[Eigen::Index(s)];
  }
  return (mass.array() > 0.0).select(sum.array() / mass.array(), std::numeric_limits<double>::quiet_NaN());
}

}  // namespace nirl
