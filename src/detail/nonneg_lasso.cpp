// Non-negative lasso by Lawson-Hanson active sets (docs/model.md section 5).
#include "nirl/detail/nonneg_lasso.hpp"

#include <algorithm>
#include <vector>

#include "nirl/core/error.hpp"

namespace nirl {

double nonneg_lasso_mu_max(const Eigen::MatrixXd& A, const Eigen::VectorXd& b) {
  return std::max(0.0, 2.0 * (A.transpose() * b).maxCoeff());
}

NonnegLassoResult nonneg_lasso(const Eigen::MatrixXd& A, const Eigen::VectorXd& b, double mu, double tolerance,
                               int max_iterations) {
  if (A.rows() != b.size()) fail("non-negative lasso: A has ", A.rows(), " rows but b has ", b.size());
  if (!(mu >= 0.0)) fail("non-negative lasso: mu must be >= 0 (got ", mu, ")");
  const Eigen::Index N = A.cols();
  const Eigen::MatrixXd Q = A.transpose() * A;
  const Eigen::VectorXd c = A.transpose() * b - Eigen::VectorXd::Constant(N, 0.5 * mu);
  const double scale = std::max((A.transpose() * b).cwiseAbs().maxCoeff(), 1e-300);
  const double ridge = 1e-12 * std::max(Q.diagonal().maxCoeff(), 1e-300);
  NonnegLassoResult res;
  res.x = Eigen::VectorXd::Zero(N);
  std::vector<bool> free(std::size_t(N), false);
  Eigen::Index last_enter = -1;
  // z = argmin on the free set (others 0).
  auto solve_free = [&](Eigen::VectorXd& z) {
    std::vector<Eigen::Index> idx;
    for (Eigen::Index j = 0; j < N; ++j)
      if (free[std::size_t(j)]) idx.push_back(j);
    const Eigen::Index m = Eigen::Index(idx.size());
    Eigen::MatrixXd Qf(m, m);
    Eigen::VectorXd cf(m);
    for (Eigen::Index a = 0; a < m; ++a) {
      cf[a] = c[idx[std::size_t(a)]];
      for (Eigen::Index k = 0; k < m; ++k) Qf(a, k) = Q(idx[std::size_t(a)], idx[std::size_t(k)]);
      Qf(a, a) += ridge;
    }
    const Eigen::VectorXd zf = Qf.ldlt().solve(cf);
    z = Eigen::VectorXd::Zero(N);
    for (Eigen::Index a = 0; a < m; ++a) z[idx[std::size_t(a)]] = zf[a];
  };
  for (;;) {
    const Eigen::VectorXd w = c - Q * res.x;
    // KKT violation: |w_j| on the free set, max(w_j, 0) on the bound set.
    double violation = 0.0;
    Eigen::Index enter = -1;
    double best = tolerance * scale;
    for (Eigen::Index j = 0; j < N; ++j) {
      if (free[std::size_t(j)]) {
        violation = std::max(violation, std::abs(w[j]));
      } else {
        violation = std::max(violation, w[j]);
        if (w[j] > best) {
          best = w[j];
          enter = j;
        }
      }
    }
    res.kkt_violation = violation / scale;
    if (enter < 0) {
      res.converged = res.kkt_violation <= std::max(tolerance, 1e-8);
      break;
    }
    // A coordinate that re-enters at once, with nothing changed, cannot move (degenerate).
    if (res.iterations >= max_iterations || enter == last_enter) break;
    last_enter = enter;
    free[std::size_t(enter)] = true;
    for (;;) {
      Eigen::VectorXd z;
      solve_free(z);
      ++res.iterations;
      double alpha = 1.0;
      for (Eigen::Index j = 0; j < N; ++j)
        if (free[std::size_t(j)] && z[j] <= 0.0) alpha = std::min(alpha, res.x[j] / (res.x[j] - z[j]));
      if (alpha >= 1.0) {
        res.x = z;
        last_enter = -1;
        break;
      }
      res.x += alpha * (z - res.x);
      for (Eigen::Index j = 0; j < N; ++j)
        if (free[std::size_t(j)] && res.x[j] <= 1e-15 * std::max(1.0, res.x.cwiseAbs().maxCoeff())) {
          free[std::size_t(j)] = false;
          res.x[j] = 0.0;
        }
      if (res.iterations >= max_iterations) break;
    }
  }
  return res;
}

}  // namespace nirl
