// The non-negative lasso of docs/model.md section 5 (sparse positive reward):
//   minimise ||A x - b||^2 + mu * sum(x)  subject to x >= 0.
// Solver: the Lawson-Hanson active-set method with the linear term folded into the
// gradient. With w = A^T (b - A x) - mu/2 (minus half the gradient), the KKT conditions
// are w_j = 0 where x_j > 0 and w_j <= 0 where x_j = 0; each outer step frees the
// coordinate with the largest w_j, each inner step solves the unconstrained problem on
// the free set (normal equations by LDLT, with a relative 1e-12 ridge for safety) and
// steps back to the boundary where a coordinate would turn negative. It stops when the
// largest KKT violation is below tolerance * max|A^T b|: the answer is exact, not an
// approximation of a path. As mu -> 0 with consistent constraints the solution tends
// to the minimum-L1 non-negative solution of A x = b (the linear program).
#pragma once
#include <Eigen/Dense>

namespace nirl {

struct NonnegLassoResult {
  Eigen::VectorXd x;
  int iterations = 0;          // inner solves
  double kkt_violation = 0.0;  // max over j of the violated KKT condition, relative
  bool converged = false;
};

NonnegLassoResult nonneg_lasso(const Eigen::MatrixXd& A, const Eigen::VectorXd& b, double mu,
                               double tolerance = 1e-10, int max_iterations = 100000);

// The smallest mu for which x = 0 is the solution: 2 max_j (A^T b)_j (0 if none is positive).
double nonneg_lasso_mu_max(const Eigen::MatrixXd& A, const Eigen::VectorXd& b);

}  // namespace nirl
