// Pseudo-likelihood fit of the untied Ising family (docs/model.md section 5).
#include "nirl/pairwise/pseudo_likelihood.hpp"

#include <LBFGS.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "nirl/core/error.hpp"
#include "nirl/detail/numerics.hpp"

namespace nirl {
namespace {

// The smallest block of distinct states summed on one thread.
constexpr std::size_t kRows = 1024;

IsingParams unpack(const Eigen::VectorXd& x, int n) {
  IsingParams p = IsingParams::zero(n);
  p.h = x.head(n);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) p.J(i, j) = p.J(j, i) = x[n + pair_index(i, j, n)];
  return p;
}

// One state's terms, weighted by c, from its local fields H and spins sign: L[i] =
// -c log p(sigma_i | sigma_/i) and G[i] = dL[i]/dH_i.
NIRL_VECTOR_CLONES void state_terms(const double* H, const double* sign, double c, int n, double* L, double* G) {
#pragma omp simd
  for (int i = 0; i < n; ++i) {
    const double z = 2.0 * sign[i] * H[i];
    const double e = exp_nonpositive(-std::fabs(z));
    L[i] = -c * log_sigmoid_given(z, e);
    G[i] = -2.0 * c * sign[i] * sigmoid_given(-z, e);
  }
}

}  // namespace

SpinCounts count_states(const std::vector<std::uint8_t>& raster, std::size_t steps, int n) {
  if (n < 2) fail("pairwise fit: need at least 2 neurons (got ", n, ")");
  if (steps < 2) fail("pairwise fit: need at least 2 time steps (got ", steps, ")");
  if (raster.size() != steps * std::size_t(n)) fail("pairwise fit: raster size does not match steps x n");
  std::map<std::string, double> seen;
  for (std::size_t t = 0; t < steps; ++t) {
    const auto* row = raster.data() + t * std::size_t(n);
    for (int i = 0; i < n; ++i)
      if (row[i] > 1) fail("raster value ", int(row[i]), " at step ", t, ", neuron ", i, " is not 0 or 1");
    seen[std::string(reinterpret_cast<const char*>(row), std::size_t(n))] += 1.0;
  }
  SpinCounts c;
  c.states = ActiveSets(n);
  c.counts.resize(Eigen::Index(seen.size()));
  Eigen::Index k = 0;
  for (const auto& [key, count] : seen) {
    c.states.append(reinterpret_cast<const std::uint8_t*>(key.data()));
    c.counts[k++] = count;
  }
  c.total = double(steps);
  return c;
}

double pseudo_likelihood_objective(const SpinCounts& data, double ridge, const Eigen::VectorXd& x,
                                   Eigen::VectorXd& gradient) {
  const int n = data.n();
  const IsingParams p = unpack(x, n);
  // The local fields of the all-silent state; an active neuron j adds 2 J_j.
  const Eigen::VectorXd silent = p.h - p.J.rowwise().sum();
  const std::size_t m = 1 + std::size_t(n) + std::size_t(n) * n;
  // partial: [objective, sum_t G_t (n), A (n x n)], A(j, i) = sum_t x_ti G_tj.
  const std::vector<double> total = sum_over_blocks(data.states.size(), kRows, m, [&](std::size_t first, std::size_t rows,
                                                                                        double* acc) {
    Eigen::VectorXd H(n), G(n), L(n), sign(n);
    Eigen::Map<Eigen::VectorXd> field_gradient(acc + 1, n);
    Eigen::Map<Eigen::MatrixXd> A(acc + 1 + n, n, n);
    for (std::size_t t = first; t < first + rows; ++t) {
      const std::int32_t *begin = data.states.begin(t), *end = data.states.end(t);
      H = silent;
      sign.setConstant(-1.0);
      for (const std::int32_t* j = begin; j != end; ++j) {
        H.noalias() += 2.0 * p.J.col(*j);
        sign[*j] = 1.0;
      }
      state_terms(H.data(), sign.data(), data.counts[Eigen::Index(t)] / data.total, n, L.data(), G.data());
      for (int i = 0; i < n; ++i) acc[0] += L[i];  // in order: the same bits on every vector width
      field_gradient += G;
      for (const std::int32_t* i = begin; i != end; ++i) A.col(*i) += G;
    }
  });
  const Eigen::Map<const Eigen::VectorXd> field_gradient(total.data() + 1, n);
  const Eigen::Map<const Eigen::MatrixXd> A(total.data() + 1 + n, n, n);
  // d/dJ_ij = sum_t (sigma_ti G_tj + sigma_tj G_ti), sigma = 2x - 1.
  gradient.resize(x.size());
  gradient.head(n) = field_gradient;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      gradient[n + pair_index(i, j, n)] = 2.0 * (A(j, i) + A(i, j)) - field_gradient[i] - field_gradient[j];
  gradient += ridge * x;
  return total[0] + 0.5 * ridge * x.squaredNorm();
}

