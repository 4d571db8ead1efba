// Moment matching (moment_matching.hpp) against checks written here: data drawn by a Gibbs
// sampler and an exact sampler of this file (std::mt19937_64, not nirl's samplers), the
// maximum-likelihood optimum by Newton's method on an enumeration of this file, and model
// moments by enumeration or by this file's sampler.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <omp.h>

#include <random>

#include "nirl/pairwise/fit_check.hpp"
#include "nirl/pairwise/moment_matching.hpp"
#include "nirl/pairwise/pseudo_likelihood.hpp"

using namespace nirl;

namespace {

// T states of p_theta, `thin` heat-bath sweeps apart after `burn_in` sweeps from all silent.
std::vector<std::uint8_t> gibbs_raster(const IsingParams& p, std::size_t T, int thin, std::uint64_t seed) {
  const int n = p.n();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Eigen::VectorXd s = Eigen::VectorXd::Constant(n, -1.0);
  Eigen::VectorXd H = p.h + p.J * s;
  auto sweep = [&] {
    for (int i = 0; i < n; ++i) {
      const double up = 1.0 / (1.0 + std::exp(-2.0 * H[i]));
      const double v = u(rng) < up ? 1.0 : -1.0;
      if (v != s[i]) {
        H += (v - s[i]) * p.J.col(i);
        s[i] = v;
      }
    }
  };
  for (int k = 0; k < 1000; ++k) sweep();
  std::vector<std::uint8_t> raster(T * std::size_t(n));
  for (std::size_t t = 0; t < T; ++t) {
    for (int k = 0; k < thin; ++k) sweep();
    for (int i = 0; i < n; ++i) raster[t * std::size_t(n) + std::size_t(i)] = s[i] > 0 ? 1 : 0;
  }
  return raster;
}

// Mean spins and pair products of a raster (0/1 entries) in ±1 spins.
void raster_moments(const std::vector<std::uint8_t>& raster, std::size_t T, int n, Eigen::VectorXd& m,
                    Eigen::MatrixXd& C) {
  m = Eigen::VectorXd::Zero(n);
  C = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd s(n);
  for (std::size_t t = 0; t < T; ++t) {
    for (int i = 0; i < n; ++i) s[i] = raster[t * std::size_t(n) + std::size_t(i)] ? 1.0 : -1.0;
    m += s;
    C += s * s.transpose();
  }
  m /= double(T);
  C /= double(T);
}

double r2(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
  const Eigen::ArrayXd dx = x.array() - x.mean(), dy = y.array() - y.mean();
  const double sxy = (dx * dy).sum();
  return sxy * sxy / ((dx * dx).sum() * (dy * dy).sum());
}

Eigen::VectorXd upper(const Eigen::MatrixXd& J) {
  const int n = int(J.rows());
  Eigen::VectorXd v(n * (n - 1) / 2);
  for (int i = 0, k = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) v[k++] = J(i, j);
  return v;
}

// A random network given in 0/1 activities x = (sigma + 1) / 2,
//   log p = sum_i a_i x_i + sum_{i<j} b_ij x_i x_j,  b_ij ~ N(mean, sd^2), a_i ~ N(bias, 0.5^2),
// as (h, J): J = b / 4, h_i = a_i / 2 + sum_j b_ij / 4.
IsingParams random_network(int n, double mean, double sd, double bias, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  IsingParams p = IsingParams::zero(n);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) p.J(i, j) = p.J(j, i) = (mean + sd * g(rng)) / 4.0;
  for (int i = 0; i < n; ++i) p.h[i] = (bias + 0.5 * g(rng)) / 2.0 + p.J.row(i).sum();
  return p;
}

