// The fast Walsh-Hadamard transform against its definition, its inverse (H H = 2^n I) and the
// Walsh-function identities the pairwise projection uses, on one and two threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/pairwise/walsh_hadamard.hpp"

using namespace nirl;

namespace {

Eigen::VectorXd random_vector(std::size_t size, std::uint64_t stream) {
  const RandomStream rng(5, stream);
  Eigen::VectorXd x{Eigen::Index(size)};
  for (std::size_t k = 0; k < size; ++k) x[Eigen::Index(k)] = 2.0 * RandomStream::uniform(rng.words(k)[0]) - 1.0;
  return x;
}

double direct(const Eigen::VectorXd& x, std::size_t A) {
  double acc = 0.0;
  for (Eigen::Index s = 0; s < x.size(); ++s) acc += (__builtin_popcountll(std::size_t(s) & A) & 1 ? -1.0 : 1.0) * x[s];
  return acc;
}

}  // namespace

TEST(WalshHadamard, EqualsTheDefinitionAndInvertsItself) {
  for (int n : {0, 1, 5, 14}) {  // 14: more than one cache block, the parallel stages
    const std::size_t S = std::size_t(1) << n;
    const Eigen::VectorXd x = random_vector(S, std::uint64_t(n));
    Eigen::VectorXd h = x;
    walsh_hadamard(h);
    // Rounding: each output adds S terms of size <= 1.
    const double tol = 4.0 * double(n + 1) * 1e-16 * double(S);
    for (std::size_t A = 0; A < S; A += std::max<std::size_t>(1, S / 64)) EXPECT_NEAR(h[Eigen::Index(A)], direct(x, A), tol);
    walsh_hadamard(h);
    EXPECT_LT((h / double(S) - x).cwiseAbs().maxCoeff(), tol);
  }
}

// phi_A(s) = prod_{i in A} s_i (s_i = +1 active) is (-1)^{|A|} H[s, A]: the transform of a
// table of phi_A is S (-1)^{|A|} at A and 0 elsewhere.
TEST(WalshHadamard, WalshFunctionsAreItsBasis) {
  const int n = 6;
  const std::size_t S = 64, A = 0b100101;
  Eigen::VectorXd phi{Eigen::Index(S)};
  for (std::size_t s = 0; s < S; ++s) {
    double v = 1.0;
    for (int i = 0; i < n; ++i)
      if ((A >> i) & 1) v *= ((s >> i) & 1) ? 1.0 : -1.0;
    phi[Eigen::Index(s)] = v;
  }
  walsh_hadamard(phi);
  for (std::size_t B = 0; B < S; ++B) EXPECT_EQ(phi[Eigen::Index(B)], B == A ? -double(S) : 0.0);
}

TEST(WalshHadamard, IdenticalForOneAndTwoThreadsAndRefusesOtherLengths) {
  const Eigen::VectorXd x = random_vector(std::size_t(1) << 16, 99);
  const int saved = omp_get_max_threads();
  Eigen::VectorXd one = x, two = x;
  omp_set_num_threads(1);
  walsh_hadamard(one);
  omp_set_num_threads(2);
  walsh_hadamard(two);
  omp_set_num_threads(saved);
  EXPECT_EQ(one, two);
  Eigen::VectorXd bad(12);
  EXPECT_THROW(walsh_hadamard(bad), Error);
}
