// Stable numerics shared by the solvers (docs/model.md section 3b: never form log(1 - p)).
//
// exp and log1p are our own on the only ranges the solvers need, exp on (-inf, 0] and
// log1p on [0, 1] (log_sum_exp2, sigmoid and log_sigmoid only ever need exp(-|d|)): the
// reductions and polynomials of fdlibm (within 1 ulp), written without branches (selects
// are bit masks) so that a loop calling them vectorises without -ffast-math. The kernels
// of docs/model.md section 2 evaluate n * S of them per sweep (always inlined, so that they
// vectorise inside the kernels' vector clones). Floating-point contraction is off
// (-ffp-contract=off, CMakeLists.txt): every clone does the same roundings per element, so
// scalar code, SSE2, AVX2 and AVX-512 give the same bits.
#pragma once
#include <cmath>
#include <cstdint>

// The kernels that call these are compiled three times, for AVX-512 (8 doubles a vector),
// AVX2 (4) and the x86-64 baseline (2), and the loader picks one for the machine (GCC on
// x86-64; elsewhere one plain version).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NIRL_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NIRL_VECTOR_CLONES
#endif

namespace nirl {

namespace detail {
inline std::uint64_t bits(double x) { return __builtin_bit_cast(std::uint64_t, x); }
inline double from_bits(std::uint64_t b) { return __builtin_bit_cast(double, b); }
// All ones when the sign bit of x is set (x < 0 or -0), else 0.
inline std::uint64_t sign_mask(double x) { return std::uint64_t(0) - (bits(x) >> 63); }
}  // namespace detail

// exp(x) for x <= 0, within 1 ulp; exactly 0 below -708 and at -inf (a dead neuron's
// log q = -inf then contributes exactly nothing).
[[gnu::always_inline]] inline double exp_nonpositive(double x) {
  constexpr double log2e = 1.44269504088896338700e+00, ln2_hi = 6.93147180369123816490e-01,
                   ln2_lo = 1.90821492927058770002e-10, shifter = 0x1.8p52;
  constexpr double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                   P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                   P5 = 4.13813679705723846039e-08;
  // x = k ln2 + r, |r| <= ln2 / 2, k rounded to nearest by the 1.5 * 2^52 shifter.
  const double t = x * log2e + shifter;
  const double k = t - shifter;
  const double hi = x - k * ln2_hi, lo = k * ln2_lo;
  const double r = hi - lo, rr = r * r;
  const double c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
  const double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  // 2^k from the integer in t's low mantissa bits (k >= -1021 keeps it normal).
  const std::uint64_t scale = (detail::bits(t) - detail::bits(shifter) + 1023) << 52;
  return detail::from_bits(detail::bits(y * detail::from_bits(scale)) & ~detail::sign_mask(x + 708.0));
}

// log(1 + e) for e in [0, 1], within 1 ulp; log1p_unit(0) = 0 exactly.
[[gnu::always_inline]] inline double log1p_unit(double e) {
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10,
                   shifter = 0x1.8p52, inv_sqrt2 = 7.07106781186547524401e-01;
  constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                   Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                   Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                   Lg7 = 1.479819860511658591e-01;
  const double u = 1.0 + e;
  // The rounding error of 1 + e, divided by u (2 - u = 1/u to first order, ample for it).
  const double c = (e - (u - 1.0)) * (2.0 - u);
  // u = 2^k m with k = 1 when u >= sqrt 2 (either k is fine near the boundary).
  const double k = ((u * inv_sqrt2 - 0.5) + shifter) - shifter;
  const double f = u * (1.0 - 0.5 * k) - 1.0;  // m - 1, exact
  const double s = f / (2.0 + f), z = s * s, w = z * z;
  const double R = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7))) + w * (Lg2 + w * (Lg4 + w * Lg6));
  const double hfsq = 0.5 * f * f;
  return k * ln2_hi - ((hfsq - (s * (hfsq + R) + (k * ln2_lo + c))) - f);
}

