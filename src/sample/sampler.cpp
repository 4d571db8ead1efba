// Exact sampling of the asynchronous dynamics (docs/model.md section 2).
#include "nirl/sample/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "nirl/detail/decision_threshold.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/detail/numerics.hpp"
#include "nirl/core/random_stream.hpp"

namespace nirl {
namespace {

// Smallest index k with cumulative[k] > u (cumulative[last] is forced to 1), branch-free.
int draw_from_cumulative(const double* cumulative, int size, double u) {
  int lo = 0, len = size;
  while (len > 1) {
    const int half = len / 2;
    lo = cumulative[lo + half - 1] > u ? lo : lo + half;
    len -= half;
  }
  return lo;
}

// The index k drawn with probability p[k] / sum(p) by the uniform u: the first k whose
// cumulative sum exceeds u sum(p) (the last when rounding leaves none). One vectorised
// pass sums blocks of p; then only the block sums and one block are scanned in order.
std::size_t draw_from_weights(const Eigen::VectorXd& p, double u) {
  constexpr Eigen::Index kBlock = 4096;
  const Eigen::Index size = p.size(), blocks = (size + kBlock - 1) / kBlock;
  std::vector<double> block_sum(static_cast<std::size_t>(blocks));
  double total = 0.0;
  for (Eigen::Index b = 0; b < blocks; ++b)
    total += block_sum[std::size_t(b)] = p.segment(b * kBlock, std::min(kBlock, size - b * kBlock)).sum();
  const double target = u * total;
  double acc = 0.0;
  Eigen::Index b = 0;
  while (b + 1 < blocks && acc + block_sum[std::size_t(b)] <= target) acc += block_sum[std::size_t(b++)];
  Eigen::Index k = b * kBlock;
  while (k + 1 < size && (acc += p[k]) <= target) ++k;
  return std::size_t(k);
}

// Raster rows of count states: row s (n bytes, 0/1, byte i = bit i of states[s]) at
// out + s n. Each row is written as whole 32-byte vectors, running up to 31 bytes past its
// end (into the next row, which overwrites them, or into the buffer's slack of kRowSlack).
constexpr std::size_t kRowSlack = 32;
NIRL_VECTOR_CLONES
void expand_rows(const std::uint64_t* __restrict states, std::size_t count, int n, std::uint8_t* __restrict out) {
  using Bytes = std::uint8_t __attribute__((vector_size(32)));
  using Words = std::uint32_t __attribute__((vector_size(32)));
  // Byte j of a vector is bit j % 8 of byte j / 8 of the 32-bit word broadcast to all 8 lanes
  // (indices taken inside each 16-byte half, so that the shuffle is one in-lane byte shuffle).
  const Bytes pick = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                      18, 18, 18, 18, 18, 18, 18, 18, 19, 19, 19, 19, 19, 19, 19, 19};
  const Bytes mask = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128,
                      1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
  const Bytes one = Bytes{} + 1;
  for (std::size_t s = 0; s < count; ++s) {
    std::uint8_t* row = out + s * std::size_t(n);
    for (int half = 0; half < n; half += 32) {
      const Words word = Words{} + std::uint32_t(states[s] >> half);
      const Bytes spread = __builtin_shuffle(reinterpret_cast<const Bytes&>(word), pick);
      const Bytes bits = ((spread & mask) != 0) & one;
      std::memcpy(row + half, &bits, 32);
    }
  }
}

// What a step needs that does not depend on sigma, drawn kAhead steps ahead so that the
// Philox rounds and the logit run off the chain of steps: step t uses counter t + 1 of the
// stream (word 0 picks the neuron, word 1 its decision, word 2 the input move). One draw
// per step keeps them interleaved with the chain; the logits are taken kLogBatch at a time
// (one vector), kLogBatch steps after the last of their uniforms was stored (a vector load
// of values still in the store queue cannot be forwarded and waits for them to reach the
// cache) and kAhead - 2 kLogBatch + 1 steps before the first is used.
constexpr std::size_t kRing = 32, kAhead = 24;
constexpr std::size_t kCachedBytes = std::size_t(1) << 19;  // w up to this size stays in L2
constexpr std::size_t kChunk = kSampledBlock;  // states recorded, then expanded into raster rows, this many at a time
struct Ring {
  alignas(64) double u[kRing];   // the decision's uniform
  alignas(64) double logit[kRing];  // log(u / (1 - u)) in single precision ...
  alignas(64) double bound[kRing];  // ... and a bound on its distance to exact_logit(u)
  double dq[kRing];              // log q_i(+1) - log q_i(-1)
  double slack[kRing];           // the 16-bit copy's error bound for neuron i (simulate)
  std::uint64_t bit[kRing];      // 2^i, i the neuron picked
  std::size_t offset[kRing];     // where the input's block of w starts: n_sigma x
  int x[kRing];                  // input during the step
};

// Smallest and largest of v[0 .. size), size >= 1; false when some v is not finite (then
// the range is meaningless). One pass, in vectors of four (an element-wise select on
// vectors is no branch).
NIRL_VECTOR_CLONES
bool finite_range(const double* v, std::size_t size, double& low, double& high) {
  using Vector = double __attribute__((vector_size(32)));
  Vector lo = Vector{} + v[0], hi = lo, nan = Vector{};  // nan: sum of v * 0, NaN when some v is not finite
  std::size_t k = 0;
  for (; k + 4 <= size; k += 4) {
    Vector x;
    std::memcpy(&x, v + k, sizeof x);
    lo = x < lo ? x : lo;
    hi = x > hi ? x : hi;
    nan += x * 0.0;
  }
  for (; k < size; ++k) {
    lo[0] = std::min(lo[0], v[k]);
    hi[0] = std::max(hi[0], v[k]);
    nan[0] += v[k] * 0.0;
  }
  low = std::min(std::min(lo[0], lo[1]), std::min(lo[2], lo[3]));
  high = std::max(std::max(hi[0], hi[1]), std::max(hi[2], hi[3]));
  return nan[0] + nan[1] + nan[2] + nan[3] == 0.0;
}

// Round to nearest: adding and subtracting 1.5 * 2^52 leaves the nearest integer
// (|code| <= 16000), and the loop vectorises (lrint is a call per element).
NIRL_VECTOR_CLONES
void round_codes(const double* __restrict v, std::size_t size, double offset, double scale,
                 std::int16_t* __restrict codes) {
  const double round = 0x1.8p52;
#pragma omp simd
  for (std::size_t k = 0; k < size; ++k)
    codes[k] = static_cast<std::int16_t>(static_cast<std::int32_t>(((v[k] - offset) * scale + round) - round));
}

// w quantised to 16-bit integers, code = round((w - offset) scale) in [-16000, 16000], on
// 2 MiB pages when the kernel grants them. When w does not fit in cache, the chain reads
// this copy: a quarter of the bytes (four times the states per cache line), and with 4 KiB
// pages the random reads would also miss the TLB. A decision is taken from it only where
// the quantisation cannot change it (see simulate); the others read w. Empty unless
// wanted, or when some w is not finite.
class QuantisedCopy {
 public:
  QuantisedCopy(const Eigen::VectorXd& w, bool wanted) {
    double low, high;
    if (!wanted || w.size() == 0 || !finite_range(w.data(), std::size_t(w.size()), low, high)) return;
    const double scale = high > low ? 32000.0 / (high - low) : 1.0;
    if (!std::isfinite(scale)) return;  // a range below 32000 / DBL_MAX: read w itself
    offset_ = 0.5 * low + 0.5 * high;  // (low + high may overflow)
    scale_ = scale;
    constexpr std::size_t kHuge = std::size_t(1) << 21;
    const std::size_t bytes = std::size_t(w.size()) * sizeof(std::int16_t);
    const std::size_t pages = (bytes + kHuge - 1) / kHuge * kHuge;
    data_.reset(static_cast<std::int16_t*>(std::aligned_alloc(kHuge, pages)));
    if (!data_) throw std::bad_alloc();
    advise_huge_pages(data_.get(), pages);
    round_codes(w.data(), std::size_t(w.size()), offset_, scale_, data_.get());
  }
  const std::int16_t* data() const { return data_.get(); }
  double scale() const { return scale_; }

