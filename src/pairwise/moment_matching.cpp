// Moment matching of the untied pairwise family (MODEL.md section 5, inverse).
#include "nirl/pairwise/moment_matching.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "nirl/core/error.hpp"
#include "nirl/pairwise/ising_forward.hpp"

namespace nirl {
namespace {

// Sweeps per chain recorded between two accumulations of the chains' sums.
constexpr int kChunk = 256;
constexpr int kPowerIterations = 20;
// The stopping rule's model resolution: median se_model / se_data at most this.
constexpr double kResolution = 0.5;
// The largest change of one activity parameter (a_i or b_ij) in one step.
constexpr double kMaxStep = 0.5;

// First and second moments of activities x = (sigma + 1) / 2, P_i = <x_i>, Q_ij = <x_i x_j>
// (diagonal P), and of the number active K, with standard errors (zero when exact).
struct Moments {
  Eigen::VectorXd P, se_P;
  Eigen::MatrixXd Q, se_Q;
  double K1 = 0.0, K2 = 0.0, se_K1 = 0.0, se_K2 = 0.0;
};

// Weighted sums of x, x x^T, K and K^2 over spin states.
struct Sums {
  Eigen::VectorXd x;
  Eigen::MatrixXd xx;
  double k1 = 0.0, k2 = 0.0;
  void reset(int n) {
    x = Eigen::VectorXd::Zero(n);
    xx = Eigen::MatrixXd::Zero(n, n);
    k1 = k2 = 0.0;
  }
  // Rows of S (spins) with weights w.
  void add(const Eigen::Ref<const Eigen::MatrixXd>& S, const Eigen::VectorXd& w) {
    const Eigen::MatrixXd X = (S.array() + 1.0) * 0.5;
    x.noalias() += X.transpose() * w;
    xx.noalias() += X.transpose() * w.asDiagonal() * X;
    const Eigen::ArrayXd K = X.rowwise().sum().array();
    k1 += (K * w.array()).sum();
    k2 += (K.square() * w.array()).sum();
  }
};

// Standard error of a mean of T independent bins of a 0/1 feature with mean p, floored at
// the resolution of one bin, 1/T (a feature that never varies in the data).
Eigen::ArrayXXd binary_se(const Eigen::ArrayXXd& p, double T) {
  return (p * (1.0 - p)).max(0.0).sqrt().max(1.0 / std::sqrt(T)) / std::sqrt(T);
}

Moments data_moments(const SpinCounts& data) {
  const int n = data.n();
  const double T = data.total;
  const Eigen::VectorXd w = data.counts / T;
  Sums sums;
  sums.reset(n);
  sums.add(data.states, w);
  Moments d;
  d.P = sums.x;
  d.Q = sums.xx;
  d.K1 = sums.k1;
  d.K2 = sums.k2;
  const Eigen::ArrayXd K = 0.5 * (double(n) + data.states.rowwise().sum().array());
  const double k4 = (K.square().square() * w.array()).sum();
  d.se_P = binary_se(d.P.array(), T).matrix();
  d.se_Q = binary_se(d.Q.array(), T).matrix();
  d.se_K1 = std::max(std::sqrt(std::max(0.0, d.K2 - d.K1 * d.K1) / T), 1.0 / T);
  d.se_K2 = std::max(std::sqrt(std::max(0.0, k4 - d.K2 * d.K2) / T), 1.0 / T);
  return d;
}

// The model side: exact moments by enumeration, or persistent Gibbs chains.
class ModelMoments {
 public:
  ModelMoments(int n, const MomentMatchingOptions& o)
      : n_(n), exact_(n <= std::min(o.exact_up_to, kMaxExactIsingNeurons)), chains_(n, o.chains, o.seed, o.stream_base) {
    if (exact_) ensemble_ = StateEnsemble::enumeration(n);
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
  const StateEnsemble& ensemble() const { return ensemble_; }

 private:
  Moments measure_exact(const IsingParams& params) {
    ensemble_.set_gibbs_weights(params);
    const int n = n_, m = n + n * n + 2;
    const std::vector<double> total = ensemble_.blocked(m, [&](std::size_t begin, const Eigen::MatrixXd& S, double* acc) {
      Sums b;
      b.reset(n);
      b.add(S, ensemble_.weights().segment(Eigen::Index(begin), S.rows()));
      Eigen::Map<Eigen::VectorXd>(acc, n) = b.x;
      Eigen::Map<Eigen::MatrixXd>(acc + n, n, n) = b.xx;
      acc[n + n * n] = b.k1;
      acc[n + n * n + 1] = b.k2;
    });
    Moments mo;
    mo.P = Eigen::Map<const Eigen::VectorXd>(total.data(), n);
    mo.Q = Eigen::Map<const Eigen::MatrixXd>(total.data() + n, n, n);
    mo.K1 = total[std::size_t(n + n * n)];
    mo.K2 = total[std::size_t(n + n * n + 1)];
    mo.se_P = Eigen::VectorXd::Zero(n);
    mo.se_Q = Eigen::MatrixXd::Zero(n, n);
    return mo;
  }

  Moments measure_chains(const IsingParams& params, int samples) {
    const int n = n_, chains = chains_.chains();
    std::vector<Sums> per_chain{std::size_t(chains)};
    for (Sums& s : per_chain) s.reset(n);
    Eigen::MatrixXd S;
    for (int done = 0; done < samples;) {
      const int rows = std::min(kChunk, samples - done);
      S = chains_.sample(params, 0, rows, 1);
      const Eigen::VectorXd w = Eigen::VectorXd::Constant(rows, 1.0 / samples);
#pragma omp parallel for schedule(static)
      for (int c = 0; c < chains; ++c) per_chain[std::size_t(c)].add(S.middleRows(Eigen::Index(c) * rows, rows), w);
      done += rows;
    }
    const Eigen::Index rows = S.rows();
    ensemble_ = StateEnsemble::from_states(std::move(S), Eigen::VectorXd::Ones(rows));
    // Means over chains, and the standard error of the mean from their spread.
    Moments mo;
    mo.P = Eigen::VectorXd::Zero(n);
    mo.Q = Eigen::MatrixXd::Zero(n, n);
    Eigen::VectorXd vP = Eigen::VectorXd::Zero(n);
    Eigen::MatrixXd vQ = Eigen::MatrixXd::Zero(n, n);
    double v1 = 0.0, v2 = 0.0;
    for (const Sums& s : per_chain) {
      mo.P += s.x / chains;
      mo.Q += s.xx / chains;
      mo.K1 += s.k1 / chains;
      mo.K2 += s.k2 / chains;
    }
    for (const Sums& s : per_chain) {
      vP.array() += (s.x - mo.P).array().square();
      vQ.array() += (s.xx - mo.Q).array().square();
      v1 += (s.k1 - mo.K1) * (s.k1 - mo.K1);
      v2 += (s.k2 - mo.K2) * (s.k2 - mo.K2);
    }
    const double scale = 1.0 / (double(chains) * (chains - 1));
    mo.se_P = (vP * scale).array().sqrt();
    mo.se_Q = (vQ * scale).array().sqrt();
    mo.se_K1 = std::sqrt(v1 * scale);
    mo.se_K2 = std::sqrt(v2 * scale);
    return mo;
  }

  int n_;
  bool exact_;
  GibbsChains chains_;
  StateEnsemble ensemble_;
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

// Cov(phi, phi . v) over the ensemble for the activity features phi = (x_i, x_i x_j) and a
// direction v = (va, vb) in activity coordinates (vb symmetric, zero diagonal).
void activity_fisher(const StateEnsemble& e, const Eigen::VectorXd& va, const Eigen::MatrixXd& vb,
                     Eigen::VectorXd& out_a, Eigen::MatrixXd& out_b) {
  const int n = e.n();
  const Eigen::VectorXd& w = e.weights();
  Eigen::VectorXd y(Eigen::Index(e.size()));
  const std::vector<double> mean = e.blocked(1, [&](std::size_t begin, const Eigen::MatrixXd& S, double* acc) {
    const Eigen::MatrixXd X = (S.array() + 1.0) * 0.5;
    const Eigen::VectorXd yb = X * va + 0.5 * ((X * vb).cwiseProduct(X)).rowwise().sum();
    y.segment(Eigen::Index(begin), S.rows()) = yb;
    acc[0] = w.segment(Eigen::Index(begin), S.rows()).dot(yb);
  });
  const std::vector<double> sums = e.blocked(n + n * n, [&](std::size_t begin, const Eigen::MatrixXd& S, double* acc) {
    const Eigen::MatrixXd X = (S.array() + 1.0) * 0.5;
    const Eigen::VectorXd u =
        w.segment(Eigen::Index(begin), S.rows()).cwiseProduct(y.segment(Eigen::Index(begin), S.rows()).array().matrix() -
                                                              Eigen::VectorXd::Constant(S.rows(), mean[0]));
    Eigen::Map<Eigen::VectorXd>(acc, n) = X.transpose() * u;
    Eigen::Map<Eigen::MatrixXd>(acc + n, n, n) = X.transpose() * u.asDiagonal() * X;
  });
  out_a = Eigen::Map<const Eigen::VectorXd>(sums.data(), n);
  out_b = Eigen::Map<const Eigen::MatrixXd>(sums.data() + n, n, n);
  out_b.diagonal().setZero();
}

// 1 / the largest eigenvalue of D^-1/2 Cov(phi, phi) D^-1/2 over the ensemble (D: the
// variances va, vb of the activity features), by power iteration from D^1/2 1.
double step_size(const StateEnsemble& e, const Eigen::VectorXd& var_a, const Eigen::MatrixXd& var_b) {
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
void add_collective_tilt(const StateEnsemble& e, const Eigen::Vector2d& mismatch, Eigen::VectorXd& step_a,
                         Eigen::MatrixXd& step_b) {
  const Eigen::VectorXd& w = e.weights();
  // Weighted sums of K^m (m = 1..4), y, K y, K^2 y, with y = phi . step.
  const std::vector<double> s = e.blocked(7, [&](std::size_t begin, const Eigen::MatrixXd& S, double* acc) {
    const Eigen::MatrixXd X = (S.array() + 1.0) * 0.5;
    const Eigen::ArrayXd K = X.rowwise().sum().array();
    const Eigen::ArrayXd y = (X * step_a + 0.5 * ((X * step_b).cwiseProduct(X)).rowwise().sum()).array();
    const Eigen::ArrayXd wb = w.segment(Eigen::Index(begin), S.rows()).array();
    acc[0] = (wb * K).sum();
    acc[1] = (wb * K.square()).sum();
    acc[2] = (wb * K.cube()).sum();
    acc[3] = (wb * K.square().square()).sum();
    acc[4] = (wb * y).sum();
    acc[5] = (wb * K * y).sum();
    acc[6] = (wb * K.square() * y).sum();
  });
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
    if (iteration == o.max_iterations) {
      fit.status = "iteration limit reached";
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
