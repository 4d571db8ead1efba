// The reward under the sparse, pairwise and global assumptions (docs/model.md section 5, Fig 6).
#include "nirl/pairwise/reward_assumptions.hpp"

#include <algorithm>
#include <numeric>

#include "nirl/core/error.hpp"
#include "nirl/detail/nonneg_lasso.hpp"
#include "nirl/pairwise/pseudo_likelihood.hpp"

namespace nirl {
namespace {

// Untied feature vector of one state: (sigma_i, sigma_i sigma_j in pair_index order).
Eigen::VectorXd untied_features(const Eigen::VectorXd& s) {
  const int n = int(s.size());
  Eigen::VectorXd phi(n + n * (n - 1) / 2);
  phi.head(n) = s;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) phi[n + pair_index(i, j, n)] = s[i] * s[j];
  return phi;
}

// E[phi] over the ensemble, untied.
Eigen::VectorXd mean_features(const StateEnsemble& e) {
  const int n = e.n();
  const Eigen::VectorXd& w = e.weights();
  const std::vector<double> sums = e.blocked(n + n * n, [&](std::size_t begin, const Eigen::MatrixXd& S, double* acc) {
    const auto wb = w.segment(Eigen::Index(begin), S.rows());
    Eigen::Map<Eigen::VectorXd>(acc, n) = S.transpose() * wb;
    Eigen::Map<Eigen::MatrixXd>(acc + n, n, n).noalias() = S.transpose() * wb.asDiagonal() * S;
  });
  const Eigen::Map<const Eigen::MatrixXd> M(sums.data() + n, n, n);
  return IsingFamily::untied(n).reduce(Eigen::Map<const Eigen::VectorXd>(sums.data(), n), M);
}

Eigen::VectorXd row(const StateEnsemble& e, Eigen::Index r) {
  Eigen::MatrixXd S;
  e.fill(std::size_t(r), 1, S);
  return S.row(0).transpose();
}

}  // namespace

const char* assumption_name(Assumption a) {
  switch (a) {
    case Assumption::sparse: return "sparse";
    case Assumption::pairwise: return "pairwise";
    case Assumption::global: return "global";
  }
  return "?";
}

Assumption parse_assumption(const std::string& name) {
  for (Assumption a : kAssumptions)
    if (name == assumption_name(a)) return a;
  fail("unknown assumption '", name, "' (expected sparse, pairwise or global)");
}

ConstraintSet build_constraints(const IsingParams& fitted, double lambda, const ConstraintOptions& o) {
  if (!(lambda > 0.0)) fail("lambda must be > 0 (got ", lambda, ")");
  const int n = fitted.n();
  ConstraintSet c;
  c.lambda = lambda;
  if (o.exact) {
    c.ensemble = StateEnsemble::enumeration(n);
    c.ensemble.set_gibbs_weights(fitted);
    for (Eigen::Index s = 0; s < Eigen::Index(c.ensemble.size()); ++s)
      if (c.ensemble.weights()[s] > o.threshold) c.sparse.push_back(s);
  } else {
    GibbsChains chains(n, o.chains, o.seed, o.stream_base);
    const Eigen::MatrixXd S = chains.sample(fitted, o.burn_in, o.samples_per_chain, o.thin);
    std::vector<std::uint8_t> raster(std::size_t(S.size()));
    for (Eigen::Index t = 0; t < S.rows(); ++t)
      for (int i = 0; i < n; ++i) raster[std::size_t(t * n + i)] = S(t, i) > 0 ? 1 : 0;
    SpinCounts counts = count_states(raster, std::size_t(S.rows()), n);
    c.ensemble = StateEnsemble::from_states(counts.states.spins(0, counts.states.size()), counts.counts);
    std::vector<Eigen::Index> order(std::size_t(counts.counts.size()));
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](Eigen::Index a, Eigen::Index b) { return counts.counts[a] > counts.counts[b]; });
    order.resize(std::min(order.size(), o.max_sparse_states));
    std::sort(order.begin(), order.end());
    c.sparse = order;
  }
  IsingReward zero;
  zero.pairwise = IsingParams::zero(n);
  c.r_theta = evaluate_ising(fitted, c.ensemble, zero, lambda).r_theta;
  c.b = feature_covariance(IsingFamily::untied(n), c.ensemble, c.r_theta);
  return c;
}

