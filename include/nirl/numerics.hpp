// Stable scalar numerics shared by the solvers (MODEL.md section 3b: never form log(1 - p)).
#pragma once
#include <cmath>

namespace nirl {

// log(exp(a) + exp(b)); exact when one argument is -inf.
inline double log_sum_exp2(double a, double b) {
  const double m = a > b ? a : b;
  return m + std::log1p(std::exp(-std::fabs(a - b)));
}

inline double sigmoid(double z) {
  if (z >= 0.0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// log(sigmoid(z)) without cancellation for either sign of z.
inline double log_sigmoid(double z) {
  return z >= 0.0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z));
}

// x * (log x - log y) with the convention 0 * anything = 0.
inline double kl_term(double x, double log_x, double log_y) {
  return x > 0.0 ? x * (log_x - log_y) : 0.0;
}

}  // namespace nirl
