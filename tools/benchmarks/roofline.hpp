// The rooflines of nirl_bench.cpp: the unavoidable work of a kernel on one block of
// states, with the exp / log1p of nirl's numerics.hpp or with glibc's libmvec.
#pragma once
#include <cstddef>

namespace nirl::bench {

inline constexpr int kBlock = 1024;  // states per block: every array of a block sits in L1

// Arrays a sweep streams once, and what it computes per state.
struct RooflineArgs {
  const double *w, *v, *reward;     // read
  double* out;                      // written
  const double *log_on, *log_off;   // per term (neuron)
  double inv_lambda, scale, offset;
  int terms;                        // log-sum-exps (or sigmoids) per state
};

// Bellman sweep: out = r + scale * sum_terms log_sum_exp2(log_on + w/lambda, log_off + w/lambda)
// - offset over [begin, begin + len); returns min over the block of (out + offset - v).
double bellman_roofline_custom(const RooflineArgs& a, std::size_t begin, int len);
double bellman_roofline_libmvec(const RooflineArgs& a, std::size_t begin, int len);

// Stationary sweep: out = scale * sum_terms sigmoid(w/lambda + log_on - log_off) * 2 v;
// returns the block's sum of |out - v| (the L1 change). v plays p here.
double stationary_roofline_custom(const RooflineArgs& a, std::size_t begin, int len);
double stationary_roofline_libmvec(const RooflineArgs& a, std::size_t begin, int len);

}  // namespace nirl::bench
