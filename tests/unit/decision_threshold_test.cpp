// The sampler's single-precision threshold against exact_logit (decision_threshold.hpp):
// the stated bound must hold with room to spare over the whole range of u the sampler draws
// (multiples of 2^-53 in [0, 1)), including the extremes where u / (1 - u) spans 2^-53 .. 2^53.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "nirl/detail/decision_threshold.hpp"

namespace {

using nirl::kLogBatch;

// Checks a batch; returns the largest |logit - exact| / bound seen.
double worst_ratio(const std::vector<double>& u) {
  double worst = 0.0;
  for (std::size_t b = 0; b + kLogBatch <= u.size(); b += kLogBatch) {
    double logit[kLogBatch], bound[kLogBatch];
    nirl::approximate_logits(u.data() + b, logit, bound);
    for (std::size_t k = 0; k < kLogBatch; ++k) {
      const double exact = nirl::exact_logit(u[b + k]);
      if (u[b + k] == 0.0) {
        EXPECT_EQ(logit[k], -HUGE_VAL);
        EXPECT_EQ(bound[k], 0.0);
        continue;
      }
      EXPECT_TRUE(std::isfinite(logit[k]) && bound[k] > 0.0) << u[b + k];
      worst = std::max(worst, std::fabs(logit[k] - exact) / bound[k]);
    }
  }
  return worst;
}

TEST(DecisionThreshold, SinglePrecisionLogitStaysWellInsideItsBound) {
  std::vector<double> u;
  std::mt19937_64 gen(11);
  for (int k = 0; k < 400000; ++k) u.push_back(double(gen() >> 11) * 0x1p-53);  // as the sampler draws
  // Every binade near 0 and near 1, with random mantissas, and the extremes themselves.
  for (int e = 1; e <= 53; ++e)
    for (int k = 0; k < 64; ++k) {
      const double m = 1.0 + double(gen() >> 12) * 0x1p-52;
      const double small = std::ldexp(m, -e - 1);
      u.push_back(std::floor(small * 0x1p53) * 0x1p-53);
      u.push_back(1.0 - std::ceil(small * 0x1p53) * 0x1p-53);
    }
  for (double x : {0.0, 0x1p-53, 0x1p-52, 0.5 - 0x1p-53, 0.5, 0.5 + 0x1p-53, 1.0 - 0x1p-52, 1.0 - 0x1p-53})
    u.push_back(x);
  while (u.size() % kLogBatch) u.push_back(0.25);
  // The bound is set at 4 x the worst-case rounding estimate; measured error must use at
  // most half of it.
  EXPECT_LT(worst_ratio(u), 0.5);
}

}  // namespace
