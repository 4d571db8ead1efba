// Stationary distribution and policy averages (docs/model.md section 2).
#include "nirl/core/stationary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "nirl/core/memory.hpp"
#include "nirl/detail/numerics.hpp"
#include "nirl/detail/parallel_reduce.hpp"
#include "nirl/core/soft_bellman.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {
namespace {

// The kernels below share the pair structure of soft_bellman.cpp: neuron i's logit
//   z = (w(sigma_i = +1) - w(sigma_i = -1)) / lambda + log q_i(+1) - log q_i(-1)
// is the same for both states of a pair, so it and its exp are computed once per pair,
// neuron by neuron over tiles (parallel_reduce.hpp), in vectorisable chunks.

// One chunk of pairs of tile-local bit L: the logits z, e = exp(-|z|) and the weights
// p(off) + p(on) of the chunk's pairs.
struct PairChunk {
  alignas(64) double w_off[kPairChunk], w_on[kPairChunk], p_off[kPairChunk], p_on[kPairChunk];
  alignas(64) double z[kPairChunk], e[kPairChunk], weight[kPairChunk];

  [[gnu::always_inline]] void load(const double* wt, const double* pt, std::size_t p0, int m, int L,
                                   double inv_lambda, double dq) {
    gather_pairs(wt, p0, m, L, w_off, w_on);
    gather_pairs(pt, p0, m, L, p_off, p_on);
#pragma omp simd
    for (int k = 0; k < m; ++k) {
      z[k] = (w_on[k] - w_off[k]) * inv_lambda + dq;  // flip_logit
      e[k] = exp_nonpositive(-std::fabs(z[k]));
      weight[k] = p_off[k] + p_on[k];
    }
  }
};

// Pull form, for one neuron: adds pi_i(sigma_i | s) (p(s) + p(s^i)) to both states s of
// every pair of the tile (wt, pt: the tile's w and p).
NIRL_VECTOR_CLONES
void add_pull_terms(const double* wt, const double* pt, double* acc, std::size_t size, int L, double inv_lambda,
                    double dq) {
  PairChunk c;
  alignas(64) double to_off[kPairChunk], to_on[kPairChunk];
  for (std::size_t p0 = 0; p0 < size / 2; p0 += kPairChunk) {
    const int m = int(std::min<std::size_t>(kPairChunk, size / 2 - p0));
    c.load(wt, pt, p0, m, L, inv_lambda, dq);
#pragma omp simd
    for (int k = 0; k < m; ++k) {
      to_on[k] = sigmoid_given(c.z[k], c.e[k]) * c.weight[k];     // the on state stays on
      to_off[k] = sigmoid_given(-c.z[k], c.e[k]) * c.weight[k];   // the off state stays off
    }
    scatter_add_pairs(acc, p0, m, L, to_off, to_on);
  }
}

// Policy averages of one neuron over the tile's pairs: sums of p * pi_i(+1), p * pi_i(-1)
// and p * KL(pi_i || q_i) (the KL term is the same for both states of a pair). Partial
// sums run in 4 fixed lanes, so SSE2 and AVX2 add in the same order.
NIRL_VECTOR_CLONES
void average_terms(const double* wt, const double* pt, std::size_t size, int L, double inv_lambda, double log_on,
                   double log_off, double* out) {
  PairChunk c;
  alignas(64) double on[kPairChunk], off[kPairChunk], cost[kPairChunk];
  double lanes[3][4] = {};
  for (std::size_t p0 = 0; p0 < size / 2; p0 += kPairChunk) {
    const int m = int(std::min<std::size_t>(kPairChunk, size / 2 - p0));
    c.load(wt, pt, p0, m, L, inv_lambda, log_on - log_off);
#pragma omp simd
    for (int k = 0; k < m; ++k) {
      const double z = c.z[k], e = c.e[k];
      const double pi_on = sigmoid_given(z, e), pi_off = sigmoid_given(-z, e);
      const double kl = kl_term(pi_on, log_sigmoid_given(z, e), log_on) +
                        kl_term(pi_off, log_sigmoid_given(-z, e), log_off);
      on[k] = c.weight[k] * pi_on;
      off[k] = c.weight[k] * pi_off;
      cost[k] = c.weight[k] * kl;
    }
    const int m4 = (m + 3) & ~3;
    for (int k = m; k < m4; ++k) on[k] = off[k] = cost[k] = 0.0;
    for (int k = 0; k < m4; k += 4)
      for (int j = 0; j < 4; ++j) {
        lanes[0][j] += on[k + j];
        lanes[1][j] += off[k + j];
        lanes[2][j] += cost[k + j];
      }
  }
  for (int a = 0; a < 3; ++a) out[a] = (lanes[a][0] + lanes[a][1]) + (lanes[a][2] + lanes[a][3]);
}

// exp(p[k] - top) in place for k < len; returns their sum (4 fixed lanes).
NIRL_VECTOR_CLONES
double exp_shifted_sum(double* p, std::size_t len, double top) {
  double lanes[4] = {};
  std::size_t k = 0;
  for (; k + 4 <= len; k += 4)
    for (int j = 0; j < 4; ++j) {
      p[k + j] = exp_nonpositive(p[k + j] - top);
      lanes[j] += p[k + j];
    }
  for (; k < len; ++k) {
    p[k] = exp_nonpositive(p[k] - top);
    lanes[0] += p[k];
  }
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

}  // namespace

double stationary_sweep(const Network& net, const LogMarginals& q, const double* w,
                        const Eigen::VectorXd& p, Eigen::VectorXd& p_new, Eigen::VectorXd& scratch) {
  const int nx = net.space.nx;
  const std::size_t S = net.space.size;
  const double inv_lambda = 1.0 / net.lambda, inv_n = 1.0 / net.n();
  resize_on_huge_pages(p_new, Eigen::Index(S));
  Eigen::VectorXd& u = nx > 1 ? scratch : p_new;
  resize_on_huge_pages(u, Eigen::Index(S));
  const std::vector<PairPass> passes = pair_passes(net.space);
  {  // the passes, timed as one call (thread_team.hpp)
    static ThreadTeam team;
    const ThreadTeam::Call call(team, double(S) * net.n(), S >= kParallelMinStates);
    for (std::size_t k = 0; k < passes.size(); ++k) {
      const PairPass& pass = passes[k];
      const bool first = k == 0, last = k + 1 == passes.size();
      team_for_dynamic(call, pass.tiles, [&](std::size_t t) {
        double* wt = thread_scratch(3 * pass.size);
        double *pt = wt + pass.size, *acc = pt + pass.size;
        pass.for_each_row(t, [&](std::size_t s0, std::size_t l0, std::size_t len) {
          std::copy(w + s0, w + s0 + len, wt + l0);
          std::copy(p.data() + s0, p.data() + s0 + len, pt + l0);
          if (first) std::fill(acc + l0, acc + l0 + len, 0.0);
          else std::copy(u.data() + s0, u.data() + s0 + len, acc + l0);
        });
        for (int j = 0; j < pass.count; ++j) {
          const std::size_t i = std::size_t(pass.first + j);
          add_pull_terms(wt, pt, acc, pass.size, pass.local_first + j, inv_lambda, q.log_on[i] - q.log_off[i]);
        }
        pass.for_each_row(t, [&](std::size_t s0, std::size_t l0, std::size_t len) {
          for (std::size_t j = 0; j < len; ++j) u[Eigen::Index(s0 + j)] = last ? acc[l0 + j] * inv_n : acc[l0 + j];
        });
      });
    }
  }
  // p_new(sigma, y) = sum_x u(sigma, x) P[x, y], the input's move.
  if (nx > 1) apply_input_chain(net.space, net.input, true, u, p_new);
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

// log p(sigma) = v(sigma)/lambda + sum_i log q_i(sigma_i) + const, the sum over neurons
// read from two tables (low and high bits of sigma) instead of n additions per state.
void gibbs_stationary(const Network& net, const LogMarginals& q, const Eigen::VectorXd& v,
                      Eigen::VectorXd& p) {
  const int n = net.n(), low_bits = (n + 1) / 2;  // two tables of about sqrt(S) entries
  const std::size_t S = net.space.size;
  const double inv_lambda = 1.0 / net.lambda;
  auto log_q_table = [&](int first, int count) {
    std::vector<double> table(std::size_t(1) << count);
    for (std::size_t j = 0; j < table.size(); ++j) {
      double acc = 0.0;
      for (int i = 0; i < count; ++i)
        acc += ((j >> i) & 1) ? q.log_on[std::size_t(first + i)] : q.log_off[std::size_t(first + i)];
      table[j] = acc;
    }
    return table;
  };
  const std::vector<double> low = log_q_table(0, low_bits), high = log_q_table(low_bits, n - low_bits);
  const std::size_t low_mask = (std::size_t(1) << low_bits) - 1;
  resize_on_huge_pages(p, Eigen::Index(S));
  double top = -std::numeric_limits<double>::infinity();
  {
    static ThreadTeam team;
    const ThreadTeam::Call call(team, double(S), S >= kParallelMinStates);
    const auto log_weight = [&](std::size_t s) {
      const double lw = v[Eigen::Index(s)] * inv_lambda + (low[s & low_mask] + high[s >> low_bits]);
      p[Eigen::Index(s)] = lw;
      return lw;
    };
    if (call.threads() == 1) {  // no OpenMP region (thread_team.hpp)
      for (std::size_t s = 0; s < S; ++s) top = std::max(top, log_weight(s));
    } else {
#pragma omp parallel for schedule(static) reduction(max : top) num_threads(call.threads())
      for (std::size_t s = 0; s < S; ++s) top = std::max(top, log_weight(s));
    }
  }
  const double total = blocked_sums(S, 1, [&](std::size_t b, std::size_t e, double* acc) {
    acc[0] += exp_shifted_sum(p.data() + b, e - b, top);
  })[0];
  p /= total;
}

PolicyAverages policy_averages(const Network& net, const LogMarginals& q, const double* w,
                               const Eigen::VectorXd& p) {
  const int n = net.n();
  const double inv_lambda = 1.0 / net.lambda;
  PolicyAverages avg;
  avg.on.assign(std::size_t(n), 0.0);
  avg.off.assign(std::size_t(n), 0.0);
  double cost = 0.0;
  {
    static ThreadTeam team;
    const ThreadTeam::Call call(team, double(net.space.size) * n, net.space.size >= kParallelMinStates);
    for (const PairPass& pass : pair_passes(net.space)) {
      // Per tile and neuron: sums of p pi(+1), p pi(-1), p KL; added up in tile order.
      const std::size_t width = 3 * std::size_t(pass.count);
      std::vector<double> partial(pass.tiles * width);
      team_for_dynamic(call, pass.tiles, [&](std::size_t t) {
        double* wt = thread_scratch(2 * pass.size);
        double* pt = wt + pass.size;
        pass.for_each_row(t, [&](std::size_t s0, std::size_t l0, std::size_t len) {
          std::copy(w + s0, w + s0 + len, wt + l0);
          std::copy(p.data() + s0, p.data() + s0 + len, pt + l0);
        });
        for (int j = 0; j < pass.count; ++j) {
          const std::size_t i = std::size_t(pass.first + j);
          average_terms(wt, pt, pass.size, pass.local_first + j, inv_lambda, q.log_on[i], q.log_off[i],
                        partial.data() + t * width + 3 * std::size_t(j));
        }
      });
      for (std::size_t t = 0; t < pass.tiles; ++t)
        for (int j = 0; j < pass.count; ++j) {
          const double* sums = partial.data() + t * width + 3 * std::size_t(j);
          avg.on[std::size_t(pass.first + j)] += sums[0];
          avg.off[std::size_t(pass.first + j)] += sums[1];
          cost += sums[2];
        }
    }
  }
  avg.coding_cost = cost / n;
  avg.mean_reward = blocked_sums(net.space.size, 1, [&](std::size_t b, std::size_t e, double* acc) {
    for (std::size_t s = b; s < e; ++s) acc[0] += p[Eigen::Index(s)] * net.reward[Eigen::Index(s)];
  })[0];
  return avg;
}

}  // namespace nirl
