// Natural-gradient forward solver of the pairwise family (docs/model.md section 5).
#include "nirl/pairwise/ising_forward.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <tuple>

#include "nirl/core/error.hpp"
#include "nirl/detail/numerics.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {
namespace {

// Blocks of 1024 states (Eigen's block products are serial: EIGEN_DONT_PARALLELIZE).
constexpr std::size_t kBlock = 1024;
// A pass over fewer blocks (n <= 12 by enumeration: ~20 us of work) runs on one thread: a
// parallel region per pass costs more than it saves there, and where cores are shared
// (tests under ctest -j, other jobs on the node) the waiting threads of many tiny regions
// slowed a Fig 5 prediction tenfold. Blocks are summed in order either way.
constexpr std::size_t kParallelBlocks = 8;

// Draws uniforms from a Philox stream four at a time.
struct UniformDraws {
  RandomStream stream;
  std::uint64_t& counter;
  std::array<std::uint64_t, 4> words{};
  int used = 4;
  std::uint64_t next_word() {
    if (used == 4) {
      words = stream.words(counter++);
      used = 0;
    }
    return words[std::size_t(used++)];
  }
  double next() { return RandomStream::uniform(next_word()); }
};

}  // namespace

StateEnsemble StateEnsemble::enumeration(int n) {
  if (n < 1 || n > kMaxExactIsingNeurons)
    fail("exact enumeration needs 1 <= n <= ", kMaxExactIsingNeurons, " (got ", n, "); use sampling");
  StateEnsemble e;
  e.n_ = n;
  e.size_ = std::size_t(1) << n;
  e.enumerated_ = true;
  e.weights_ = Eigen::VectorXd::Constant(Eigen::Index(e.size_), 1.0 / double(e.size_));
  return e;
}

StateEnsemble StateEnsemble::from_states(Eigen::MatrixXd spins, Eigen::VectorXd weights) {
  if (spins.rows() == 0 || spins.rows() != weights.size()) fail("an ensemble needs one weight per state");
  const double total = weights.sum();
  if (!(total > 0.0) || (weights.array() < 0.0).any()) fail("ensemble weights must be >= 0 with a positive sum");
  StateEnsemble e;
  e.n_ = int(spins.cols());
  e.size_ = std::size_t(spins.rows());
  e.spins_ = std::move(spins);
  e.weights_ = weights / total;
  return e;
}

void StateEnsemble::fill(std::size_t begin, std::size_t rows, Eigen::MatrixXd& S) const {
  S.resize(Eigen::Index(rows), n_);
  if (!enumerated_) {
    S = spins_.middleRows(Eigen::Index(begin), Eigen::Index(rows));
    return;
  }
  for (std::size_t r = 0; r < rows; ++r)
    for (int i = 0; i < n_; ++i) S(Eigen::Index(r), i) = (((begin + r) >> i) & 1) ? 1.0 : -1.0;
}

std::vector<double> StateEnsemble::blocked(
    int m, const std::function<void(std::size_t, const Eigen::MatrixXd&, double*)>& body) const {
  const std::size_t blocks = (size_ + kBlock - 1) / kBlock;
  std::vector<double> partial(blocks * std::size_t(m), 0.0);
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(size_) * std::max(m, 1), blocks >= kParallelBlocks);
  team_for_dynamic(call, blocks, [&](std::size_t b) {
    const std::size_t begin = b * kBlock, rows = std::min(size_, begin + kBlock) - begin;
    Eigen::MatrixXd S;
    fill(begin, rows, S);
    body(begin, S, partial.data() + b * std::size_t(m));
  });
  std::vector<double> total(std::size_t(m), 0.0);
  for (std::size_t b = 0; b < blocks; ++b)
    for (int k = 0; k < m; ++k) total[std::size_t(k)] += partial[b * std::size_t(m) + std::size_t(k)];
  return total;
}

Eigen::VectorXd ising_energies(const IsingParams& params, const Eigen::MatrixXd& S) {
  return S * params.h + 0.5 * ((S * params.J).cwiseProduct(S)).rowwise().sum();
}

void StateEnsemble::set_weights(const Eigen::VectorXd& w) {
  if (!enumerated_) fail("set_weights needs an enumeration");
  if (w.size() != Eigen::Index(size_)) fail("an ensemble needs one weight per state");
  const double total = w.sum();
  if (!(total > 0.0) || (w.array() < 0.0).any()) fail("ensemble weights must be >= 0 with a positive sum");
  weights_ = w / total;
}

