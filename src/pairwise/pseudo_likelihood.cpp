// Pseudo-likelihood fit of the untied Ising family (MODEL.md section 5).
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

constexpr Eigen::Index kRows = 1024;

IsingParams unpack(const Eigen::VectorXd& x, int n) {
  IsingParams p = IsingParams::zero(n);
  p.h = x.head(n);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) p.J(i, j) = p.J(j, i) = x[n + pair_index(i, j, n)];
  return p;
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
  c.states.resize(Eigen::Index(seen.size()), n);
  c.counts.resize(Eigen::Index(seen.size()));
  Eigen::Index k = 0;
  for (const auto& [key, count] : seen) {
    for (int i = 0; i < n; ++i) c.states(k, i) = key[std::size_t(i)] ? 1.0 : -1.0;
    c.counts[k++] = count;
  }
  c.total = double(steps);
  return c;
}

double pseudo_likelihood_objective(const SpinCounts& data, double ridge, const Eigen::VectorXd& x,
                                   Eigen::VectorXd& gradient) {
  const int n = data.n();
  const IsingParams p = unpack(x, n);
  const Eigen::Index U = data.states.rows(), blocks = (U + kRows - 1) / kRows;
  const Eigen::Index m = 1 + n + n * n;
  std::vector<double> partial(std::size_t(blocks * m), 0.0);
#pragma omp parallel for schedule(dynamic) if (blocks > 1)
  for (Eigen::Index b = 0; b < blocks; ++b) {
    const Eigen::Index begin = b * kRows, rows = std::min(U, begin + kRows) - begin;
    const auto S = data.states.middleRows(begin, rows);
    const Eigen::MatrixXd H = (S * p.J).rowwise() + p.h.transpose();
    Eigen::MatrixXd G(rows, n);  // d(-log PL)/dH_ti, weighted by the count
    double* acc = partial.data() + b * m;
    double value = 0.0;
    for (Eigen::Index t = 0; t < rows; ++t) {
      const double c = data.counts[begin + t] / data.total;
      for (int i = 0; i < n; ++i) {
        const double z = 2.0 * S(t, i) * H(t, i);
        value -= c * log_sigmoid(z);
        G(t, i) = -2.0 * c * S(t, i) * sigmoid(-z);
      }
    }
    acc[0] = value;
    Eigen::Map<Eigen::VectorXd>(acc + 1, n) = G.colwise().sum().transpose();
    Eigen::Map<Eigen::MatrixXd>(acc + 1 + n, n, n).noalias() = S.transpose() * G;
  }
  std::vector<double> total(std::size_t(m), 0.0);
  for (Eigen::Index b = 0; b < blocks; ++b)
    for (Eigen::Index k = 0; k < m; ++k) total[std::size_t(k)] += partial[std::size_t(b * m + k)];
  const Eigen::Map<const Eigen::MatrixXd> SG(total.data() + 1 + n, n, n);
  gradient.resize(x.size());
  gradient.head(n) = Eigen::Map<const Eigen::VectorXd>(total.data() + 1, n);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) gradient[n + pair_index(i, j, n)] = SG(i, j) + SG(j, i);
  gradient += ridge * x;
  return total[0] + 0.5 * ridge * x.squaredNorm();
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
  // search failed on the first step of a recorded raster (spikes15).
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
