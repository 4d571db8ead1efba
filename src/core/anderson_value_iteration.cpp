// Anderson-accelerated relative value iteration (docs/model.md section 2; contract in the header).
#include "nirl/core/anderson_value_iteration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "nirl/core/error.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/detail/parallel_reduce.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {
namespace {

// Sweeps without a new smallest span after which the history is dropped: far from the
// solution the map is not nearly affine and an old history stalls the mixing (random
// rewards at lambda 0.3: 365 sweeps with this restart, 1953 without, 2019 plain).
constexpr long kStall = 8;
// Restarts after which the mixing is abandoned for the plain iteration, whose span never
// grows: with strong rewards at small lambda (r / lambda ~ 30) the mixing kept restarting and
// took up to 3.7 times the plain sweeps; with this limit at most 1.35 times (60 random
// problems, tests' scale). The model choice's solves restart 0-3 times.
constexpr int kMaxRestarts = 20;

}  // namespace

ValueIterationResult anderson_value_iteration(const Network& net, const LogMarginals& q, Eigen::VectorXd& v,
                                              double tol, long max_sweeps, int memory) {
  if (memory < 1) fail("anderson_value_iteration: memory must be >= 1 (got ", memory, ")");
  const std::size_t S = std::size_t(v.size());
  const Eigen::Index N = v.size();
  Eigen::VectorXd g, w, f(N), f_prev(N), g_prev(N);
  resize_on_huge_pages(g, N);
  std::vector<Eigen::VectorXd> dF(static_cast<std::size_t>(memory), Eigen::VectorXd(N)), dG(dF);
  int stored = 0, next = 0;  // ring of difference pairs: `stored` valid, `next` to overwrite
  double best_span = std::numeric_limits<double>::infinity();  // since the last restart
  long best_sweep = 0;
  int restarts = 0;
  ValueIterationResult res;
  while (res.sweeps < max_sweeps) {
    relative_bellman_step(net, q, v, w, g, res);
    if (res.span < tol) {
      res.converged = true;
      break;
    }
    if (!std::isfinite(res.span)) fail("anderson_value_iteration: the Bellman residual is not finite");
    f = g - v;
    if (res.sweeps > 1) {
      dF[std::size_t(next)] = f - f_prev;
      dG[std::size_t(next)] = g - g_prev;
      next = (next + 1) % memory;
      stored = std::min(stored + 1, memory);
    }
    if (res.span < best_span) {
      best_span = res.span;
      best_sweep = res.sweeps;
    }
    if (res.span > 2.0 * best_span || res.sweeps - best_sweep > kStall) {
      if (stored > 0) ++restarts;
      stored = 0;  // restart from the plain step; the smallest span is measured anew
      best_span = res.span;
      best_sweep = res.sweeps;
    }
    std::swap(f_prev, f);
    std::swap(g_prev, g);  // g is rewritten by the next sweep
    if (stored == 0 || restarts > kMaxRestarts) {
      v = g_prev;
      continue;
    }
    // Normal equations H gamma = b, H = dF^T dF, b = dF^T f_k, with a relative ridge so that
    // nearly parallel differences (a converging history) do not blow gamma up.
    const int m = stored;
    const std::vector<double> sums = blocked_sums(S, m * (m + 1) / 2 + m, [&](std::size_t a, std::size_t e, double* acc) {
      int k = 0;
      for (int i = 0; i < m; ++i) {
        const double* x = dF[std::size_t(i)].data();
        for (int j = 0; j <= i; ++j, ++k) {
          const double* y = dF[std::size_t(j)].data();
          double s = 0.0;
          for (std::size_t t = a; t < e; ++t) s += x[t] * y[t];
          acc[k] += s;
        }
      }
      for (int i = 0; i < m; ++i, ++k) {
        const double* x = dF[std::size_t(i)].data();
        double s = 0.0;
        for (std::size_t t = a; t < e; ++t) s += x[t] * f_prev[Eigen::Index(t)];
        acc[k] += s;
      }
    });
    Eigen::MatrixXd H(m, m);
    Eigen::VectorXd b(m);
    int k = 0;
    for (int i = 0; i < m; ++i)
      for (int j = 0; j <= i; ++j, ++k) H(i, j) = H(j, i) = sums[std::size_t(k)];
    for (int i = 0; i < m; ++i, ++k) b[i] = sums[std::size_t(k)];
    H.diagonal().array() += 1e-12 * H.trace() / m + std::numeric_limits<double>::min();
    const Eigen::VectorXd gamma = H.ldlt().solve(b);
    if (!gamma.allFinite()) {
      stored = 0;
      v = g_prev;
      continue;
    }
    static ThreadTeam team;
    const ThreadTeam::Call call(team, double(S) * (m + 1), S >= kParallelMinStates);
    team_for_static(call, S, [&](std::size_t t) {
      double x = g_prev[Eigen::Index(t)];
      for (int i = 0; i < m; ++i) x -= gamma[i] * dG[std::size_t(i)][Eigen::Index(t)];
      v[Eigen::Index(t)] = x;
    });
  }
  // On exit v is the image of the last iterate: g when converged, g_prev otherwise.
  if (res.converged)
    std::swap(v, g);
  else if (res.sweeps > 0)
    v = g_prev;
  return res;
}

}  // namespace nirl