PairwiseInference infer_pairwise_reward(const ConstraintSet& c, Assumption assumption, const AssumptionOptions& o) {
  const StateEnsemble& e = c.ensemble;
  const int n = e.n();
  const IsingFamily untied = IsingFamily::untied(n);
  const double b_norm = std::max(c.b.norm(), 1e-300);
  PairwiseInference r;
  r.assumption = assumption;
  r.on_states = Eigen::VectorXd::Zero(Eigen::Index(e.size()));
  switch (assumption) {
    case Assumption::sparse: {
      if (c.sparse.empty()) fail("sparse assumption: no candidate states");
      const Eigen::VectorXd phibar = mean_features(e);
      Eigen::MatrixXd A(c.b.size(), Eigen::Index(c.sparse.size()));
      for (std::size_t k = 0; k < c.sparse.size(); ++k) {
        const Eigen::Index s = c.sparse[k];
        A.col(Eigen::Index(k)) = e.weights()[s] * (untied_features(row(e, s)) - phibar);
      }
      r.mu = o.mu_relative * nonneg_lasso_mu_max(A, c.b);
      const NonnegLassoResult x = nonneg_lasso(A, c.b, r.mu);
      r.sparse = x.x;
      r.converged = x.converged;
      for (std::size_t k = 0; k < c.sparse.size(); ++k) {
        r.on_states[c.sparse[k]] = x.x[Eigen::Index(k)];
        if (x.x[Eigen::Index(k)] > 0.0) ++r.support;
      }
      r.constraint_residual = (A * x.x - c.b).norm() / b_norm;
      break;
    }
    case Assumption::pairwise: {
      const Regression reg = regress_on_features(untied, e, c.r_theta, o.damping, 5000, 1e-10);
      r.pairwise = untied.expand(reg.coefficients, false);
      r.converged = reg.converged;
      e.blocked(0, [&](std::size_t begin, const Eigen::MatrixXd& S, double*) {
        r.on_states.segment(Eigen::Index(begin), S.rows()) = ising_energies(r.pairwise, S);
      });
      r.constraint_residual = (fisher_vector(untied, e, reg.coefficients) - c.b).norm() / b_norm;
      break;
    }
    case Assumption::global: {
      // Cov(1[count = k], phi) from per-count moments, one pass.
      const Eigen::VectorXd& w = e.weights();
      const int m = (n + 1) * (1 + n + n * n);
      const std::vector<double> sums = e.blocked(m, [&](std::size_t begin, const Eigen::MatrixXd& S, double* acc) {
        for (Eigen::Index t = 0; t < S.rows(); ++t) {
          const double wt = w[Eigen::Index(begin) + t];
          if (wt == 0.0) continue;
          const int k = int((S.row(t).array() > 0).count());
          double* a = acc + std::size_t(k) * std::size_t(1 + n + n * n);
          a[0] += wt;
          Eigen::Map<Eigen::VectorXd>(a + 1, n) += wt * S.row(t).transpose();
          Eigen::Map<Eigen::MatrixXd>(a + 1 + n, n, n) += wt * S.row(t).transpose() * S.row(t);
        }
      });
      const Eigen::VectorXd phibar = mean_features(e);
      Eigen::MatrixXd G(c.b.size(), n + 1);
      for (int k = 0; k <= n; ++k) {
        const double* a = sums.data() + std::size_t(k) * std::size_t(1 + n + n * n);
        G.col(k) = untied.reduce(Eigen::Map<const Eigen::VectorXd>(a + 1, n),
                                 Eigen::Map<const Eigen::MatrixXd>(a + 1 + n, n, n)) -
                   a[0] * phibar;
      }
      // Least squares with a tiny ridge (1e-10 of the mean diagonal of G^T G), which picks
      // the small-norm solution (a constant is free) and keeps spike counts the model
      // almost never visits (nearly zero columns) from getting huge values.
      Eigen::MatrixXd GtG = G.transpose() * G;
      GtG.diagonal().array() += 1e-10 * std::max(GtG.diagonal().mean(), 1e-300);
      r.by_count = GtG.ldlt().solve(G.transpose() * c.b);
      r.converged = true;
      e.blocked(0, [&](std::size_t begin, const Eigen::MatrixXd& S, double*) {
        for (Eigen::Index t = 0; t < S.rows(); ++t)
          r.on_states[Eigen::Index(begin) + t] = r.by_count[(S.row(t).array() > 0).count()];
      });
      r.constraint_residual = (G * r.by_count - c.b).norm() / b_norm;
      break;
    }
  }
  return r;
}

Eigen::VectorXd reward_table(const ConstraintSet& c, const PairwiseInference& r) {
  const int n = c.ensemble.n();
  const StateEnsemble all = StateEnsemble::enumeration(n);
  Eigen::VectorXd table = Eigen::VectorXd::Zero(Eigen::Index(all.size()));
  switch (r.assumption) {
    case Assumption::sparse:
      for (std::size_t k = 0; k < c.sparse.size(); ++k) {
        const Eigen::VectorXd s = row(c.ensemble, c.sparse[k]);
        std::uint64_t sigma = 0;
        for (int i = 0; i < n; ++i)
          if (s[i] > 0) sigma |= std::uint64_t(1) << i;
        table[Eigen::Index(sigma)] = r.sparse[Eigen::Index(k)];
      }
      break;
    case Assumption::pairwise:
      all.blocked(0, [&](std::size_t begin, const Eigen::MatrixXd& S, double*) {
        table.segment(Eigen::Index(begin), S.rows()) = ising_energies(r.pairwise, S);
      });
      break;
    case Assumption::global:
      for (Eigen::Index s = 0; s < table.size(); ++s) table[s] = r.by_count[__builtin_popcountll(std::uint64_t(s))];
      break;
  }
  return table;
}

}  // namespace nirl