double StateEnsemble::set_gibbs_weights(const IsingParams& params) {
  if (!enumerated_) fail("set_gibbs_weights needs an enumeration");
  Eigen::VectorXd& w = weights_;
  blocked(0, [&](std::size_t begin, const Eigen::MatrixXd& S, double*) {
    w.segment(Eigen::Index(begin), S.rows()) = ising_energies(params, S);
  });
  const double top = w.maxCoeff();
  w = (w.array() - top).exp();
  const double z = w.sum();
  w /= z;
  return top + std::log(z);
}

Eigen::VectorXd IsingReward::evaluate(const Eigen::MatrixXd& S) const {
  if (table.size() > 0) {
    Eigen::VectorXd r(S.rows());
    for (Eigen::Index t = 0; t < S.rows(); ++t) {
      std::uint64_t sigma = 0;
      for (Eigen::Index i = 0; i < S.cols(); ++i)
        if (S(t, i) > 0) sigma |= std::uint64_t(1) << i;
      r[t] = table[Eigen::Index(sigma)];
    }
    return r;
  }
  return ising_energies(pairwise, S).array() + constant;
}

Eigen::VectorXd ising_r_theta(const IsingParams& params, const Eigen::VectorXd& magnetisation,
                              const Eigen::MatrixXd& S, double lambda) {
  const int n = int(S.cols());
  // log p(sigma_i) = log((1 + sigma_i m_i) / 2) for both signs of sigma_i.
  Eigen::VectorXd log_on(n), log_off(n);
  for (int i = 0; i < n; ++i) {
    log_on[i] = std::log(std::max(0.5 * (1.0 + magnetisation[i]), 1e-300));
    log_off[i] = std::log(std::max(0.5 * (1.0 - magnetisation[i]), 1e-300));
  }
  const Eigen::MatrixXd H = (S * params.J).rowwise() + params.h.transpose();
  Eigen::VectorXd r(S.rows());
  for (Eigen::Index t = 0; t < S.rows(); ++t) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
      const double s = S(t, i);
      // p(sigma_i | sigma_/i) = sigmoid(2 sigma_i H_i), as a log-sigmoid.
      sum += log_sigmoid(2.0 * s * H(t, i)) - (s > 0 ? log_on[i] : log_off[i]);
    }
    r[t] = lambda / n * sum;
  }
  return r;
}

IsingEvaluation evaluate_ising(const IsingParams& params, const StateEnsemble& ensemble, const IsingReward& reward,
                               double lambda) {
  const int n = ensemble.n();
  const Eigen::VectorXd& w = ensemble.weights();
  IsingEvaluation ev;
  const std::vector<double> m = ensemble.blocked(n, [&](std::size_t begin, const Eigen::MatrixXd& S, double* acc) {
    Eigen::Map<Eigen::VectorXd>(acc, n) = S.transpose() * w.segment(Eigen::Index(begin), S.rows());
  });
  ev.magnetisation = Eigen::Map<const Eigen::VectorXd>(m.data(), n);
  ev.r_theta.resize(Eigen::Index(ensemble.size()));
  ev.residual.resize(Eigen::Index(ensemble.size()));
  const std::vector<double> sums = ensemble.blocked(2, [&](std::size_t begin, const Eigen::MatrixXd& S, double* acc) {
    const Eigen::Index b = Eigen::Index(begin), rows = S.rows();
    const Eigen::VectorXd rt = ising_r_theta(params, ev.magnetisation, S, lambda), r = reward.evaluate(S);
    ev.r_theta.segment(b, rows) = rt;
    ev.residual.segment(b, rows) = r - rt;
    acc[0] = w.segment(b, rows).dot(r);
    acc[1] = w.segment(b, rows).dot(rt);
  });
  ev.mean_reward = sums[0];
  ev.cost = sums[1];
  ev.F = sums[0] - sums[1];
  return ev;
}

