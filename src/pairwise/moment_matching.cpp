// Moment matching of the untied pairwise family (docs/model.md section 5, inverse).
#include "nirl/pairwise/moment_matching.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "nirl/core/error.hpp"
#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {
namespace {

// Sweeps per chain recorded between two accumulations of the chains' sums.
constexpr int kChunk = 256;
constexpr int kPowerIterations = 20;
// The stopping rule's model resolution: median se_model / se_data at most this.
constexpr double kResolution = 0.5;
// The largest change of one activity parameter (a_i or b_ij) in one step.
constexpr double kMaxStep = 0.5;
// A fit whose RMS mismatch has not reached a new minimum in this many iterations stops
// (chains alternating between modes of a model the data do not fit).
constexpr int kPatience = 100;

// First and second moments of activities x = (sigma + 1) / 2, P_i = <x_i>, Q_ij = <x_i x_j>
// (diagonal P), and of the number active K, with standard errors (zero when exact).
struct Moments {
  Eigen::VectorXd P, se_P;
  Eigen::MatrixXd Q, se_Q;
  double K1 = 0.0, K2 = 0.0, se_K1 = 0.0, se_K2 = 0.0;
};

// Standard error of a mean of T independent bins of a 0/1 feature with mean p, floored at
// the resolution of one bin, 1/T (a feature that never varies in the data).
Eigen::ArrayXXd binary_se(const Eigen::ArrayXXd& p, double T) {
  return (p * (1.0 - p)).max(0.0).sqrt().max(1.0 / std::sqrt(T)) / std::sqrt(T);
}

Moments data_moments(const SpinCounts& data) {
  const double T = data.total;
  const ActivitySums sums = ActivitySums::of(data.states, data.counts / T);
  Moments d;
  d.P = sums.x;
  d.Q = symmetric_from_upper(sums.xx_upper);
  d.K1 = sums.count_moment(1);
  d.K2 = sums.count_moment(2);
  const double k4 = sums.count_moment(4);
  d.se_P = binary_se(d.P.array(), T).matrix();
  d.se_Q = binary_se(d.Q.array(), T).matrix();
  d.se_K1 = std::max(std::sqrt(std::max(0.0, d.K2 - d.K1 * d.K1) / T), 1.0 / T);
  d.se_K2 = std::max(std::sqrt(std::max(0.0, k4 - d.K2 * d.K2) / T), 1.0 / T);
  return d;
}

// Weighted states (weights summing to 1) over which the step's Fisher products run.
struct Ensemble {
  ActiveSets states;
  Eigen::VectorXd weights;
};

// The model side: exact moments by enumeration, or persistent Gibbs chains.
class ModelMoments {
 public:
  ModelMoments(int n, const MomentMatchingOptions& o)
      : n_(n), exact_(n <= std::min(o.exact_up_to, kMaxExactIsingNeurons)), chains_(n, o.chains, o.seed, o.stream_base) {
    if (exact_) {
      enumeration_ = StateEnsemble::enumeration(n);
      ensemble_.states = ActiveSets::enumeration(n);
    }
  }
  bool exact() const { return exact_; }

  // Moments of p_theta; with chains, `samples` further sweeps of every chain.
  Moments measure(const IsingParams& params, int samples) {
    return exact_ ? measure_exact(params) : measure_chains(params, samples);
  }
  void burn_in(const IsingParams& params, int sweeps) {
    if (!exact_ && sweeps > 0) chains_.sample(params, sweeps - 1, 1, 1);
  }
  // The states of the last measurement (enumeration: all, weighted by p_theta; chains:
  // the last chunk of every chain) for Fisher-vector products.
  const Ensemble& ensemble() const { return ensemble_; }

 private:
  Moments measure_exact(const IsingParams& params) {
    enumeration_.set_gibbs_weights(params);
    ensemble_.weights = enumeration_.weights();
    const ActivitySums sums = ActivitySums::of(ensemble_.states, ensemble_.weights);
    Moments mo;
    mo.P = sums.x;
    mo.Q = symmetric_from_upper(sums.xx_upper);
    mo.K1 = sums.count_moment(1);
    mo.K2 = sums.count_moment(2);
    mo.se_P = Eigen::VectorXd::Zero(n_);
    mo.se_Q = Eigen::MatrixXd::Zero(n_, n_);
    return mo;
  }

