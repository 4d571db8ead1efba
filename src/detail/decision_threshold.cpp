// The sampler's decision threshold in single precision (decision_threshold.hpp).
#include "nirl/detail/decision_threshold.hpp"

#include <cmath>
#include <cstdint>

#include "nirl/detail/numerics.hpp"

namespace nirl {
namespace {

// log x for normal x > 0 in single precision: x = 2^k m, m in [sqrt(1/2), sqrt(2)),
// log m = 2 atanh(s) with s = (m - 1) / (m + 1), |s| < 0.172, to the s^11 term
// (truncation below 1e-10 relative).
[[gnu::always_inline]] inline float log_single(float x) {
  const std::uint32_t shifted = __builtin_bit_cast(std::uint32_t, x) + (0x3f800000u - 0x3f3504f3u);
  const float k = float(int(shifted >> 23) - 127);
  const float f = __builtin_bit_cast(float, (shifted & 0x007fffffu) + 0x3f3504f3u) - 1.0f;  // exact
  const float s = f / (2.0f + f), z = s * s;
  const float series = 1.0f + z * (1.0f / 3 + z * (1.0f / 5 + z * (1.0f / 7 + z * (1.0f / 9 + z * (1.0f / 11)))));
  return k * 0.693147180559945f + 2.0f * s * series;
}

}  // namespace

double exact_logit(double u) { return u > 0.0 ? log_positive(u / (1.0 - u)) : -HUGE_VAL; }

// Eight per AVX2 vector and no double divisions (the double logit cost about as much as
// the rest of a step). u / (1 - u) >= 2^-53 and < 2^53 stays a normal float. The
// conversions of u and 1 - u to float and the division each cost at most 2^-24 relative
// (2^-24 absolute after the log), log_single a few float roundings of its result
// (2^-24 |logit| each): the bound 2^-20 (1 + |logit|) covers them 4 times over (the
// tests check it against exact_logit over the whole range of u).
NIRL_VECTOR_CLONES
void approximate_logits(const double* __restrict u, double* __restrict logit, double* __restrict bound) {
  alignas(64) float l[kLogBatch];
#pragma omp simd
  for (std::size_t k = 0; k < kLogBatch; ++k) l[k] = log_single(float(u[k]) / float(1.0 - u[k]));
#pragma omp simd
  for (std::size_t k = 0; k < kLogBatch; ++k) {
    // Selects as bit masks, so that the loop vectorises: u = 0 gives -inf and bound 0.
    const double d = l[k];
    const std::uint64_t positive = std::uint64_t(0) - std::uint64_t(u[k] > 0.0);
    logit[k] = detail::from_bits((detail::bits(d) & positive) | (detail::bits(-HUGE_VAL) & ~positive));
    bound[k] = detail::from_bits(detail::bits(0x1p-20 * (1.0 + std::fabs(d))) & positive);
  }
}

}  // namespace nirl
