// numerics.hpp against long double references (exp, log1p, softplus, the pair term) and the
// same kernels compiled for each vector width the CPU runs (AVX-512, AVX2, baseline): with
// contraction off they must give the same bits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "nirl/detail/numerics.hpp"

namespace nirl {
namespace {

double ulp(double x) { return std::nextafter(std::fabs(x), HUGE_VAL) - std::fabs(x); }

TEST(Numerics, ExpAndLog1pWithinOneUlp) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> wide(-708.0, 0.0), unit(0.0, 1.0);
  for (int k = 0; k < 200000; ++k) {
    const double x = k % 2 ? wide(gen) : -std::ldexp(unit(gen), -int(gen() % 40));
    EXPECT_LE(std::fabs(exp_nonpositive(x) - double(std::exp((long double)x))), ulp(std::exp(x))) << x;
    const double e = k % 3 ? unit(gen) : std::ldexp(unit(gen), -int(gen() % 60));
    EXPECT_LE(std::fabs(log1p_unit(e) - double(std::log1p((long double)e))), ulp(std::log1p(e))) << e;
  }
  EXPECT_EQ(exp_nonpositive(-709.0), 0.0);
  EXPECT_EQ(exp_nonpositive(-std::numeric_limits<double>::infinity()), 0.0);
  EXPECT_EQ(exp_nonpositive(0.0), 1.0);
  EXPECT_EQ(log1p_unit(0.0), 0.0);
}

// The bounds stated in numerics.hpp, against long double.
TEST(Numerics, SoftplusAndPairTermWithinTheirBounds) {
  std::mt19937_64 gen(8);
  std::uniform_real_distribution<double> d(0.0, 40.0), v(-30.0, 30.0);
  for (int k = 0; k < 200000; ++k) {
    const double x = k % 4 ? -d(gen) : -std::ldexp(d(gen), -int(gen() % 30));
    const long double exact = std::log1p(std::exp((long double)x));
    EXPECT_LE(std::fabs((long double)softplus_nonpositive(x) - exact),
              std::ldexp((long double)1, -51) * exact + std::numeric_limits<double>::min())
        << x;
    const double a = v(gen), b = k % 5 ? v(gen) : a + std::ldexp(v(gen), -int(gen() % 50));
    const long double m = std::max<long double>(a, b);
    const long double sp = std::log1p(std::exp(-std::fabs((long double)a - b)));
    const long double lse = m + sp;
    EXPECT_LE(std::fabs((long double)log_sum_exp2(a, b) - lse),
              std::ldexp(std::fabs(lse), -53) + std::ldexp(sp, -51) + std::numeric_limits<double>::min())
        << a << " " << b;
  }
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(log_sum_exp2(-inf, 1.25), 1.25);
  EXPECT_EQ(log_sum_exp2(-3.5, -inf), -3.5);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// The kernels' arithmetic (pair terms, sigmoids, log-sigmoids, logs) on arrays, one copy
// per instruction set (the clones of NIRL_VECTOR_CLONES).
#define NIRL_WIDTH_KERNEL(name, isa)                                                         \
  __attribute__((target(isa))) void name(const double* a, const double* b, double* out, int m) { \
    log_sum_exp2_n(a, b, out, m);                                                            \
    _Pragma("omp simd") for (int k = 0; k < m; ++k) {                                        \
      const double z = a[k] - b[k], e = exp_nonpositive(-std::fabs(z));                     \
      out[m + k] = sigmoid_given(z, e);                                                      \
      out[2 * m + k] = log_sigmoid_given(z, e);                                              \
      out[3 * m + k] = log_positive(std::fabs(a[k]) + 1e-300);                               \
      out[4 * m + k] = kl_term(e, z, b[k]);                                                  \
    }                                                                                        \
  }
NIRL_WIDTH_KERNEL(kernel_avx512, "avx512f")
NIRL_WIDTH_KERNEL(kernel_avx2, "avx2")
NIRL_WIDTH_KERNEL(kernel_baseline, "default")
#undef NIRL_WIDTH_KERNEL

TEST(Numerics, SameBitsOnEveryVectorWidth) {
  const int m = 1003;  // not a multiple of any vector length: the remainders run too
  std::mt19937_64 gen(9);
  std::uniform_real_distribution<double> v(-50.0, 50.0);
  std::vector<double> a(m), b(m);
  for (int k = 0; k < m; ++k) {
    a[std::size_t(k)] = v(gen);
    b[std::size_t(k)] = k % 7 ? v(gen) : a[std::size_t(k)] + std::ldexp(v(gen), -40);
  }
  a[5] = -std::numeric_limits<double>::infinity();
  std::vector<double> base(5 * std::size_t(m)), other(5 * std::size_t(m));
  kernel_baseline(a.data(), b.data(), base.data(), m);
  int checked = 0;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) {
    kernel_avx2(a.data(), b.data(), other.data(), m);
    EXPECT_EQ(std::memcmp(base.data(), other.data(), base.size() * sizeof(double)), 0) << "AVX2";
    ++checked;
  }
  if (__builtin_cpu_supports("avx512f")) {
    kernel_avx512(a.data(), b.data(), other.data(), m);
    EXPECT_EQ(std::memcmp(base.data(), other.data(), base.size() * sizeof(double)), 0) << "AVX-512";
    ++checked;
  }
  if (checked < 2) GTEST_SKIP() << "this CPU runs " << checked << " of the two vector widths";
}
#endif

}  // namespace
}  // namespace nirl
