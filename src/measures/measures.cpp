// Reward alignment, KL divergence and spike-count distributions (docs/model.md section 7).
#include "nirl/measures/measures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nirl/core/error.hpp"
#include "nirl/detail/numerics.hpp"

namespace nirl {

namespace {

void require_size(const char* what, const Eigen::VectorXd& v, std::size_t size) {
  if (std::size_t(v.size()) != size) fail(what, " has length ", v.size(), " (expected ", size, ")");
}

// !(v >= 0) also rejects NaN.
void require_nonnegative(const char* what, const Eigen::VectorXd& v) {
  for (Eigen::Index s = 0; s < v.size(); ++s)
    if (!(v[s] >= 0.0)) fail(what, "[", s, "] must be >= 0 (got ", v[s], ")");
}

// The fit over `size` states in `nx` groups (group_of(s): the additive offset of state s).
template <typename GroupOf>
AlignedFit aligned_fit(std::size_t size, std::size_t nx, GroupOf group_of, const Eigen::VectorXd& r_true,
                       const Eigen::VectorXd& r_hat, const Eigen::VectorXd& p_true, double threshold, bool weighted) {
  require_size("r_true", r_true, size);
  require_size("r_hat", r_hat, size);
  require_size("p_true", p_true, size);
  require_nonnegative("p_true", p_true);
  if (!(threshold >= 0.0)) fail("r2 threshold must be >= 0 (got ", threshold, ")");

  std::vector<double> weight(nx, 0.0), mean_true(nx, 0.0), mean_hat(nx, 0.0);
  AlignedFit fit;
  for (std::size_t s = 0; s < size; ++s) {
    const double p = p_true[Eigen::Index(s)];
    if (!(p > threshold)) continue;
    const double w = weighted ? p : 1.0;
    const std::size_t x = group_of(s);
    weight[x] += w;
    mean_true[x] += w * r_true[Eigen::Index(s)];
    mean_hat[x] += w * r_hat[Eigen::Index(s)];
    ++fit.states;
  }
  if (fit.states < 2)
    fail("r2 needs at least 2 states with p_true > ", threshold, " (got ", fit.states, ")");
  for (std::size_t x = 0; x < nx; ++x) {
    if (weight[x] > 0.0) {
      mean_true[x] /= weight[x];
      mean_hat[x] /= weight[x];
    }
  }

  double s_hh = 0.0, s_ht = 0.0, s_tt = 0.0;
  for (std::size_t s = 0; s < size; ++s) {
    const double p = p_true[Eigen::Index(s)];
    if (!(p > threshold)) continue;
    const double w = weighted ? p : 1.0;
    const std::size_t x = group_of(s);
    const double dt = r_true[Eigen::Index(s)] - mean_true[x];
    const double dh = r_hat[Eigen::Index(s)] - mean_hat[x];
    s_hh += w * dh * dh;
    s_ht += w * dh * dt;
    s_tt += w * dt * dt;
  }
  if (!(s_tt > 0.0))
    fail("r2 is undefined: the true reward is constant within every input state over the ",
         fit.states, " states with p_true > ", threshold);

  fit.scale = s_hh > 0.0 ? s_ht / s_hh : 0.0;
  fit.r2 = fit.scale * s_ht / s_tt;
  fit.offset.assign(nx, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t x = 0; x < nx; ++x)
    if (weight[x] > 0.0) fit.offset[x] = mean_true[x] - fit.scale * mean_hat[x];
  return fit;
}

}  // namespace

Eigen::VectorXd aligned_reward(const StateSpace& space, const AlignedFit& fit, const Eigen::VectorXd& r_hat) {
  Eigen::VectorXd aligned(r_hat.size());
  for (std::size_t s = 0; s < space.size; ++s)
    aligned[Eigen::Index(s)] = fit.scale * r_hat[Eigen::Index(s)] + fit.offset[std::size_t(space.input_of(s))];
  return aligned;
}

AlignedFit aligned_r2(const StateSpace& space, const Eigen::VectorXd& r_true, const Eigen::VectorXd& r_hat,
                      const Eigen::VectorXd& p_true, double threshold, bool weighted) {
  return aligned_fit(
      space.size, std::size_t(space.nx), [&](std::size_t s) { return std::size_t(space.input_of(s)); }, r_true, r_hat,
      p_true, threshold, weighted);
}

AlignedFit aligned_r2(const Eigen::VectorXd& r_true, const Eigen::VectorXd& r_hat, const Eigen::VectorXd& p_true,
                      double threshold, bool weighted) {
  return aligned_fit(
      std::size_t(r_true.size()), 1, [](std::size_t) { return std::size_t(0); }, r_true, r_hat, p_true, threshold,
      weighted);
}

double kl_divergence(const Eigen::VectorXd& p, const Eigen::VectorXd& q) {
  if (p.size() != q.size()) fail("KL: p has length ", p.size(), " but q has length ", q.size());
  require_nonnegative("KL: p", p);
  require_nonnegative("KL: q", q);
  const double p_sum = p.sum(), q_sum = q.sum();
  if (!(p_sum > 0.0) || !(q_sum > 0.0)) fail("KL: p and q must each have a positive sum");
  double kl = 0.0;
  for (Eigen::Index s = 0; s < p.size(); ++s) {
    const double pn = p[s] / p_sum, qn = q[s] / q_sum;
    kl += kl_term(pn, std::log(pn), std::log(qn));
  }
  return std::max(kl, 0.0);  // KL >= 0; only rounding can make the sum negative
}

Eigen::MatrixXd count_distribution(const StateSpace& space, const Eigen::VectorXd& p) {
  require_size("p", p, space.size);
  require_nonnegative("p", p);
  Eigen::MatrixXd counts = Eigen::MatrixXd::Zero(space.nx, space.n + 1);
  for (std::size_t s = 0; s < space.size; ++s)
    counts(space.input_of(s), spike_count(space.sigma_of(s))) += p[Eigen::Index(s)];
  for (Eigen::Index x = 0; x < counts.rows(); ++x) {
    const double px = counts.row(x).sum();
    if (px > 0.0) counts.row(x) /= px;
  }
  return counts;
}

Eigen::VectorXd firing_probabilities(const StateSpace& space, const Eigen::VectorXd& p) {
  require_size("p", p, space.size);
  require_nonnegative("p", p);
  Eigen::VectorXd rates = Eigen::VectorXd::Zero(space.n);
  for (std::size_t s = 0; s < space.size; ++s) {
    const std::uint64_t sigma = space.sigma_of(s);
    for (int i = 0; i < space.n; ++i)
      if ((sigma >> i) & 1) rates[i] += p[Eigen::Index(s)];
  }
  return rates;
}

}  // namespace nirl