Eigen::VectorXd feature_covariance(const IsingFamily& family, const StateEnsemble& ensemble, const Eigen::VectorXd& u) {
  const int n = ensemble.n();
  const Eigen::VectorXd& w = ensemble.weights();
  const double mean = w.dot(u);
  // Cov(phi, u) = E[phi (u - E u)]: fields S^T wu, couplings S^T diag(wu) S.
  const std::vector<double> sums =
      ensemble.blocked(n + n * n, [&](std::size_t begin, const Eigen::MatrixXd& S, double* acc) {
        const Eigen::Index b = Eigen::Index(begin), rows = S.rows();
        const Eigen::VectorXd wu = w.segment(b, rows).cwiseProduct(u.segment(b, rows).array().matrix() -
                                                                   Eigen::VectorXd::Constant(rows, mean));
        Eigen::Map<Eigen::VectorXd>(acc, n) = S.transpose() * wu;
        Eigen::Map<Eigen::MatrixXd>(acc + n, n, n).noalias() = S.transpose() * wu.asDiagonal() * S;
      });
  const Eigen::Map<const Eigen::VectorXd> g_h(sums.data(), n);
  const Eigen::Map<const Eigen::MatrixXd> g_J(sums.data() + n, n, n);
  return family.reduce(g_h, g_J);
}

Eigen::VectorXd fisher_vector(const IsingFamily& family, const StateEnsemble& ensemble, const Eigen::VectorXd& v) {
  const IsingParams direction = family.expand(v, false);
  Eigen::VectorXd y(Eigen::Index(ensemble.size()));
  ensemble.blocked(0, [&](std::size_t begin, const Eigen::MatrixXd& S, double*) {
    y.segment(Eigen::Index(begin), S.rows()) = ising_energies(direction, S);
  });
  return feature_covariance(family, ensemble, y);
}

Regression regress_on_features(const IsingFamily& family, const StateEnsemble& ensemble, const Eigen::VectorXd& u,
                               double damping, int max_iterations, double tolerance) {
  // (Cov(psi, psi) + mu I) x = Cov(psi, u), mu = damping times the mean diagonal of the
  // Fisher matrix. Few parameters: the matrix from P Fisher-vector products and a dense
  // LDLT solve. Many: conjugate gradient on Fisher-vector products, no matrix.
  const Eigen::VectorXd b = feature_covariance(family, ensemble, u);
  const int P = family.parameters();
  Regression reg;
  reg.coefficients = Eigen::VectorXd::Zero(P);
  const double b_norm = b.norm();
  if (b_norm == 0.0) {
    reg.converged = true;
    return reg;
  }
  if (P <= kDenseFisherParameters) {
    Eigen::MatrixXd fisher(P, P);
    for (int k = 0; k < P; ++k) fisher.col(k) = fisher_vector(family, ensemble, Eigen::VectorXd::Unit(P, k));
    fisher = 0.5 * (fisher + fisher.transpose()).eval();
    const double mu = damping * std::max(fisher.diagonal().mean(), 1e-300);
    fisher.diagonal().array() += mu;
    reg.coefficients = fisher.ldlt().solve(b);
    reg.iterations = 1;
    reg.relative_residual = (fisher * reg.coefficients - b).norm() / b_norm;
    reg.converged = reg.coefficients.allFinite();
    return reg;
  }
  // The mean diagonal estimated by the Rayleigh quotient along b.
  Eigen::VectorXd r = b, p = b;
  Eigen::VectorXd Ap = fisher_vector(family, ensemble, p);
  const double mu = damping * std::max(p.dot(Ap) / p.squaredNorm(), 1e-300);
  Ap += mu * p;
  double rr = r.squaredNorm();
  for (reg.iterations = 1; reg.iterations <= max_iterations; ++reg.iterations) {
    const double pAp = p.dot(Ap);
    if (!(pAp > 0.0)) break;
    const double alpha = rr / pAp;
    reg.coefficients += alpha * p;
    r -= alpha * Ap;
    const double rr_new = r.squaredNorm();
    if (std::sqrt(rr_new) <= tolerance * b_norm) {
      rr = rr_new;
      reg.converged = true;
      break;
    }
    p = r + (rr_new / rr) * p;
    rr = rr_new;
    Ap = fisher_vector(family, ensemble, p) + mu * p;
  }
  reg.iterations = std::min(reg.iterations, max_iterations);
  reg.relative_residual = std::sqrt(rr) / b_norm;
  return reg;
}

