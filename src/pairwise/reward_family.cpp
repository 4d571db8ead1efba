#include "nirl/pairwise/reward_family.hpp"

#include <cmath>
#include <vector>

#include "nirl/core/error.hpp"
#include "nirl/pairwise/walsh_hadamard.hpp"

namespace nirl {
namespace {

void check_table(int n, const Eigen::VectorXd& v, const char* what) {
  if (n < 1 || n > 24) fail("reward families: n must be in [1, 24] (got ", n, ")");
  if (v.size() != (Eigen::Index(1) << n)) fail("reward families: ", what, " has length ", v.size(), ", expected 2^", n);
}

double spin(std::size_t s, int i) { return ((s >> i) & 1) ? 1.0 : -1.0; }

}  // namespace

std::string family_name(RewardFamily family) {
  switch (family) {
    case RewardFamily::tabular: return "tabular";
    case RewardFamily::pairwise: return "pairwise";
    case RewardFamily::global: return "global";
  }
  return "?";
}

double family_parameters(RewardFamily family, int n) {
  switch (family) {
    case RewardFamily::tabular: return std::ldexp(1.0, n) - 1;
    case RewardFamily::pairwise: return n + n * (n - 1) / 2.0;
    case RewardFamily::global: return n;
  }
  return 0;
}

Eigen::VectorXd project_reward(RewardFamily family, int n, const Eigen::VectorXd& reward, const Eigen::VectorXd& weights) {
  check_table(n, reward, "the reward");
  check_table(n, weights, "the weights");
  if (!(weights.minCoeff() > 0.0) || !weights.allFinite()) fail("reward families: weights must be finite and > 0");
  const std::size_t S = std::size_t(1) << n;
  if (family == RewardFamily::tabular) return reward;
  if (family == RewardFamily::global) {  // the weighted mean of r over each spike count
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(n + 1), mass = Eigen::VectorXd::Zero(n + 1);
    for (std::size_t s = 0; s < S; ++s) {
      const int k = __builtin_popcountll(s);
      sum[k] += weights[Eigen::Index(s)] * reward[Eigen::Index(s)];
      mass[k] += weights[Eigen::Index(s)];
    }
    return global_reward(n, sum.cwiseQuotient(mass));
  }
  // Pairwise: weighted least squares on the Walsh functions of order <= 2 (the constant, s_i,
  // s_i s_j). As phi_A phi_B = phi_{A xor B}, the normal equations need only the Walsh
  // coefficients of w up to order 4 and of w r up to order 2: two transforms, a dense solve
  // of 1 + n + n(n-1)/2 unknowns, and one transform back to the table.
  std::vector<std::size_t> sets{0};
  for (int i = 0; i < n; ++i) sets.push_back(std::size_t(1) << i);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) sets.push_back((std::size_t(1) << i) | (std::size_t(1) << j));
  const auto sign = [](std::size_t set) { return (__builtin_popcountll(set) & 1) ? -1.0 : 1.0; };
  Eigen::VectorXd hw = weights, hwr = weights.cwiseProduct(reward);
  walsh_hadamard(hw);
  walsh_hadamard(hwr);
  const Eigen::Index F = Eigen::Index(sets.size());
  Eigen::MatrixXd gram(F, F);
  Eigen::VectorXd rhs(F);
  for (Eigen::Index k = 0; k < F; ++k) {
    const std::size_t a = sets[std::size_t(k)];
    rhs[k] = sign(a) * hwr[Eigen::Index(a)];
    for (Eigen::Index l = 0; l < F; ++l) {
      const std::size_t c = a ^ sets[std::size_t(l)];
      gram(k, l) = sign(c) * hw[Eigen::Index(c)];
    }
  }
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(gram);
  const Eigen::VectorXd theta = ldlt.solve(rhs);
  if (ldlt.info() != Eigen::Success || !theta.allFinite()) fail("reward families: the pairwise projection is singular");
  Eigen::VectorXd projected = Eigen::VectorXd::Zero(Eigen::Index(S));
  for (Eigen::Index k = 0; k < F; ++k) projected[Eigen::Index(sets[std::size_t(k)])] = sign(sets[std::size_t(k)]) * theta[k];
  walsh_hadamard(projected);
  return projected;
}

Eigen::VectorXd pairwise_reward(int n, const Eigen::VectorXd& a, const Eigen::MatrixXd& b) {
  if (a.size() != n || b.rows() != n || b.cols() != n) fail("pairwise reward: a must have n entries and b be n x n");
  const std::size_t S = std::size_t(1) << n;
  Eigen::VectorXd r(static_cast<Eigen::Index>(S));
  for (std::size_t s = 0; s < S; ++s) {
    double v = 0.0;
    for (int i = 0; i < n; ++i) {
      v += a[i] * spin(s, i);
      for (int j = i + 1; j < n; ++j) v += b(i, j) * spin(s, i) * spin(s, j);
    }
    r[Eigen::Index(s)] = v;
  }
  return r;
}

Eigen::VectorXd global_reward(int n, const Eigen::VectorXd& f) {
  if (f.size() != n + 1) fail("global reward: f must have n + 1 entries (got ", f.size(), ")");
  const std::size_t S = std::size_t(1) << n;
  Eigen::VectorXd r(static_cast<Eigen::Index>(S));
  for (std::size_t s = 0; s < S; ++s) r[Eigen::Index(s)] = f[__builtin_popcountll(s)];
  return r;
}

}  // namespace nirl