  Moments measure_chains(const IsingParams& params, int samples) {
    const int n = n_, chains = chains_.chains();
    std::vector<ActivitySums> per_chain(static_cast<std::size_t>(chains), ActivitySums(n));
    ActiveSets chunk;  // the states of one chunk of sweeps, chain-major
    for (int done = 0; done < samples;) {
      const int rows = std::min(kChunk, samples - done);
      chunk = ActiveSets::from_spins(chains_.sample(params, 0, rows, 1));
      const std::vector<double> w(std::size_t(rows), 1.0 / samples);
      static ThreadTeam team;
      const ThreadTeam::Call call(team, double(chains) * rows, chains > 1);
#pragma omp parallel for schedule(static) num_threads(call.threads())
      for (int c = 0; c < chains; ++c)
        per_chain[std::size_t(c)].add(chunk, std::size_t(c) * std::size_t(rows), std::size_t(rows), w.data());
      done += rows;
    }
    ensemble_.weights = Eigen::VectorXd::Constant(Eigen::Index(chunk.size()), 1.0 / double(chunk.size()));
    ensemble_.states = std::move(chunk);
    // Means over chains, and the standard error of the mean from their spread.
    Moments mo;
    mo.P = Eigen::VectorXd::Zero(n);
    Eigen::MatrixXd Q = Eigen::MatrixXd::Zero(n, n);
    Eigen::VectorXd vP = Eigen::VectorXd::Zero(n);
    Eigen::MatrixXd vQ = Eigen::MatrixXd::Zero(n, n);
    double v1 = 0.0, v2 = 0.0;
    std::vector<double> k1(static_cast<std::size_t>(chains)), k2(k1);
    for (int c = 0; c < chains; ++c) {
      const ActivitySums& s = per_chain[std::size_t(c)];
      k1[std::size_t(c)] = s.count_moment(1);
      k2[std::size_t(c)] = s.count_moment(2);
      mo.P += s.x / chains;
      Q += s.xx_upper / chains;
      mo.K1 += k1[std::size_t(c)] / chains;
      mo.K2 += k2[std::size_t(c)] / chains;
    }
    for (int c = 0; c < chains; ++c) {
      const ActivitySums& s = per_chain[std::size_t(c)];
      vP.array() += (s.x - mo.P).array().square();
      vQ.array() += (s.xx_upper - Q).array().square();
      v1 += (k1[std::size_t(c)] - mo.K1) * (k1[std::size_t(c)] - mo.K1);
      v2 += (k2[std::size_t(c)] - mo.K2) * (k2[std::size_t(c)] - mo.K2);
    }
    const double scale = 1.0 / (double(chains) * (chains - 1));
    mo.Q = symmetric_from_upper(Q);
    mo.se_P = (vP * scale).array().sqrt();
    mo.se_Q = symmetric_from_upper((vQ * scale).array().sqrt().matrix());
    mo.se_K1 = std::sqrt(v1 * scale);
    mo.se_K2 = std::sqrt(v2 * scale);
    return mo;
  }