 private:
  struct Free {
    void operator()(std::int16_t* p) const { std::free(p); }
  };
  std::unique_ptr<std::int16_t[], Free> data_;
  double offset_ = 0.0, scale_ = 1.0;
};

}  // namespace

// Step t sets bit i when u < pi_i(+1 | sigma, x) = sigmoid(z), z the flip logit. The test
// is made as z > exact_logit(u) = log(u / (1 - u)), the same event (up to rounding): the
// threshold depends on the random draw alone and is taken ahead, off the chain of steps, so
// that what one step waits for from the previous one is two loads of w and three flops
// (evaluating pi puts an exp and a division on that chain, and the sampler at about half
// the speed). Decisions are made from a single-precision threshold and, when w does not
// fit in cache, from a 16-bit copy of w; where their error bounds leave the outcome open
// (rare), from exact_logit and w: the raster is the one the exact rule gives, bit for bit.
void simulate_into(const Network& net, const Eigen::VectorXd& w, const LogMarginals& q,
                   const Eigen::VectorXd& stationary, std::size_t steps, std::uint64_t seed, std::uint64_t stream,
                   const RasterSink& sink, const std::function<void(std::size_t)>& progress) {
  const int n = net.n(), nx = net.space.nx;
  if (steps < 1) fail("simulate: steps must be >= 1");
  if (std::size_t(w.size()) != net.space.size || std::size_t(stationary.size()) != net.space.size)
    fail("simulate: w and the stationary distribution need ", net.space.size, " entries (got ", w.size(), " and ",
         stationary.size(), ")");
  const RandomStream rng(seed, stream);
  const double inv_lambda = 1.0 / net.lambda;

  std::vector<double> input_cdf(std::size_t(nx) * std::size_t(nx));
  for (int x = 0; x < nx; ++x) {
    double c = 0.0;
    for (int y = 0; y < nx; ++y) input_cdf[std::size_t(x * nx + y)] = (c += net.input.P(x, y));
    input_cdf[std::size_t(x * nx + nx - 1)] = 1.0;
  }

  const std::size_t s0 = draw_from_weights(stationary, RandomStream::uniform(rng.words(0)[0]));
  std::uint64_t sigma = net.space.sigma_of(s0);

  const std::size_t n_sigma = net.space.n_sigma;
  const bool prefetch = net.space.size * sizeof(double) > kCachedBytes;
  const QuantisedCopy compact(w, prefetch);
  const double* wp = w.data();
  // A decision from the copy needs |z - logit| above the logit's bound plus slack[i]: each
  // code is within 0.5 / scale of its w (up to double roundings far below that), so
  // |z(copy) - z(w)| <= 1 / (scale lambda) = code_z, plus a few double roundings of the
  // formula, each below 2^-53 (|z| + |dq|) <= 2^-53 (32000 code_z + 2 |dq|) (codes lie in
  // [-16000, 16000]); slack adds a margin to both. The copy is read only when the range of
  // w over lambda, 32000 code_z, is finite: then |w1 - w0| / lambda is too, and an infinite
  // dq makes z that infinity whatever the roundings.
  const double code_z = inv_lambda / compact.scale();
  const std::int16_t* wq = std::isfinite(32000.0 * code_z) ? compact.data() : nullptr;
  std::vector<double> dq(static_cast<std::size_t>(n)), slack(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < std::size_t(n); ++i) {
    dq[i] = q.log_on[i] - q.log_off[i];  // log q_i(+1) - log q_i(-1)
    slack[i] = 1.001 * code_z + (std::isfinite(dq[i]) ? (32000.0 * code_z + 2.0 * std::fabs(dq[i])) * 0x1p-50 : 0.0);
  }
  Ring ring;
  int next_x = net.space.input_of(s0);
  auto draw = [&](std::size_t t) {
    const std::size_t k = t % kRing;
    const auto r = rng.words(t + 1);
    const std::size_t i = std::size_t(RandomStream::below(r[0], std::uint64_t(n)));
    ring.bit[k] = std::uint64_t(1) << i;
    ring.dq[k] = dq[i];
    ring.slack[k] = slack[i];
    ring.u[k] = RandomStream::uniform(r[1]);
    ring.x[k] = next_x;
    ring.offset[k] = n_sigma * std::size_t(next_x);
    if (nx > 1)
      next_x = draw_from_cumulative(input_cdf.data() + std::size_t(next_x) * std::size_t(nx), nx,
                                    RandomStream::uniform(r[2]));
  };
  for (std::size_t t = 0; t < kAhead; ++t) draw(t);
  for (std::size_t t = 0; t + kLogBatch < kAhead; t += kLogBatch) approximate_logits(ring.u + t, ring.logit + t, ring.bound + t);

  // The states are recorded a chunk at a time, then expanded into rows in an L1 buffer and
  // handed to the sink; the steps of a chunk run without other tests. Steps 0 .. steps - 2
  // update the state; the last step only records it (the last chunk may hold kChunk + 1).
  std::vector<std::uint64_t> states(kChunk + 1);
  std::vector<std::uint8_t> rows((kChunk + 1) * std::size_t(n) + kRowSlack);
  std::vector<std::int32_t> input_block(nx > 1 ? kChunk + 1 : 0);
  std::int32_t* const input = input_block.data();
  // quantised: decide from the 16-bit copy; inputs: more than one input (else every offset is 0).
  auto run = [&](auto quantised, auto inputs) {
    for (std::size_t t = 0;;) {
      const std::size_t stop = std::min(t + kChunk, steps - 1), first = t;
      for (; t < stop; ++t) {
        const std::size_t k = t % kRing;
        states[t - first] = sigma;
        if constexpr (inputs) input[t - first] = ring.x[k];
        draw(t + kAhead);
        if ((t + kAhead + 1) % kLogBatch == 0) {
          const std::size_t j = (t + kAhead + 1 - 2 * kLogBatch) % kRing;
          approximate_logits(ring.u + j, ring.logit + j, ring.bound + j);
        }
        const std::uint64_t bit = ring.bit[k];
        const std::size_t offset = inputs ? ring.offset[k] : 0;
        double z, threshold = ring.logit[k];  // flip_logit and the logit it is compared with
        if constexpr (quantised) {
          // Step t + 3 reads w at its state and at that state with its neuron flipped; the
          // state is one of eight (the decisions of steps t, t + 1 and t + 2), all in cache
          // by then (read as the current state or prefetched earlier): prefetch the eight
          // flipped ones now, three steps ahead of their use (two steps ahead do not cover
          // the latency of the reads at n >= 20).
          const std::size_t k3 = (t + 3) % kRing;
          const std::int16_t* w3 = wq + (inputs ? ring.offset[k3] : 0);
          const std::uint64_t m0 = sigma ^ ring.bit[k3], b1 = ring.bit[(t + 1) % kRing], b2 = ring.bit[(t + 2) % kRing];
          for (const std::uint64_t m : {m0, m0 ^ bit, m0 ^ b1, m0 ^ bit ^ b1})
            for (const std::uint64_t b : {std::uint64_t(0), b2}) __builtin_prefetch(w3 + (m ^ b));
          // The decision z > logit from the 16-bit copy of w and the single-precision logit,
          // unless their errors could change it; then from w and exact_logit (rare).
          const std::int16_t* qx = wq + offset;
          z = double(int(qx[sigma | bit]) - int(qx[sigma & ~bit])) * code_z + ring.dq[k];
          if (!(std::fabs(z - threshold) > ring.bound[k] + ring.slack[k])) {  // (and NaN)
            z = flip_logit(wp, offset, sigma, __builtin_ctzll(bit), inv_lambda, q);
            threshold = exact_logit(ring.u[k]);
          }
        } else {
          // flip_logit, with dq taken from the ring (the same bits; here on every step)
          z = (wp[offset + (sigma | bit)] - wp[offset + (sigma & ~bit)]) * inv_lambda + ring.dq[k];
          if (!(std::fabs(z - threshold) > ring.bound[k])) threshold = exact_logit(ring.u[k]);
        }
        const std::uint64_t fire = std::uint64_t(0) - std::uint64_t(z > threshold);  // a mask, not a branch
        sigma = (sigma & ~bit) | (bit & fire);
      }
      std::size_t recorded = t - first;
      if (t + 1 == steps) {
        if constexpr (inputs) input[recorded] = ring.x[t % kRing];
        states[recorded++] = sigma;
      }
      expand_rows(states.data(), recorded, n, rows.data());
      sink(first, recorded, rows.data(), inputs ? input : nullptr);
      if (progress && t > 0 && (t & ((std::size_t(1) << 20) - 1)) == 0) progress(t);
      if (t + 1 == steps) return;
    }
  };
  if (wq && nx > 1)
    run(std::true_type(), std::true_type());
  else if (wq)
    run(std::true_type(), std::false_type());
  else if (nx > 1)
    run(std::false_type(), std::true_type());
  else
    run(std::false_type(), std::false_type());
}

Raster simulate(const Network& net, const Eigen::VectorXd& w, const LogMarginals& q,
                const Eigen::VectorXd& stationary, std::size_t steps, std::uint64_t seed,
                std::uint64_t stream, const std::function<void(std::size_t)>& progress) {
  Raster raster;
  raster.n = net.n();
  raster.steps = steps;
  raster.spikes.reserve(steps * std::size_t(raster.n));  // appended a block at a time
  advise_huge_pages(raster.spikes.data(), raster.spikes.capacity());  // 1 fault per 2 MiB
  if (net.space.nx > 1) raster.input.reserve(steps);
  simulate_into(net, w, q, stationary, steps, seed, stream,
                [&](std::size_t, std::size_t count, const std::uint8_t* rows, const std::int32_t* input) {
                  raster.spikes.insert(raster.spikes.end(), rows, rows + count * std::size_t(raster.n));
                  if (input) raster.input.insert(raster.input.end(), input, input + count);
                },
                progress);
  return raster;
}

}  // namespace nirl
