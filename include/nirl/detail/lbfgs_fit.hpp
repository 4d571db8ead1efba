// L-BFGS minimisation as the inverse problems use it (docs/model.md sections 1 and 3b): LBFGS++
// with a strong-Wolfe backtracking line search, the best point seen kept with its value and
// gradient (a failed line search may leave v elsewhere), and a stop of the line search
// where the gradient is already within 10 x the tolerance counted as converged.
#pragma once
#include <LBFGS.h>

#include <Eigen/Dense>
#include <algorithm>
#include <limits>
#include <string>

namespace nirl {

struct LbfgsOutcome {
  double value = 0.0;  // f at the returned v
  int iterations = 0;
  int evaluations = 0;  // passes of f (value and gradient)
  bool converged = false;
  std::string status;  // the optimiser's last word
};

// Minimises f(v, gradient) -> value from v in place; stops when ||g|| < epsilon max(1, ||v||).
template <typename F>
LbfgsOutcome minimise_lbfgs(F&& f, Eigen::VectorXd& v, int max_iterations, double epsilon) {
  double best_f = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_v = v, best_grad;
  int evaluations = 0;
  auto objective = [&](const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    const double fx = f(x, grad);
    ++evaluations;
    if (fx < best_f) {
      best_f = fx;
      best_v = x;
      best_grad = grad;
    }
    return fx;
  };
  LBFGSpp::LBFGSParam<double> param;
  param.epsilon = epsilon;
  param.epsilon_rel = epsilon;
  param.max_iterations = max_iterations;
  param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
  param.max_linesearch = 100;
  LBFGSpp::LBFGSSolver<double> solver(param);

  LbfgsOutcome out;
  double fx = 0.0;
  try {
    out.iterations = solver.minimize(objective, v, fx);
    out.converged = out.iterations < max_iterations;
    out.status = out.converged ? "gradient tolerance reached" : "iteration limit reached";
  } catch (const std::exception& e) {
    out.status = std::string("stopped: ") + e.what();
  }
  v = best_v;
  out.value = best_f;
  if (best_grad.size() == 0) {  // no pass gave a value below infinity
    out.value = f(v, best_grad);
    ++evaluations;
  }
  out.evaluations = evaluations;
  if (!out.converged && best_grad.norm() <= 10.0 * epsilon * std::max(1.0, v.norm()))
    out.converged = true;  // the line search gave up at the optimum
  return out;
}

}  // namespace nirl