void require_varied_states(const SpinCounts& data) {
  if (data.counts.size() == 1)
    fail("pairwise fit: every time bin holds the same pattern (", data.n(), " neurons constant over ", data.total,
         " bins); a pairwise model needs activity that varies");
}

PseudoLikelihoodFit fit_pseudo_likelihood(const SpinCounts& data, const PseudoLikelihoodOptions& options,
                                          const std::function<void(int, double, double)>& progress) {
  if (!(options.ridge >= 0.0)) fail("pairwise fit: the ridge must be >= 0 (got ", options.ridge, ")");
  const int n = data.n();
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n + n * (n - 1) / 2);
  double best_f = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_x = x;
  PseudoLikelihoodFit fit;
  auto objective = [&](const Eigen::VectorXd& v, Eigen::VectorXd& grad) {
    // A search direction that is not finite (a quasi-Newton update from a step of zero)
    // ends the search; the best point so far is kept.
    if (!v.allFinite()) throw std::runtime_error("the search direction is not finite");
    const double f = pseudo_likelihood_objective(data, options.ridge, v, grad);
    ++fit.evaluations;
    if (progress) progress(fit.evaluations, f, grad.norm());
    if (f < best_f) {
      best_f = f;
      best_x = v;
    }
    return f;
  };
  LBFGSpp::LBFGSParam<double> param;
  param.epsilon = options.epsilon;
  param.epsilon_rel = options.epsilon;
  param.max_iterations = options.max_iterations;
  param.past = 1;  // stop when an iteration leaves the objective unchanged ...
  param.delta = 4 * std::numeric_limits<double>::epsilon();  // ... to a few ulps
  param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
  // A step range of 2^20: a search that needs more has met the objective's rounding.
  param.max_linesearch = 20;
  // Nocedal-Wright line search (bracketing + zoom): the default backtracking strong-Wolfe
  // search fails on the first step of the shipped recording (spikes15).
  LBFGSpp::LBFGSSolver<double, LBFGSpp::LineSearchNocedalWright> solver(param);
  double f = 0.0;
  bool limit = false;
  try {
    limit = solver.minimize(objective, x, f) >= options.max_iterations;
  } catch (const std::exception& e) {
    fit.status = std::string("line search: ") + e.what();
  }
  Eigen::VectorXd grad;
  fit.objective = pseudo_likelihood_objective(data, options.ridge, best_x, grad);
  fit.gradient_norm = grad.norm();
  // Whichever way LBFGS++ stopped, the fit is judged by the gradient at its best point.
  fit.converged = fit.gradient_norm <= options.epsilon * std::max(1.0, best_x.norm());
  if (fit.converged) fit.status = "gradient tolerance reached";
  else if (limit) fit.status = "iteration limit reached";
  else if (fit.status.empty()) fit.status = "objective unchanged to rounding with the gradient above the tolerance";
  fit.params = unpack(best_x, n);
  return fit;
}

}  // namespace nirl