GibbsChains::GibbsChains(int n, int chains, std::uint64_t seed, std::uint64_t stream_base)
    : n_(n), chains_(chains), seed_(seed), stream_base_(stream_base), counters_(std::size_t(chains), 0) {
  if (n < 1 || chains < 1) fail("Gibbs chains need n >= 1 and at least one chain");
  states_.resize(chains, n);
  for (int c = 0; c < chains; ++c) {
    UniformDraws draw{RandomStream(seed_, stream_base_ + std::uint64_t(c)), counters_[std::size_t(c)]};
    for (int i = 0; i < n; ++i) states_(c, i) = draw.next() < 0.5 ? 1.0 : -1.0;
  }
}

Eigen::MatrixXd GibbsChains::sample(const IsingParams& params, int burn_in, int samples, int thin) {
  if (params.n() != n_) fail("chain parameters for ", params.n(), " neurons, chains have ", n_);
  if (samples < 1 || thin < 1 || burn_in < 0) fail("Gibbs sampling needs samples >= 1, thin >= 1, burn_in >= 0");
  Eigen::MatrixXd out(Eigen::Index(chains_) * samples, n_);
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(chains_) * (burn_in + double(samples) * thin) * n_, chains_ > 1);
#pragma omp parallel for schedule(dynamic) num_threads(call.threads())
  for (int c = 0; c < chains_; ++c) {
    UniformDraws draw{RandomStream(seed_, stream_base_ + std::uint64_t(c)), counters_[std::size_t(c)]};
    Eigen::VectorXd s = states_.row(c).transpose();
    Eigen::VectorXd H = params.h + params.J * s;  // local fields, updated on every flip
    auto sweep = [&] {
      for (int i = 0; i < n_; ++i) {
        const double new_s = draw.next() < sigmoid(2.0 * H[i]) ? 1.0 : -1.0;
        if (new_s != s[i]) {
          H += (new_s - s[i]) * params.J.col(i);
          s[i] = new_s;
        }
      }
    };
    for (int k = 0; k < burn_in; ++k) sweep();
    for (int k = 0; k < samples; ++k) {
      for (int t = 0; t < thin; ++t) sweep();
      out.row(Eigen::Index(c) * samples + k) = s.transpose();
    }
    states_.row(c) = s.transpose();
  }
  return out;
}

std::vector<std::uint8_t> glauber_raster(const IsingParams& params, std::size_t steps, std::size_t burn_in,
                                         std::uint64_t seed, std::uint64_t stream, std::size_t interval) {
  if (interval < 1) fail("glauber_raster: the recording interval must be >= 1");
  const int n = params.n();
  const RandomStream rng(seed, stream);
  Eigen::VectorXd s = Eigen::VectorXd::Constant(n, -1.0);
  Eigen::VectorXd H = params.h + params.J * s;
  std::vector<std::uint8_t> raster(steps * std::size_t(n));
  std::size_t next = burn_in;  // the update after which row `row` is recorded
  std::uint8_t* row = raster.data();
  for (std::size_t k = 0; k < burn_in + steps * interval; ++k) {
    const auto w = rng.words(k);
    const int i = int(RandomStream::below(w[0], std::uint64_t(n)));
    const double new_s = RandomStream::uniform(w[1]) < sigmoid(2.0 * H[i]) ? 1.0 : -1.0;
    if (new_s != s[i]) {
      H += (new_s - s[i]) * params.J.col(i);
      s[i] = new_s;
    }
    if (k == next) {
      for (int j = 0; j < n; ++j) row[j] = s[j] > 0 ? 1 : 0;
      row += n;
      next += interval;
    }
  }
  return raster;
}

std::vector<std::uint8_t> iid_raster(const Eigen::VectorXd& p, int n, std::size_t samples, std::uint64_t seed,
                                     std::uint64_t stream) {
  if (std::size_t(p.size()) != (std::size_t(1) << n)) fail("iid_raster: p must have 2^n entries");
  std::vector<double> cdf(std::size_t(p.size()));
  double acc = 0.0;
  for (Eigen::Index s = 0; s < p.size(); ++s) cdf[std::size_t(s)] = acc += p[s];
  const RandomStream rng(seed, stream);
  std::vector<std::uint8_t> raster(samples * std::size_t(n));
  for (std::size_t t = 0; t < samples; ++t) {
    const double u = RandomStream::uniform(rng.words(t)[0]) * acc;
    const std::size_t sigma =
        std::min(std::size_t(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()), cdf.size() - 1);
    for (int i = 0; i < n; ++i) raster[t * std::size_t(n) + std::size_t(i)] = (sigma >> i) & 1;
  }
  return raster;
}

