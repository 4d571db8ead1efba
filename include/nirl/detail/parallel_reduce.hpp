// Deterministic OpenMP traversals of the state space: the states are cut into fixed
// blocks (or tiles), each block is processed by whichever thread, and anything summed
// over blocks is added in block order. Results are bitwise identical for any number of
// threads, so blocks may be handed out dynamically (a shared, noisy machine stalls a
// statically scheduled thread).
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

#include "nirl/core/state_space.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {

inline constexpr std::size_t kReduceBlock = 4096;

// Below this many states a parallel region costs more than it saves (and a thread
// that is not scheduled stalls every sweep on a busy machine).
inline constexpr std::size_t kParallelMinStates = 4096;

// body(begin, end, acc) adds its block's contribution into acc[0..m).
// Returns the m sums.
template <typename Body>
std::vector<double> blocked_sums(std::size_t size, int m, Body body) {
  const std::size_t blocks = (size + kReduceBlock - 1) / kReduceBlock;
  std::vector<double> partial(blocks * std::size_t(m), 0.0);
  static ThreadTeam team;  // one per instantiation: per call site
  const ThreadTeam::Call call(team, double(size) * std::max(m, 1), blocks > 1);
  team_for_dynamic(call, blocks, [&](std::size_t b) {
    const std::size_t begin = b * kReduceBlock, end = std::min(size, begin + kReduceBlock);
    body(begin, end, partial.data() + b * std::size_t(m));
  });
  std::vector<double> total(std::size_t(m), 0.0);
  for (std::size_t b = 0; b < blocks; ++b)
    for (int k = 0; k < m; ++k) total[std::size_t(k)] += partial[b * std::size_t(m) + std::size_t(k)];
  return total;
}

// Neuron-pair tiles (docs/model.md section 2). Flipping neuron i pairs state s with s ^ 2^i,
// and the two members of a pair share the pair's term: the soft-max over sigma_i in the
// Bellman backup, the logit of pi_i. A pass handles neurons [first, first + count): it
// cuts the state space into tiles of `size` states closed under flipping those neurons,
// so each of their pairs is met once, inside one tile, and is computed once. A tile is
// size >> row_bits rows of 2^row_bits consecutive states, 2^first apart (its other state
// bits fixed by the tile index); in the tile-local index l = r * 2^row_bits + j, neuron
// first + k is bit local_first + k. The first pass takes the low neurons in contiguous
// tiles (one row); later passes take the rest, up to tile_bits - kMinRowBits neurons
// each, with rows of at least a cache line. Accumulating over the passes in order adds
// each state's per-neuron terms in neuron order, as a per-state loop would.
struct PairPass {
  int first = 0, count = 0;
  int row_bits = 0, local_first = 0;
  std::size_t tiles = 0, size = 0;

  // f(s0, l0, len) for each row of tile t: states s0 .. s0 + len - 1 are the tile-local
  // l0 .. l0 + len - 1.
  template <typename F>
  void for_each_row(std::size_t t, F f) const {
    const std::size_t len = std::size_t(1) << row_bits;
    if (first == 0) return f(t << count, std::size_t(0), len);
    const int gap = first - row_bits;  // free bits between the row and the pass's neurons
    const std::size_t base = ((t & ((std::size_t(1) << gap) - 1)) << row_bits) | ((t >> gap) << (first + count));
    for (std::size_t r = 0; r < (size >> row_bits); ++r) f(base + (r << first), r * len, len);
  }
};

inline constexpr int kMaxTileBits = 14;  // 16384 states: two or three arrays of them fit in L2
inline constexpr int kMinRowBits = 3;    // 8 doubles = one cache line

inline std::vector<PairPass> pair_passes(const StateSpace& space) {
  const int n = space.n;
  // Small networks: one contiguous pass. Otherwise about 64 tiles per input value for
  // the threads to share (fewer leave a thread idle at the end of a pass), at most
  // kMaxTileBits, and large enough for two passes to cover the neurons.
  const int tile_bits = n <= 8 ? n : std::min(kMaxTileBits, std::max((n + kMinRowBits + 1) / 2, n - 6));
  std::vector<PairPass> passes;
  PairPass first;
  first.count = first.row_bits = tile_bits;
  first.size = std::size_t(1) << tile_bits;
  first.tiles = space.size >> tile_bits;
  passes.push_back(first);
  for (int a = tile_bits; a < n;) {
    PairPass p;
    p.first = a;
    p.count = std::min(tile_bits - kMinRowBits, n - a);
    p.row_bits = p.local_first = tile_bits - p.count;
    p.size = first.size;
    p.tiles = first.tiles;
    passes.push_back(p);
    a += p.count;
  }
  return passes;
}

