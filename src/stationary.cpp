// Stationary distribution and policy averages (MODEL.md section 2).
#include "nirl/stationary.hpp"

#include <cmath>
#include <utility>

#include "nirl/numerics.hpp"
#include "nirl/parallel_reduce.hpp"

namespace nirl {

double stationary_sweep(const Network& net, const LogMarginals& q, const double* w,
                        const Eigen::VectorXd& p, Eigen::VectorXd& p_new, Eigen::VectorXd& scratch) {
  const int n = net.n(), nx = net.space.nx;
  const std::size_t S = net.space.size, ns = net.space.n_sigma;
  const double inv_lambda = 1.0 / net.lambda, inv_n = 1.0 / n;
  p_new.resize(Eigen::Index(S));
  Eigen::VectorXd& u = nx > 1 ? scratch : p_new;
  u.resize(Eigen::Index(S));
#pragma omp parallel for schedule(static) if (S >= kParallelMinStates)
  for (std::size_t s = 0; s < S; ++s) {
    const std::uint64_t sigma = net.space.sigma_of(s);
    const std::size_t base = s - sigma;
    const double ps = p[Eigen::Index(s)];
    double acc = 0.0;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t bit = std::uint64_t(1) << i;
      const double z = flip_logit(w, base, sigma, i, inv_lambda, q);
      const double keep = (sigma & bit) ? sigmoid(z) : sigmoid(-z);  // pi_i(sigma_i | s)
      acc += keep * (ps + p[Eigen::Index(base + (sigma ^ bit))]);
    }
    u[Eigen::Index(s)] = acc * inv_n;
  }
  if (nx > 1) {
    const Eigen::MatrixXd& P = net.input.P;
#pragma omp parallel for schedule(static) if (S >= kParallelMinStates)
    for (std::size_t sigma = 0; sigma < ns; ++sigma)
      for (int y = 0; y < nx; ++y) {
        double acc = 0.0;
        for (int x = 0; x < nx; ++x) acc += u[Eigen::Index(sigma + ns * std::size_t(x))] * P(x, y);
        p_new[Eigen::Index(sigma + ns * std::size_t(y))] = acc;
      }
  }
  const std::vector<double> change = blocked_sums(S, 1, [&](std::size_t b, std::size_t e, double* acc) {
    for (std::size_t s = b; s < e; ++s) acc[0] += std::fabs(p_new[Eigen::Index(s)] - p[Eigen::Index(s)]);
  });
  return change[0];
}

StationaryResult stationary_power_iteration(const Network& net, const LogMarginals& q,
                                            const double* w, Eigen::VectorXd& p, double tol,
                                            long max_sweeps, Eigen::VectorXd& p_new,
                                            Eigen::VectorXd& scratch) {
  StationaryResult res;
  while (res.sweeps < max_sweeps) {
    res.change = stationary_sweep(net, q, w, p, p_new, scratch);
    std::swap(p, p_new);
    ++res.sweeps;
    if (res.change < tol) {
      res.converged = true;
      break;
    }
  }
  // Remove the round-off drift of the total mass.
  const double total = blocked_sums(std::size_t(p.size()), 1, [&](std::size_t b, std::size_t e, double* acc) {
    for (std::size_t s = b; s < e; ++s) acc[0] += p[Eigen::Index(s)];
  })[0];
  p /= total;
  return res;
}

void gibbs_stationary(const Network& net, const LogMarginals& q, const Eigen::VectorXd& v,
                      Eigen::VectorXd& p) {
  const int n = net.n();
  const std::size_t S = net.space.size;
  const double inv_lambda = 1.0 / net.lambda;
  p.resize(Eigen::Index(S));
  double top = -std::numeric_limits<double>::infinity();
#pragma omp parallel for schedule(static) reduction(max : top) if (S >= kParallelMinStates)
  for (std::size_t s = 0; s < S; ++s) {
    double lw = v[Eigen::Index(s)] * inv_lambda;
    for (int i = 0; i < n; ++i) lw += ((s >> i) & 1) ? q.log_on[std::size_t(i)] : q.log_off[std::size_t(i)];
    p[Eigen::Index(s)] = lw;
    top = std::max(top, lw);
  }
  const double total = blocked_sums(S, 1, [&](std::size_t b, std::size_t e, double* acc) {
    for (std::size_t s = b; s < e; ++s) {
      p[Eigen::Index(s)] = std::exp(p[Eigen::Index(s)] - top);
      acc[0] += p[Eigen::Index(s)];
    }
  })[0];
  p /= total;
}

PolicyAverages policy_averages(const Network& net, const LogMarginals& q, const double* w,
                               const Eigen::VectorXd& p) {
  const int n = net.n();
  const double inv_lambda = 1.0 / net.lambda;
  // Accumulators: [on_0..on_{n-1}, off_0..off_{n-1}, reward, cost]
  const std::vector<double> sums = blocked_sums(net.space.size, 2 * n + 2, [&](std::size_t b, std::size_t e, double* acc) {
    for (std::size_t s = b; s < e; ++s) {
      const double ps = p[Eigen::Index(s)];
      if (ps == 0.0) continue;
      const std::uint64_t sigma = net.space.sigma_of(s);
      const std::size_t base = s - sigma;
      double cost = 0.0;
      for (int i = 0; i < n; ++i) {
        const double z = flip_logit(w, base, sigma, i, inv_lambda, q);
        const double on = sigmoid(z), off = sigmoid(-z);
        acc[i] += ps * on;
        acc[n + i] += ps * off;
        cost += kl_term(on, log_sigmoid(z), q.log_on[std::size_t(i)]) +
                kl_term(off, log_sigmoid(-z), q.log_off[std::size_t(i)]);
      }
      acc[2 * n] += ps * net.reward[Eigen::Index(s)];
      acc[2 * n + 1] += ps * cost / n;
    }
  });
  PolicyAverages avg;
  avg.on.assign(sums.begin(), sums.begin() + n);
  avg.off.assign(sums.begin() + n, sums.begin() + 2 * n);
  avg.mean_reward = sums[std::size_t(2 * n)];
  avg.coding_cost = sums[std::size_t(2 * n + 1)];
  return avg;
}

}  // namespace nirl