// Exact moments of p_theta by a direct sum over the 2^n states: the features
// phi = (sigma_i, sigma_i sigma_j (i < j)), their mean and covariance.
struct Enumerated {
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
  double log_z = 0.0;
};
Eigen::VectorXd features(unsigned state, int n) {
  Eigen::VectorXd f(n + n * (n - 1) / 2);
  for (int i = 0, k = n; i < n; ++i) {
    f[i] = (state >> i) & 1 ? 1.0 : -1.0;
    for (int j = i + 1; j < n; ++j) f[k++] = ((state >> i) & 1 ? 1.0 : -1.0) * ((state >> j) & 1 ? 1.0 : -1.0);
  }
  return f;
}
Enumerated enumerate(const Eigen::VectorXd& x, int n) {
  const unsigned S = 1u << n;
  std::vector<double> e(S);
  double top = -INFINITY;
  for (unsigned s = 0; s < S; ++s) top = std::max(top, e[s] = x.dot(features(s, n)));
  Enumerated r;
  r.mean = Eigen::VectorXd::Zero(x.size());
  Eigen::MatrixXd second = Eigen::MatrixXd::Zero(x.size(), x.size());
  double z = 0.0;
  for (unsigned s = 0; s < S; ++s) {
    const double w = std::exp(e[s] - top);
    const Eigen::VectorXd f = features(s, n);
    z += w;
    r.mean += w * f;
    second += w * f * f.transpose();
  }
  r.mean /= z;
  r.cov = second / z - r.mean * r.mean.transpose();
  r.log_z = top + std::log(z);
  return r;
}
Eigen::VectorXd pack(const IsingParams& p) {
  const int n = p.n();
  Eigen::VectorXd x(n + n * (n - 1) / 2);
  x.head(n) = p.h;
  x.tail(x.size() - n) = upper(p.J);
  return x;
}

}  // namespace

// n = 8, exact moments: the result is the penalised maximum-likelihood optimum found here by
// Newton's method on the enumeration (fields free, (ridge/2)|J|^2). The algorithm stops once
// the moments match within half a data standard error (RMS); the distance to the optimum
// in the Fisher metric of T samples, sqrt(T d' F d), is then below one standard error.
TEST(MomentMatching, ExactMomentsReachTheMaximumLikelihoodOptimum) {
  const int n = 8;
  const std::size_t T = 20000;
  IsingParams truth = random_network(n, 0.1, 0.6, -2.0, 5);
  const Eigen::VectorXd xt = pack(truth);
  // i.i.d. samples of the exact distribution, drawn here.
  const Enumerated et = enumerate(xt, n);
  std::vector<double> p(1u << n);
  for (unsigned s = 0; s < p.size(); ++s) p[s] = std::exp(xt.dot(features(s, n)) - et.log_z);
  std::mt19937_64 rng(3);
  std::discrete_distribution<unsigned> draw(p.begin(), p.end());
  std::vector<std::uint8_t> raster(T * n);
  Eigen::VectorXd mu = Eigen::VectorXd::Zero(xt.size());
  for (std::size_t t = 0; t < T; ++t) {
    const unsigned s = draw(rng);
    for (int i = 0; i < n; ++i) raster[t * n + std::size_t(i)] = (s >> i) & 1;
    mu += features(s, n) / double(T);
  }
  const SpinCounts data = count_states(raster, T, n);
  MomentMatchingOptions o;
  o.ridge = 1e-3;
  const MomentMatchingFit fit = match_moments(data, fit_pseudo_likelihood(data).params, o);
  ASSERT_TRUE(fit.converged) << fit.status;
  EXPECT_TRUE(fit.exact);
  // Newton on L(x) = x . mu - log Z(x) - (ridge/2)|J|^2.
  const Eigen::Index P = xt.size();
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(P, o.ridge);
  penalty.head(n).setZero();
  Eigen::VectorXd x = Eigen::VectorXd::Zero(P);
  for (int it = 0; it < 100; ++it) {
    const Enumerated e = enumerate(x, n);
    const Eigen::VectorXd g = mu - e.mean - penalty.cwiseProduct(x);
    if (g.norm() < 1e-13) break;
    Eigen::MatrixXd H = e.cov;
    H.diagonal() += penalty;
    const Eigen::VectorXd step = H.ldlt().solve(g);
    auto L = [&](const Eigen::VectorXd& y) {
      return y.dot(mu) - enumerate(y, n).log_z - 0.5 * (penalty.array() * y.array().square()).sum();
    };
    double a = 1.0;
    while (L(x + a * step) < L(x) && a > 1e-6) a /= 2;
    x += a * step;
  }
  const Enumerated e = enumerate(x, n);
  ASSERT_LT((mu - e.mean - penalty.cwiseProduct(x)).norm(), 1e-10);
  const Eigen::VectorXd d = pack(fit.params) - x;
  const double distance = std::sqrt(double(T) * d.dot(e.cov * d));
  EXPECT_LT(distance, 1.0);
  std::printf("Fisher distance to the optimum %.3g standard errors; mismatch %.3g\n", distance, fit.mismatch.rms);
}