namespace {

struct ExactPoint {
  StateEnsemble ensemble;
  IsingEvaluation eval;
};

ExactPoint exact_point(const IsingFamily& family, const IsingReward& reward, const Eigen::VectorXd& theta,
                       double lambda) {
  ExactPoint pt{StateEnsemble::enumeration(family.n()), {}};
  const IsingParams params = family.expand(theta);
  pt.ensemble.set_gibbs_weights(params);
  pt.eval = evaluate_ising(params, pt.ensemble, reward, lambda);
  return pt;
}

Eigen::VectorXd capped(const Eigen::VectorXd& delta, double max_step) {
  const double largest = delta.cwiseAbs().maxCoeff();
  return largest > max_step ? Eigen::VectorXd(delta * (max_step / largest)) : delta;
}

IsingForwardResult optimise_exact(const IsingFamily& family, const IsingReward& reward, const Eigen::VectorXd& theta0,
                                  const IsingForwardOptions& o, const std::function<void(int, double)>& progress) {
  IsingForwardResult res;
  Eigen::VectorXd theta = theta0;
  ExactPoint pt = exact_point(family, reward, theta, o.lambda);
  res.status = "iteration limit reached";
  for (res.iterations = 0; res.iterations < o.max_iterations; ++res.iterations) {
    res.trace.push_back(pt.eval.F);
    if (progress) progress(res.iterations, pt.eval.F);
    const Eigen::VectorXd g = feature_covariance(family, pt.ensemble, pt.eval.residual);
    const Regression reg = regress_on_features(family, pt.ensemble, pt.eval.residual, o.damping);
    const Eigen::VectorXd delta = capped(reg.coefficients, o.max_step);
    res.predicted_gain = g.dot(reg.coefficients);
    if (!(res.predicted_gain > o.tolerance)) {
      res.converged = true;
      res.status = "natural-gradient gain below tolerance";
      break;
    }
    // Backtracking (Armijo) line search on the exact F.
    const double slope = g.dot(delta);
    double alpha = 1.0;
    bool accepted = false;
    for (int k = 0; k < 40; ++k, alpha *= 0.5) {
      ExactPoint trial = exact_point(family, reward, theta + alpha * delta, o.lambda);
      if (trial.eval.F >= pt.eval.F + 1e-4 * alpha * slope) {
        theta += alpha * delta;
        pt = std::move(trial);
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      res.converged = res.predicted_gain < 1e3 * o.tolerance;
      res.status = "line search found no increase of F";
      break;
    }
  }
  res.theta = theta;
  res.params = family.expand(theta);
  res.F = pt.eval.F;
  res.mean_reward = pt.eval.mean_reward;
  res.cost = pt.eval.cost;
  res.distribution = pt.ensemble.weights();
  return res;
}

// Standard error of the weighted mean of u from the per-chain means (batch means).
double chain_error(const Eigen::VectorXd& u, int chains) {
  const Eigen::Index per = u.size() / chains;
  if (chains < 2) return 0.0;
  Eigen::VectorXd means(chains);
  for (int c = 0; c < chains; ++c) means[c] = u.segment(Eigen::Index(c) * per, per).mean();
  const double mean = means.mean();
  return std::sqrt((means.array() - mean).square().sum() / (chains - 1) / chains);
}

IsingForwardResult optimise_sampled(const IsingFamily& family, const IsingReward& reward,
                                    const Eigen::VectorXd& theta0, const IsingForwardOptions& o,
                                    const std::function<void(int, double)>& progress) {
  IsingForwardResult res;
  GibbsChains chains(family.n(), o.chains, o.seed, o.stream_base);
  Eigen::VectorXd theta = theta0;
  auto sample_point = [&](int burn_in) {
    const IsingParams params = family.expand(theta);
    const Eigen::MatrixXd S = chains.sample(params, burn_in, o.samples_per_chain, o.thin);
    StateEnsemble ens = StateEnsemble::from_states(S, Eigen::VectorXd::Ones(S.rows()));
    IsingEvaluation ev = evaluate_ising(params, ens, reward, o.lambda);
    return std::make_pair(std::move(ens), std::move(ev));
  };
  StateEnsemble ens;
  IsingEvaluation ev;
  std::tie(ens, ev) = sample_point(o.burn_in);
  res.status = "iteration limit reached";
  const int window = 10;
  for (res.iterations = 0; res.iterations < o.max_iterations; ++res.iterations) {
    res.trace.push_back(ev.F);
    if (progress) progress(res.iterations, ev.F);
    const Eigen::VectorXd g = feature_covariance(family, ens, ev.residual);
    const Regression reg = regress_on_features(family, ens, ev.residual, o.damping, 200, 1e-6);
    res.predicted_gain = g.dot(reg.coefficients);
    theta += o.step * capped(reg.coefficients, o.max_step);
    // Converged when the mean F of the last window is within twice the chain error of the
    // window before it (F has stopped rising beyond the Monte-Carlo noise).
    const std::size_t T = res.trace.size();
    if (T >= 2 * window) {
      double last = 0.0, before = 0.0;
      for (int k = 0; k < window; ++k) {
        last += res.trace[T - 1 - std::size_t(k)] / window;
        before += res.trace[T - 1 - window - std::size_t(k)] / window;
      }
      if (last - before < 2.0 * chain_error(ev.residual, o.chains)) {
        res.converged = true;
        res.status = "F stopped rising beyond the chain error";
        ++res.iterations;
        break;
      }
    }
    std::tie(ens, ev) = sample_point(o.thin);
  }
  // Final estimate at the final theta.
  std::tie(ens, ev) = sample_point(o.burn_in);
  res.theta = theta;
  res.params = family.expand(theta);
  res.F = ev.F;
  res.mean_reward = ev.mean_reward;
  res.cost = ev.cost;
  res.F_error = chain_error(ev.residual, o.chains);
  return res;
}

}  // namespace

IsingForwardResult optimise_ising(const IsingFamily& family, const IsingReward& reward, const Eigen::VectorXd& theta0,
                                  const IsingForwardOptions& options, const std::function<void(int, double)>& progress) {
  if (!(options.lambda > 0.0)) fail("lambda must be > 0 (got ", options.lambda, ")");
  if (theta0.size() != family.parameters())
    fail("the start has ", theta0.size(), " parameters, the family ", family.parameters());
  if (options.exact) return optimise_exact(family, reward, theta0, options, progress);
  return optimise_sampled(family, reward, theta0, options, progress);
}

IsingForwardResult optimise_ising_multistart(const IsingFamily& family, const IsingReward& reward,
                                             const std::vector<Eigen::VectorXd>& starts,
                                             const IsingForwardOptions& options,
                                             const std::function<void(int)>& progress) {
  if (starts.empty()) fail("optimise_ising_multistart needs at least one start");
  IsingForwardResult best;
  best.F = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < starts.size(); ++k) {
    IsingForwardResult r = optimise_ising(family, reward, starts[k], options);
    if (r.F > best.F) best = std::move(r);
    if (progress) progress(int(k + 1));
  }
  return best;
}

