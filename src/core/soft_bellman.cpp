// Relative value iteration for the network soft Bellman equation (docs/model.md section 2).
#include "nirl/core/soft_bellman.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "nirl/core/memory.hpp"
#include "nirl/detail/numerics.hpp"
#include "nirl/detail/parallel_reduce.hpp"
#include "nirl/core/soft_backup.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {
namespace {

// w(sigma, x) = sum_y M(x, y) v(sigma, y) for sigma in [begin, begin + len) and the XR
// inputs x0 .. x0 + XR - 1. Blocked for registers: 8 sigma (two 4-double vectors) times
// XR inputs accumulate together, so each v(sigma, y) loaded serves XR outputs; each w is
// still added up in y order, as a per-state loop would.
typedef double Vec4 __attribute__((vector_size(32)));

template <int XR>
[[gnu::always_inline]] inline void expected_next_value_rows(const Eigen::MatrixXd& M, const double* v, std::size_t ns,
                                                            std::size_t begin, std::size_t len, int x0, double* w) {
  const int nx = int(M.cols());
  const double* m = M.data();  // M(x, y) = m[x + nx * y]
  std::size_t s = begin;
  for (; s + 8 <= begin + len; s += 8) {
    Vec4 acc[XR][2], v0, v1;
    std::memcpy(&v0, v + s, sizeof v0);
    std::memcpy(&v1, v + s + 4, sizeof v1);
    for (int j = 0; j < XR; ++j) {
      acc[j][0] = 0.0 + m[x0 + j] * v0;
      acc[j][1] = 0.0 + m[x0 + j] * v1;
    }
    for (int y = 1; y < nx; ++y) {
      std::memcpy(&v0, v + s + ns * std::size_t(y), sizeof v0);
      std::memcpy(&v1, v + s + ns * std::size_t(y) + 4, sizeof v1);
      for (int j = 0; j < XR; ++j) {
        const double mj = m[x0 + j + nx * y];
        acc[j][0] += mj * v0;
        acc[j][1] += mj * v1;
      }
    }
    for (int j = 0; j < XR; ++j) std::memcpy(w + s + ns * std::size_t(x0 + j), acc[j], sizeof acc[j]);
  }
  for (; s < begin + len; ++s)
    for (int j = 0; j < XR; ++j) {
      double acc = 0.0;
      for (int y = 0; y < nx; ++y) acc += m[x0 + j + nx * y] * v[s + ns * std::size_t(y)];
      w[s + ns * std::size_t(x0 + j)] = acc;
    }
}

NIRL_VECTOR_CLONES
void expected_next_value_block(const Eigen::MatrixXd& M, const double* v, std::size_t ns, std::size_t begin,
                               std::size_t len, int x0, double* w) {
  switch (std::min(int(M.rows()) - x0, 4)) {
    case 1: return expected_next_value_rows<1>(M, v, ns, begin, len, x0, w);
    case 2: return expected_next_value_rows<2>(M, v, ns, begin, len, x0, w);
    case 3: return expected_next_value_rows<3>(M, v, ns, begin, len, x0, w);
    default: return expected_next_value_rows<4>(M, v, ns, begin, len, x0, w);
  }
}

// Adds, for one neuron (tile-local bit L), log sum_a q(a) exp(w(sigma_i = a)/lambda) to
// both states of every pair of the tile: wl = w/lambda of the tile's states.
NIRL_VECTOR_CLONES
void add_soft_max_terms(const double* wl, double* acc, std::size_t size, int L, double log_on, double log_off) {
  alignas(64) double off[kPairChunk], on[kPairChunk], t[kPairChunk];
  const std::size_t pairs = size / 2;
  for (std::size_t p0 = 0; p0 < pairs; p0 += kPairChunk) {
    const int m = int(std::min<std::size_t>(kPairChunk, pairs - p0));
    gather_pairs(wl, p0, m, L, off, on, log_off, log_on);
    log_sum_exp2_n(on, off, t, m);
    scatter_add_pairs(acc, p0, m, L, t, t);
  }
}

struct SweepArgs {
  const double *w, *v, *reward, *log_on, *log_off;
  double* v_new;
  double inv_lambda, scale, offset;  // scale = lambda / n
};

// One tile of one pass (parallel_reduce.hpp). Earlier passes left their partial sums in
// v_new; the last pass turns the sum into T(v) = r + (lambda/n) sum_i (...), writes
// T(v) - offset and returns the tile's range of T(v) - v.
NIRL_VECTOR_CLONES
SweepRange bellman_tile(const PairPass& pass, bool first_pass, bool last_pass, std::size_t tile,
                        const SweepArgs& a) {
  double* wl = thread_scratch(2 * pass.size);
  double* acc = wl + pass.size;
  pass.for_each_row(tile, [&](std::size_t s0, std::size_t l0, std::size_t len) {
#pragma omp simd
    for (std::size_t j = 0; j < len; ++j) {
      wl[l0 + j] = a.w[s0 + j] * a.inv_lambda;
      acc[l0 + j] = first_pass ? 0.0 : a.v_new[s0 + j];
    }
    // The last pass reads r and v of these rows after the tile's log-sum-exps: start
    // fetching them now (rows are short and scattered: hardware prefetch starts late).
    if (last_pass)
      for (std::size_t j = 0; j < len; j += 8) {
        __builtin_prefetch(a.reward + s0 + j, 0, 1);
        __builtin_prefetch(a.v + s0 + j, 0, 1);
      }
  });
  for (int k = 0; k < pass.count; ++k) {
    const std::size_t i = std::size_t(pass.first + k);
    add_soft_max_terms(wl, acc, pass.size, pass.local_first + k, a.log_on[i], a.log_off[i]);
  }
  SweepRange range{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  pass.for_each_row(tile, [&](std::size_t s0, std::size_t l0, std::size_t len) {
    if (!last_pass) {
      std::copy(acc + l0, acc + l0 + len, a.v_new + s0);
      return;
    }
    for (std::size_t j = 0; j < len; ++j) {
      const double t = a.reward[s0 + j] + a.scale * acc[l0 + j];
      const double d = t - a.v[s0 + j];
      range.min = std::min(range.min, d);
      range.max = std::max(range.max, d);
      a.v_new[s0 + j] = t - a.offset;
    }
  });
  return range;
}

}  // namespace

void expected_next_value(const Network& net, const Eigen::VectorXd& v, Eigen::VectorXd& w) {
  apply_input_chain(net.space, net.input, false, v, w);
}

void apply_input_chain(const StateSpace& space, const InputChain& input, bool transpose, const Eigen::VectorXd& v,
                       Eigen::VectorXd& w) {
  if (input.factored()) {
    resize_on_huge_pages(w, v.size());
    input.apply_factored(space.n_sigma, v.data(), w.data(), transpose);
  } else if (transpose) {
    expected_next_value(space, input.P.transpose(), v, w);
  } else {
    expected_next_value(space, input.P, v, w);
  }
}

void expected_next_value(const StateSpace& space, const Eigen::MatrixXd& P, const Eigen::VectorXd& v,
                         Eigen::VectorXd& w) {
  const std::size_t ns = space.n_sigma;
  const int nx = space.nx;
  resize_on_huge_pages(w, v.size());
  // Tasks: a block of sigma times (up to) 4 inputs; consecutive tasks share the block's v.
  const std::size_t block = std::min(ns, std::max<std::size_t>(64, 16384 / std::size_t(nx)));
  const std::size_t blocks = (ns + block - 1) / block, groups = (std::size_t(nx) + 3) / 4;
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(v.size()) * nx, std::size_t(v.size()) >= kParallelMinStates);
  team_for_dynamic(call, blocks * groups, [&](std::size_t task) {
    const std::size_t begin = (task / groups) * block;
    expected_next_value_block(P, v.data(), ns, begin, std::min(block, ns - begin), int(4 * (task % groups)),
                              w.data());
  });
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
    const double log_q[2] = {q.log_on[std::size_t(i)], q.log_off[std::size_t(i)]};
    const double Q[2] = {w[base + (sigma | bit)], w[base + (sigma & ~bit)]};
    double x[2];
    acc += soft_backup(log_q, Q, 2, inv_lambda, x).value();
  }
  return (lambda / n) * acc;
}