// A fit stopped before the rule is met returns the parameters with the smallest mismatch it
// measured, and that mismatch is theirs: measured again from them (exact moments, so
// deterministic), it is the same, and it is below the start's.
TEST(MomentMatching, AnUnfinishedFitReturnsItsBestParameters) {
  const int n = 8;
  const std::size_t T = 5000;
  const SpinCounts data = count_states(gibbs_raster(random_network(n, 0.1, 0.6, -2.0, 5), T, 3, 9), T, n);
  MomentMatchingOptions o;
  o.tolerance = 1e-9;  // not reachable
  o.max_iterations = 6;
  const IsingParams start = IsingParams::zero(n);
  const MomentMatchingFit fit = match_moments(data, start, o);
  EXPECT_FALSE(fit.converged);
  EXPECT_NE(fit.status.find("iteration limit reached"), std::string::npos) << fit.status;
  EXPECT_EQ(fit.iterations, 6);
  MomentMatchingOptions measure_only = o;
  measure_only.max_iterations = 0;
  const MomentMatchingFit again = match_moments(data, fit.params, measure_only);
  EXPECT_EQ(again.params.h, fit.params.h);
  EXPECT_NEAR(again.mismatch.rms, fit.mismatch.rms, 1e-12 * fit.mismatch.rms);
  EXPECT_LT(fit.mismatch.rms, match_moments(data, start, measure_only).mismatch.rms);
}

// The acceptance case: a recording made here (heat-bath sweeps of this file) of a known
// 60-neuron network, sparse (10% active) with couplings of both signs; 40000 bins five sweeps
// apart. Gibbs-chain moment matching recovers h and J (r2 > 0.9) and the data's moments,
// measured here by a long run of this file's sampler: the rates within their standard errors
// (RMS z <= 1) and the mean number active within 3 combined standard errors of the data's;
// the goodness-of-fit check passes.
TEST(MomentMatching, ChainsRecoverAKnown60NeuronNetwork) {
  const int n = 60;
  const std::size_t T = 40000;
  const IsingParams truth = random_network(n, 0.04, 0.4, -3.0, 7);
  const auto raster = gibbs_raster(truth, T, 5, 11);
  const SpinCounts data = count_states(raster, T, n);
  const MomentMatchingFit fit = match_moments(data, fit_pseudo_likelihood(data).params);
  ASSERT_TRUE(fit.converged) << fit.status;
  EXPECT_FALSE(fit.exact);
  EXPECT_GT(r2(truth.h, fit.params.h), 0.9);
  EXPECT_GT(r2(upper(truth.J), upper(fit.params.J)), 0.9);
  Eigen::VectorXd m, mm;
  Eigen::MatrixXd C, CC;
  raster_moments(raster, T, n, m, C);
  const std::size_t L = 400000;
  const auto model = gibbs_raster(fit.params, L, 2, 99);
  raster_moments(model, L, n, mm, CC);
  const Eigen::ArrayXd se = ((1 - m.array().square()) / double(T)).sqrt();
  const double rms_z = std::sqrt(((mm - m).array() / se).square().mean());
  EXPECT_LT(rms_z, 1.0);
  // E[K] = sum_i (1 + m_i) / 2; its standard error from the data's K variance, for the data
  // and (L samples, two sweeps apart, counted as L / 10 independent) the check's run.
  double k1 = 0, k2 = 0;
  for (std::size_t t = 0; t < T; ++t) {
    double k = 0;
    for (int i = 0; i < n; ++i) k += raster[t * n + std::size_t(i)];
    k1 += k / double(T);
    k2 += k * k / double(T);
  }
  const double se_k = std::sqrt((k2 - k1 * k1) * (1.0 / double(T) + 10.0 / double(L)));
  EXPECT_LT(std::abs(0.5 * (mm - m).sum()), 3.0 * se_k);
  const FitCheck check = check_fit(data, fit.params);
  EXPECT_TRUE(check.passed) << check.problem;
  std::printf("%d iterations; r2 h %.3f J %.3f; rates RMS z %.3f; E[K] %.4f vs %.4f (se %.4f); TV %.4f\n",
              fit.iterations, r2(truth.h, fit.params.h), r2(upper(truth.J), upper(fit.params.J)), rms_z,
              k1 + 0.5 * (mm - m).sum(), k1, se_k, check.count_tv);
}