  int n_;
  bool exact_;
  GibbsChains chains_;
  StateEnsemble enumeration_;  // exact: the weights p_theta of every state
  Ensemble ensemble_;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// Activity coordinates: log p = a . x + sum_{i<j} b_ij x_i x_j + const, so J = b / 4 and
// h_i = a_i / 2 + sum_j b_ij / 4. A gradient (or any covector) in spin coordinates maps
// to activity coordinates by the transpose: g_a = g_h / 2, g_b_ij = (g_J_ij + g_h_i + g_h_j) / 4.
IsingParams spins_from_activities(const Eigen::VectorXd& a, const Eigen::MatrixXd& b) {
  IsingParams p;
  p.J = b / 4.0;
  p.J.diagonal().setZero();
  p.h = a / 2.0 + p.J.rowwise().sum();
  return p;
}

// The gradient in activity coordinates (a, b; b symmetric, zero diagonal) and the
// mismatch statistics.
struct Gradient {
  Eigen::VectorXd a;
  Eigen::MatrixXd b;
  MomentMismatch mismatch;
  double count_mean_limit = 0.0, count_square_limit = 0.0;  // in data standard errors
  Eigen::Vector2d count_mismatch;  // data - model for E[K], E[K^2]
};

Gradient gradient(const Moments& d, const Moments& mo, const IsingParams& x, const Eigen::VectorXd& field_ridge,
                  double ridge, double tolerance) {
  const int n = int(x.h.size());
  Gradient g;
  // The penalty's gradient in spin coordinates, mapped to activity coordinates.
  const Eigen::VectorXd ph = field_ridge.cwiseProduct(x.h);
  g.a = d.P - mo.P - ph / 2.0;
  g.b = d.Q - mo.Q;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) g.b(i, j) -= (ridge * x.J(i, j) + ph[i] + ph[j]) / 4.0;
  g.b.diagonal().setZero();
  double rms = 0.0, noise = 0.0;
  long long noisy = 0;
  std::vector<double> resolution;
  resolution.reserve(std::size_t(n) * (n + 1) / 2);
  auto feature = [&](double gk, double se_d, double se_m) {
    rms += (gk * gk - se_m * se_m) / (se_d * se_d);
    if (se_m > 0.0) {
      noise += gk * gk / (se_m * se_m);
      ++noisy;
    }
    resolution.push_back(se_m / se_d);
  };
  for (int i = 0; i < n; ++i) feature(g.a[i], d.se_P[i], mo.se_P[i]);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) feature(g.b(i, j), d.se_Q(i, j), mo.se_Q(i, j));
  const double features = double(resolution.size());
  g.mismatch.rms = std::sqrt(std::max(0.0, rms / features));
  g.mismatch.noise = noisy > 0 ? noise / double(noisy) : 0.0;
  g.mismatch.resolution = median(std::move(resolution));
  g.count_mismatch = {d.K1 - mo.K1, d.K2 - mo.K2};
  g.mismatch.count_mean = (d.K1 - mo.K1) / d.se_K1;
  g.mismatch.count_square = (d.K2 - mo.K2) / d.se_K2;
  g.count_mean_limit = tolerance + 2.0 * mo.se_K1 / d.se_K1;
  g.count_square_limit = tolerance + 2.0 * mo.se_K2 / d.se_K2;
  return g;
}

// y_t = phi(x_t) . v = va . x_t + sum_{i<j} vb_ij x_ti x_tj for every state of the
// ensemble (vb symmetric, zero diagonal); returns the weighted mean of y.
double feature_values(const Ensemble& e, const Eigen::VectorXd& va, const Eigen::MatrixXd& vb, Eigen::VectorXd& y) {
  y.resize(Eigen::Index(e.states.size()));
  return sum_over_blocks(e.states.size(), 512, 1, [&](std::size_t first, std::size_t rows, double* acc) {
    for (std::size_t t = first; t < first + rows; ++t) {
      const std::int32_t* a = e.states.begin(t);
      const int k = e.states.count(t);
      double v = 0.0;
      for (int q = 0; q < k; ++q) {
        v += va[a[q]];
        const double* column = vb.data() + Eigen::Index(a[q]) * vb.rows();
        for (int p = 0; p < q; ++p) v += column[a[p]];
      }
      y[Eigen::Index(t)] = v;
      acc[0] += e.weights[Eigen::Index(t)] * v;
    }
  })[0];
}

// Cov(phi, phi . v) over the ensemble for the activity features phi = (x_i, x_i x_j) and a
// direction v = (va, vb) in activity coordinates (vb symmetric, zero diagonal).
void activity_fisher(const Ensemble& e, const Eigen::VectorXd& va, const Eigen::MatrixXd& vb, Eigen::VectorXd& out_a,
                     Eigen::MatrixXd& out_b) {
  Eigen::VectorXd y;
  const double mean = feature_values(e, va, vb, y);
  const Eigen::VectorXd u = e.weights.cwiseProduct((y.array() - mean).matrix());
  const ActivitySums sums = ActivitySums::of(e.states, u);
  out_a = sums.x;
  out_b = symmetric_from_upper(sums.xx_upper);
  out_b.diagonal().setZero();
}

