// The soft-Bellman backup over an action set (docs/model.md section 1), the one log-sum-exp
// every solver uses:
//
//   x(a)       = log q(a) + Q(a) / lambda
//   V          = lambda * log sum_a exp(x(a))                (soft value of a state)
//   log pi(a)  = x(a) - log sum_b exp(x(b))                  (its policy)
//
// computed as max_a x(a) + log(1 + sum of the others' exp(x(a) - max)). With two actions
// this is log_sum_exp2 of numerics.hpp bit for bit: the network's pair kernels
// (soft_bellman.cpp, stationary.cpp) are that case, vectorised over pairs of states.
// An action with q(a) = 0 (log q = -inf) contributes exactly nothing.
#pragma once
#include <cmath>
#include <limits>

#include "nirl/detail/numerics.hpp"

namespace nirl {

// log sum_a exp(x(a)) as max + log1p(rest), rest = sum_{a != argmax} exp(x(a) - max).
struct LogSumExp {
  double max = 0.0, log1p_rest = 0.0;
  double value() const { return max + log1p_rest; }
  // x - log sum_b exp(x(b)) without cancellation: exactly -log1p_rest at the maximum.
  double log_normalised(double x) const { return (x - max) - log1p_rest; }
};

inline LogSumExp log_sum_exp(const double* x, int m) {
  int top = 0;
  for (int a = 1; a < m; ++a)
    if (std::isgreater(x[a], x[top])) top = a;
  LogSumExp r;
  r.max = x[top];
  if (r.max == -std::numeric_limits<double>::infinity()) return r;  // no action possible
  double rest = 0.0;
  for (int a = 0; a < m; ++a)
    if (a != top) rest += exp_nonpositive(x[a] - r.max);
  // rest is in [0, m - 1]; log1p_unit covers [0, 1], beyond it 1 + rest >= 2 loses nothing.
  r.log1p_rest = rest <= 1.0 ? log1p_unit(rest) : log_positive(1.0 + rest);
  return r;
}

// The backup of one state: fills x(a) = log q(a) + Q(a) / lambda and returns its log-sum-exp
// (multiply value() by lambda for the soft value).
inline LogSumExp soft_backup(const double* log_q, const double* Q, int m, double inv_lambda, double* x) {
  for (int a = 0; a < m; ++a) x[a] = log_q[a] + Q[a] * inv_lambda;
  return log_sum_exp(x, m);
}

}  // namespace nirl