// A strongly coupled sparse network (mean coupling 0.2 in activity terms, about 1% active,
// 10000 bins): the pseudo-likelihood fit alone puts mass on a high-activity mode the data
// never show, and the goodness-of-fit check flags it; moment matching from that fit removes
// the mode and passes the check.
TEST(MomentMatching, PseudoLikelihoodAloneIsFlaggedOnAStronglyCoupledNetwork) {
  const int n = 60;
  const std::size_t T = 10000;
  const IsingParams truth = random_network(n, 0.2, 0.1, -5.0, 7);
  const SpinCounts data = count_states(gibbs_raster(truth, T, 5, 11), T, n);
  const PseudoLikelihoodFit pl = fit_pseudo_likelihood(data);
  const FitCheck before = check_fit(data, pl.params);
  EXPECT_FALSE(before.passed);
  EXPECT_GT(before.unsupported_mass, 0.01);
  const MomentMatchingFit fit = match_moments(data, pl.params);
  ASSERT_TRUE(fit.converged) << fit.status;
  const FitCheck after = check_fit(data, fit.params);
  EXPECT_TRUE(after.passed) << after.problem;
  EXPECT_LT(after.count_tv, before.count_tv / 4);
}

// Chains draw their own streams and add their sums in chain order: the same result on 1 and
// 2 threads, bit for bit.
TEST(MomentMatching, TheThreadCountDoesNotChangeTheResult) {
  const int n = 24;
  const IsingParams truth = random_network(n, 0.05, 0.4, -2.5, 3);
  const SpinCounts data = count_states(gibbs_raster(truth, 5000, 3, 4), 5000, n);
  MomentMatchingOptions o;
  o.max_iterations = 6;
  const IsingParams start = fit_pseudo_likelihood(data).params;
  omp_set_num_threads(1);
  const MomentMatchingFit one = match_moments(data, start, o);
  omp_set_num_threads(2);
  const MomentMatchingFit two = match_moments(data, start, o);
  EXPECT_EQ(one.iterations, two.iterations);
  EXPECT_TRUE(one.params.h == two.params.h);
  EXPECT_TRUE(one.params.J == two.params.J);
}

TEST(MomentMatching, RefusesBadOptions) {
  const SpinCounts data = count_states(std::vector<std::uint8_t>{0, 1, 1, 0, 1, 1}, 3, 2);
  MomentMatchingOptions o;
  o.chains = 1;
  EXPECT_THROW(match_moments(data, IsingParams::zero(2), o), std::exception);
  EXPECT_THROW(match_moments(data, IsingParams::zero(3)), std::exception);
  o = {};
  o.tolerance = 0.0;
  EXPECT_THROW(match_moments(data, IsingParams::zero(2), o), std::exception);
}