// The pairs of tile-local bit L are visited in chunks of kPairChunk, copied into
// contiguous arrays so that the per-pair arithmetic vectorises whatever L is.
inline constexpr int kPairChunk = 64;

// Lower member of pair p of local bit L (p with a zero inserted at bit L).
inline std::size_t pair_low(std::size_t p, int L) {
  return ((p >> L) << (L + 1)) | (p & ((std::size_t(1) << L) - 1));
}

namespace detail {
// A full chunk of pairs of a low bit L (runs of 2^L pairs shorter than a chunk): the
// loops have constant trip counts, so they compile to vector moves and shuffles.
template <int L>
[[gnu::always_inline]] inline void gather_runs(const double* s, double* lo, double* hi, double add_lo, double add_hi) {
  constexpr int half = 1 << L;
  for (int r = 0; r < kPairChunk / half; ++r)
    for (int j = 0; j < half; ++j) {
      lo[r * half + j] = s[2 * half * r + j] + add_lo;
      hi[r * half + j] = s[2 * half * r + half + j] + add_hi;
    }
}
template <int L>
[[gnu::always_inline]] inline void scatter_add_runs(double* d, const double* lo, const double* hi) {
  constexpr int half = 1 << L;
  for (int r = 0; r < kPairChunk / half; ++r)
    for (int j = 0; j < half; ++j) {
      d[2 * half * r + j] += lo[r * half + j];
      d[2 * half * r + half + j] += hi[r * half + j];
    }
}
}  // namespace detail

// lo[k] = src[pair_low(p0 + k)] + add_lo, hi[k] = src[its partner] + add_hi (k < m;
// p0 is a multiple of kPairChunk, and m < kPairChunk only for the last chunk of a tile).
[[gnu::always_inline]] inline void gather_pairs(const double* src, std::size_t p0, int m, int L, double* lo, double* hi,
                         double add_lo = 0.0, double add_hi = 0.0) {
  const std::size_t half = std::size_t(1) << L;
  const double* s = src + pair_low(p0, L);
  if (half >= std::size_t(kPairChunk)) {  // the chunk lies in one run
#pragma omp simd
    for (int k = 0; k < m; ++k) {
      lo[k] = s[k] + add_lo;
      hi[k] = s[std::size_t(k) + half] + add_hi;
    }
    return;
  }
  switch (m == kPairChunk ? L : -1) {
    case 0: return detail::gather_runs<0>(s, lo, hi, add_lo, add_hi);
    case 1: return detail::gather_runs<1>(s, lo, hi, add_lo, add_hi);
    case 2: return detail::gather_runs<2>(s, lo, hi, add_lo, add_hi);
    case 3: return detail::gather_runs<3>(s, lo, hi, add_lo, add_hi);
    case 4: return detail::gather_runs<4>(s, lo, hi, add_lo, add_hi);
    case 5: return detail::gather_runs<5>(s, lo, hi, add_lo, add_hi);
    default:
      for (int k = 0; k < m; ++k) {
        const std::size_t l = pair_low(p0 + std::size_t(k), L);
        lo[k] = src[l] + add_lo;
        hi[k] = src[l + half] + add_hi;
      }
  }
}

// dst[pair_low(p0 + k)] += lo[k], its partner += hi[k] (k < m), as gather_pairs.
[[gnu::always_inline]] inline void scatter_add_pairs(double* dst, std::size_t p0, int m, int L, const double* lo, const double* hi) {
  const std::size_t half = std::size_t(1) << L;
  double* d = dst + pair_low(p0, L);
  if (half >= std::size_t(kPairChunk)) {
#pragma omp simd
    for (int k = 0; k < m; ++k) {
      d[k] += lo[k];
      d[std::size_t(k) + half] += hi[k];
    }
    return;
  }
  switch (m == kPairChunk ? L : -1) {
    case 0: return detail::scatter_add_runs<0>(d, lo, hi);
    case 1: return detail::scatter_add_runs<1>(d, lo, hi);
    case 2: return detail::scatter_add_runs<2>(d, lo, hi);
    case 3: return detail::scatter_add_runs<3>(d, lo, hi);
    case 4: return detail::scatter_add_runs<4>(d, lo, hi);
    case 5: return detail::scatter_add_runs<5>(d, lo, hi);
    default:
      for (int k = 0; k < m; ++k) {
        const std::size_t l = pair_low(p0 + std::size_t(k), L);
        dst[l] += lo[k];
        dst[l + half] += hi[k];
      }
  }
}

// Per-thread work space that outlives the call (no allocation per sweep or per tile).
inline double* thread_scratch(std::size_t doubles) {
  thread_local std::vector<double> buffer;
  if (buffer.size() < doubles) buffer.resize(doubles);
  return buffer.data();
}

}  // namespace nirl