double soft_bellman_backup(const Network& net, const LogMarginals& q, const double* w, std::size_t s) {
  return net.reward[Eigen::Index(s)] + soft_value_sum(net.space, net.lambda, q, w, s);
}

// The sweep of docs/model.md section 2 restructured for speed: instead of n log-sum-exps per
// state it computes one per pair of single-flip neighbours (both states of a pair share
// it), neuron by neuron over tiles of states so that the log-sum-exps vectorise, and adds
// them to each state in neuron order: the same sums, bit for bit, at half the work.
SweepRange soft_bellman_sweep(const Network& net, const LogMarginals& q, const double* w,
                              const Eigen::VectorXd& v, double offset, Eigen::VectorXd& v_new) {
  const std::size_t S = net.space.size;
  resize_on_huge_pages(v_new, v.size());
  const SweepArgs args{w,         v.data(),           net.reward.data(), q.log_on.data(), q.log_off.data(),
                       v_new.data(), 1.0 / net.lambda, net.lambda / net.n(), offset};
  const std::vector<PairPass> passes = pair_passes(net.space);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(S) * net.n(), S >= kParallelMinStates);
  for (std::size_t k = 0; k < passes.size(); ++k) {
    const PairPass& pass = passes[k];
    const bool first = k == 0, last = k + 1 == passes.size();
    if (call.threads() == 1) {  // no OpenMP region (thread_team.hpp)
      for (std::size_t t = 0; t < pass.tiles; ++t) {
        const SweepRange r = bellman_tile(pass, first, last, t, args);
        lo = std::min(lo, r.min);
        hi = std::max(hi, r.max);
      }
      continue;
    }
#pragma omp parallel for schedule(dynamic) reduction(min : lo) reduction(max : hi) num_threads(call.threads())
    for (std::size_t t = 0; t < pass.tiles; ++t) {
      const SweepRange r = bellman_tile(pass, first, last, t, args);
      lo = std::min(lo, r.min);
      hi = std::max(hi, r.max);
    }
  }
  return {lo, hi};
}