// 1 / the largest eigenvalue of D^-1/2 Cov(phi, phi) D^-1/2 over the ensemble (D: the
// variances va, vb of the activity features), by power iteration from D^1/2 1.
double step_size(const Ensemble& e, const Eigen::VectorXd& var_a, const Eigen::MatrixXd& var_b) {
  const Eigen::ArrayXd ra = var_a.array().sqrt();
  const Eigen::ArrayXXd rb = var_b.array().sqrt();
  Eigen::VectorXd ua = ra.matrix();
  Eigen::MatrixXd ub = rb.matrix();
  ub.diagonal().setZero();
  // |u|^2 counts each pair once.
  auto norm = [](const Eigen::VectorXd& a, const Eigen::MatrixXd& b) {
    return std::sqrt(a.squaredNorm() + 0.5 * b.squaredNorm());
  };
  double scale = norm(ua, ub), lambda = 0.0;
  ua /= scale;
  ub /= scale;
  Eigen::VectorXd Fa;
  Eigen::MatrixXd Fb;
  for (int k = 0; k < kPowerIterations; ++k) {
    activity_fisher(e, (ua.array() / ra).matrix(), (ub.array() / rb).matrix(), Fa, Fb);
    Fa = (Fa.array() / ra).matrix();
    Fb = (Fb.array() / rb).matrix();
    lambda = ua.dot(Fa) + 0.5 * (ub.array() * Fb.array()).sum();
    scale = norm(Fa, Fb);
    if (!(scale > 0.0)) break;
    ua = Fa / scale;
    ub = Fb / scale;
  }
  return lambda > 0.0 ? 1.0 / lambda : 1.0;
}

// The collective correction: the Jacobi step moves the population statistics (E[K],
// E[K^2]) slowly (they are sums over many features, each step a little). A tilt
// p -> p exp(d1 K + d2 K^2) (a_i += d1 + d2, b_ij += 2 d2) is added so that, to first
// order over the ensemble, the step leaves no mismatch in them: Newton's method in the
// two-parameter family whose sufficient statistics they are.
void add_collective_tilt(const Ensemble& e, const Eigen::Vector2d& mismatch, Eigen::VectorXd& step_a,
                         Eigen::MatrixXd& step_b) {
  Eigen::VectorXd y;
  feature_values(e, step_a, step_b, y);
  // Weighted sums of K^m (m = 1..4), y, K y, K^2 y, with y = phi . step.
  double s[7] = {0, 0, 0, 0, 0, 0, 0};
  for (std::size_t t = 0; t < e.states.size(); ++t) {
    const double w = e.weights[Eigen::Index(t)], K = e.states.count(t), yt = y[Eigen::Index(t)];
    s[0] += w * K;
    s[1] += w * K * K;
    s[2] += w * K * K * K;
    s[3] += w * K * K * K * K;
    s[4] += w * yt;
    s[5] += w * K * yt;
    s[6] += w * K * K * yt;
  }
  Eigen::Matrix2d cov;
  cov << s[1] - s[0] * s[0], s[2] - s[0] * s[1], s[2] - s[0] * s[1], s[3] - s[1] * s[1];
  const Eigen::Vector2d moved(s[5] - s[0] * s[4], s[6] - s[1] * s[4]);
  const Eigen::Vector2d tilt = cov.ldlt().solve(mismatch - moved);
  if (!tilt.allFinite() || cov.determinant() <= 0.0) return;
  step_a.array() += tilt[0] + tilt[1];
  step_b.array() += 2.0 * tilt[1];
  step_b.diagonal().setZero();
}

}  // namespace

