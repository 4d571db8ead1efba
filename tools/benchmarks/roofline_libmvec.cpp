// libmvec variant of the rooflines: compiled with -ffast-math (see CMakeLists.txt), so
// std::exp and std::log1p in `omp simd` loops become glibc's vector functions.
#include <algorithm>
#include <cmath>

#include "nirl/detail/numerics.hpp"  // NIRL_VECTOR_CLONES
#include "roofline.hpp"

namespace nirl::bench {

NIRL_VECTOR_CLONES
double bellman_roofline_libmvec(const RooflineArgs& a, std::size_t begin, int len) {
  alignas(64) double wl[kBlock], acc[kBlock];
#pragma omp simd
  for (int j = 0; j < len; ++j) {
    wl[j] = a.w[begin + j] * a.inv_lambda;
    acc[j] = 0.0;
  }
  for (int i = 0; i < a.terms; ++i) {
    const double lon = a.log_on[i], loff = a.log_off[i];
#pragma omp simd
    for (int j = 0; j < len; ++j) {
      const double on = lon + wl[j], off = loff + wl[j];
      acc[j] += std::max(on, off) + std::log1p(std::exp(-std::fabs(on - off)));
    }
  }
  double lo = 1e300;
  for (int j = 0; j < len; ++j) {
    const double t = a.reward[begin + j] + a.scale * acc[j];
    lo = std::min(lo, t - a.v[begin + j]);
    a.out[begin + j] = t - a.offset;
  }
  return lo;
}

NIRL_VECTOR_CLONES
double stationary_roofline_libmvec(const RooflineArgs& a, std::size_t begin, int len) {
  alignas(64) double wl[kBlock], acc[kBlock];
#pragma omp simd
  for (int j = 0; j < len; ++j) {
    wl[j] = a.w[begin + j] * a.inv_lambda;
    acc[j] = 0.0;
  }
  for (int i = 0; i < a.terms; ++i) {
    const double dq = a.log_on[i] - a.log_off[i];
#pragma omp simd
    for (int j = 0; j < len; ++j) {
      const double p = a.v[begin + j];
      acc[j] += (p + p) / (1.0 + std::exp(-(wl[j] + dq)));
    }
  }
  double change = 0.0;
  for (int j = 0; j < len; ++j) {
    const double p = a.scale * acc[j];
    change += std::fabs(p - a.v[begin + j]);
    a.out[begin + j] = p;
  }
  return change;
}

}  // namespace nirl::bench
