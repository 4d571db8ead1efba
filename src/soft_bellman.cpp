// Relative value iteration for the network soft Bellman equation (MODEL.md section 2).
#include "nirl/soft_bellman.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "nirl/numerics.hpp"
#include "nirl/parallel_reduce.hpp"

namespace nirl {

void expected_next_value(const Network& net, const Eigen::VectorXd& v, Eigen::VectorXd& w) {
  expected_next_value(net.space, net.input.P, v, w);
}

void expected_next_value(const StateSpace& space, const Eigen::MatrixXd& P, const Eigen::VectorXd& v,
                         Eigen::VectorXd& w) {
  const std::size_t ns = space.n_sigma;
  const int nx = space.nx;
  w.resize(v.size());
#pragma omp parallel for schedule(static) if (std::size_t(v.size()) >= kParallelMinStates)
  for (std::size_t sigma = 0; sigma < ns; ++sigma)
    for (int x = 0; x < nx; ++x) {
      double acc = 0.0;
      for (int y = 0; y < nx; ++y) acc += P(x, y) * v[Eigen::Index(sigma + ns * std::size_t(y))];
      w[Eigen::Index(sigma + ns * std::size_t(x))] = acc;
    }
}

double soft_value_sum(const StateSpace& space, double lambda, const LogMarginals& q, const double* w,
                      std::size_t s) {
  const int n = space.n;
  const double inv_lambda = 1.0 / lambda;
  const std::uint64_t sigma = space.sigma_of(s);
  const std::size_t base = s - sigma;
  double acc = 0.0;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t bit = std::uint64_t(1) << i;
    const double on = q.log_on[std::size_t(i)] + w[base + (sigma | bit)] * inv_lambda;
    const double off = q.log_off[std::size_t(i)] + w[base + (sigma & ~bit)] * inv_lambda;
    acc += log_sum_exp2(on, off);
  }
  return (lambda / n) * acc;
}

double soft_bellman_backup(const Network& net, const LogMarginals& q, const double* w, std::size_t s) {
  return net.reward[Eigen::Index(s)] + soft_value_sum(net.space, net.lambda, q, w, s);
}

SweepRange soft_bellman_sweep(const Network& net, const LogMarginals& q, const double* w,
                              const Eigen::VectorXd& v, double offset, Eigen::VectorXd& v_new) {
  const std::size_t S = net.space.size;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
#pragma omp parallel for schedule(static) reduction(min : lo) reduction(max : hi) if (S >= kParallelMinStates)
  for (std::size_t s = 0; s < S; ++s) {
    const double t = soft_bellman_backup(net, q, w, s);
    const double d = t - v[Eigen::Index(s)];
    lo = std::min(lo, d);
    hi = std::max(hi, d);
    v_new[Eigen::Index(s)] = t - offset;
  }
  return {lo, hi};
}

ValueIterationResult relative_value_iteration(const Network& net, const LogMarginals& q,
                                              Eigen::VectorXd& v, double tol, long max_sweeps,
                                              Eigen::VectorXd& scratch, Eigen::VectorXd& w) {
  const bool has_input = net.space.nx > 1;
  scratch.resize(v.size());
  ValueIterationResult res;
  while (res.sweeps < max_sweeps) {
    if (has_input) expected_next_value(net, v, w);
    const double* wp = has_input ? w.data() : v.data();
    // Reference state 0: subtracting T(v)(0) keeps v(0) = 0 and the values bounded.
    const double offset = soft_bellman_backup(net, q, wp, 0);
    const SweepRange range = soft_bellman_sweep(net, q, wp, v, offset, scratch);
    std::swap(v, scratch);
    ++res.sweeps;
    res.span = range.max - range.min;
    res.L = 0.5 * (range.max + range.min);
    if (res.span < tol) {
      res.converged = true;
      break;
    }
  }
  if (has_input) expected_next_value(net, v, w);
  return res;
}

}  // namespace nirl