void relative_bellman_step(const Network& net, const LogMarginals& q, const Eigen::VectorXd& v, Eigen::VectorXd& w,
                           Eigen::VectorXd& v_new, ValueIterationResult& res) {
  if (net.space.nx > 1) expected_next_value(net, v, w);
  const double* wp = net.space.nx > 1 ? w.data() : v.data();
  // Reference state 0: subtracting T(v)(0) keeps v(0) = 0 and the values bounded.
  // (One state's backup: O(n) work, computed by the sweep's own arithmetic.)
  const double offset = soft_bellman_backup(net, q, wp, 0);
  const SweepRange range = soft_bellman_sweep(net, q, wp, v, offset, v_new);
  ++res.sweeps;
  res.span = range.max - range.min;
  res.L = 0.5 * (range.max + range.min);
}

ValueIterationResult relative_value_iteration(const Network& net, const LogMarginals& q,
                                              Eigen::VectorXd& v, double tol, long max_sweeps,
                                              Eigen::VectorXd& scratch, Eigen::VectorXd& w) {
  const bool has_input = net.space.nx > 1;
  resize_on_huge_pages(scratch, v.size());
  ValueIterationResult res;
  while (res.sweeps < max_sweeps) {
    relative_bellman_step(net, q, v, w, scratch, res);
    std::swap(v, scratch);
    if (res.span < tol) {
      res.converged = true;
      break;
    }
  }
  if (has_input) expected_next_value(net, v, w);
  return res;
}

}  // namespace nirl