std::vector<Eigen::VectorXd> default_ring_starts(const IsingFamily& family) {
  return {ring_start(family, 1.0, -1.0), ring_start(family, 2.0, -2.0)};
}

std::vector<Eigen::VectorXd> context_starts(const IsingFamily& family, const Eigen::VectorXd& first, bool ring,
                                            int random, std::uint64_t seed) {
  std::vector<Eigen::VectorXd> starts = {first};
  if (ring)
    for (Eigen::VectorXd& s : default_ring_starts(family)) starts.push_back(std::move(s));
  for (Eigen::VectorXd& s : random_starts(family, random, seed, 0)) starts.push_back(std::move(s));
  return starts;
}

IsingForwardResult optimise_in_context(const IsingFamily& family, const IsingReward& reward, double lambda,
                                       const Eigen::VectorXd& first, int random, std::uint64_t seed,
                                       IsingForwardOptions options) {
  options.lambda = lambda;
  options.exact = true;
  IsingForwardResult result =
      optimise_ising_multistart(family, reward, context_starts(family, first, true, random, seed), options);
  std::vector<bool> used(std::size_t(family.parameters()), false);
  for (int t : family.tie())
    if (t >= 0) used[std::size_t(t)] = true;
  for (int t = 0; t < family.parameters(); ++t)
    if (!used[std::size_t(t)]) result.theta[t] = 0.0;
  return result;
}

}  // namespace nirl