// log(x) for normal x > 0: x = 2^k m, m in [1, 2), log x = k log 2 + log1p(m - 1).
// Within a few ulp of log x, or of log 2 where k = -1 and x is just below 1.
[[gnu::always_inline]] inline double log_positive(double x) {
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  const std::uint64_t b = detail::bits(x);
  // k + 2^52 + 1023 exactly, from the biased exponent placed in a mantissa.
  const double k = detail::from_bits(0x4330000000000000ULL | (b >> 52)) - (0x1p52 + 1023.0);
  const double m = detail::from_bits((b & 0x000fffffffffffffULL) | detail::bits(1.0));
  return k * ln2_hi + (log1p_unit(m - 1.0) + k * ln2_lo);
}

// softplus(x) = log(1 + exp(x)) for x <= 0, the one transcendental of a pair term
// (log_sum_exp2). Within 2^-51 softplus(x) (+ the smallest normal): exp_nonpositive's ulp
// of relative error moves log1p(e) by at most e / (1 + e) <= log1p(e) times 2^-52, and
// log1p_unit adds its own ulp.
[[gnu::always_inline]] inline double softplus_nonpositive(double x) { return log1p_unit(exp_nonpositive(x)); }

// log(exp(a) + exp(b)) = max(a, b) + softplus(-|a - b|): within 2^-53 |result| + 2^-51
// softplus(-|a - b|); exact when one argument is -inf.
inline double log_sum_exp2(double a, double b) {
  const double m = std::isgreater(a, b) ? a : b;
  return m + softplus_nonpositive(-std::fabs(a - b));
}

// t[k] = log_sum_exp2(a[k], b[k]) for k < m, bit for bit. softplus_nonpositive split in
// two: a loop of exps followed by a loop of log1ps keeps more independent work in flight
// than one loop doing both (about 1.5 x faster), hence the chunks.
[[gnu::always_inline]] inline void log_sum_exp2_n(const double* a, const double* b, double* t, int m) {
  constexpr int kChunk = 64;
  alignas(64) double e[kChunk];
  for (int k0 = 0; k0 < m; k0 += kChunk) {
    const int c = m - k0 < kChunk ? m - k0 : kChunk;
    const double *ak = a + k0, *bk = b + k0;
#pragma omp simd
    for (int k = 0; k < c; ++k) e[k] = exp_nonpositive(-std::fabs(ak[k] - bk[k]));
#pragma omp simd
    for (int k = 0; k < c; ++k) t[k0 + k] = (std::isgreater(ak[k], bk[k]) ? ak[k] : bk[k]) + log1p_unit(e[k]);
  }
}

// sigmoid(z) and log(sigmoid(z)) from z and e = exp_nonpositive(-|z|), so that the two
// states of a pair (logits z and -z) share one exp.
[[gnu::always_inline]] inline double sigmoid_given(double z, double e) {
  // 1 / (1 + e) for z >= 0, e / (1 + e) below.
  const std::uint64_t negative = detail::sign_mask(z);
  return detail::from_bits((detail::bits(e) & negative) | (detail::bits(1.0) & ~negative)) / (1.0 + e);
}
[[gnu::always_inline]] inline double log_sigmoid_given(double z, double e) {
  // min(z, 0) - log1p(e): no cancellation for either sign.
  return detail::from_bits(detail::bits(z) & detail::sign_mask(z)) - log1p_unit(e);
}

inline double sigmoid(double z) { return sigmoid_given(z, exp_nonpositive(-std::fabs(z))); }
inline double log_sigmoid(double z) { return log_sigmoid_given(z, exp_nonpositive(-std::fabs(z))); }

// x * (log x - log y) with the convention 0 * anything = 0 (x is a probability).
inline double kl_term(double x, double log_x, double log_y) {
  const std::uint64_t positive = std::uint64_t(0) - std::uint64_t(x > 0.0);
  return detail::from_bits(detail::bits(x * (log_x - log_y)) & positive);
}

}  // namespace nirl