MomentMatchingFit match_moments(const SpinCounts& data, const IsingParams& start, const MomentMatchingOptions& o,
                                const std::function<void(int, int, const MomentMismatch&)>& progress) {
  const int n = data.n();
  if (start.n() != n) fail("moment matching: a start of ", start.n(), " neurons for data of ", n);
  if (!(o.ridge >= 0.0)) fail("moment matching: the ridge must be >= 0 (got ", o.ridge, ")");
  if (!(o.tolerance > 0.0)) fail("moment matching: the tolerance must be > 0 (got ", o.tolerance, ")");
  if (o.chains < 2) fail("moment matching: at least 2 chains are needed (got ", o.chains, ")");
  if (o.samples < 1 || o.max_samples < o.samples)
    fail("moment matching: need 1 <= samples <= max_samples (got ", o.samples, ", ", o.max_samples, ")");
  if (o.burn_in < 0 || o.stage_iterations < 1 || o.max_iterations < 0)
    fail("moment matching: burn-in >= 0, stage iterations >= 1 and max iterations >= 0 are needed");
  const Moments d = data_moments(data);
  const Eigen::VectorXd field_ridge = (d.P.array() == 0.0 || d.P.array() == 1.0).cast<double>() * o.ridge;
  ModelMoments model(n, o);
  MomentMatchingFit fit;
  fit.exact = model.exact();
  fit.params = start;
  fit.samples = fit.exact ? 0 : o.samples;
  model.burn_in(start, o.burn_in);
  fit.sweeps = fit.exact ? 0 : o.burn_in;
  double alpha = 0.0;
  int stage_iteration = 0;
  MomentMatchingFit best;  // the parameters with the smallest RMS mismatch so far
  int best_iteration = 0;
  for (int iteration = 0;; ++iteration) {
    const Moments mo = model.measure(fit.params, fit.samples);
    fit.sweeps += fit.samples;
    const Gradient g = gradient(d, mo, fit.params, field_ridge, o.ridge, o.tolerance);
    fit.mismatch = g.mismatch;
    fit.iterations = iteration;
    if (progress) progress(iteration, fit.samples, g.mismatch);
    if (!std::isfinite(g.mismatch.rms)) {
      fit.status = "the model's moments are not finite";
      return fit;
    }
    const MomentMismatch& mm = g.mismatch;
    if (mm.resolution <= kResolution && mm.rms <= o.tolerance && std::abs(mm.count_mean) <= g.count_mean_limit &&
        std::abs(mm.count_square) <= g.count_square_limit) {
      fit.converged = true;
      fit.status = "moments matched within the data's sampling error";
      return fit;
    }
    if (iteration == 0 || mm.rms < best.mismatch.rms) {
      best.params = fit.params;
      best.mismatch = mm;
      best_iteration = iteration;
    }
    const bool stalled = iteration - best_iteration >= kPatience;
    if (iteration == o.max_iterations || stalled) {
      fit.params = best.params;
      fit.mismatch = best.mismatch;
      fit.status = std::string(stalled ? "no smaller mismatch in " + std::to_string(kPatience) + " iterations"
                                       : "iteration limit reached") +
                   "; returned the parameters of iteration " + std::to_string(best_iteration) +
                   ", the smallest mismatch seen";
      return fit;
    }
    // Jacobi scaling by the model variances of the activity features, floored at the
    // resolution of the data (1/T) and of the model's sample (1/M): a feature the chains
    // have not shown yet gets a step no larger than one they show once.
    const double floor =
        std::max(1.0 / data.total, fit.exact ? 0.0 : 1.0 / (double(o.chains) * double(fit.samples)));
    const Eigen::VectorXd var_a = (mo.P.array() * (1.0 - mo.P.array())).max(floor);
    const Eigen::MatrixXd var_b = (mo.Q.array() * (1.0 - mo.Q.array())).max(floor);
    const bool next_stage =
        stage_iteration >= o.stage_iterations || (!fit.exact && mm.noise <= 2.0 && fit.samples < o.max_samples);
    if (alpha == 0.0 || next_stage) {
      alpha = step_size(model.ensemble(), var_a, var_b);
      stage_iteration = 0;
      if (next_stage && !fit.exact) fit.samples = std::min(2 * fit.samples, o.max_samples);
    }
    ++stage_iteration;
    Eigen::VectorXd step_a = alpha * (g.a.array() / var_a.array()).matrix();
    Eigen::MatrixXd step_b = alpha * (g.b.array() / var_b.array()).matrix();
    add_collective_tilt(model.ensemble(), g.count_mismatch, step_a, step_b);
    // A step changes no activity parameter by more than kMaxStep.
    const double largest = std::max(step_a.cwiseAbs().maxCoeff(), step_b.cwiseAbs().maxCoeff());
    if (largest > kMaxStep) {
      step_a *= kMaxStep / largest;
      step_b *= kMaxStep / largest;
    }
    const IsingParams step = spins_from_activities(step_a, step_b);
    fit.params.h += step.h;
    fit.params.J += step.J;
  }
}

}  // namespace nirl
