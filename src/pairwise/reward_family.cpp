#include "nirl/pairwise/reward_family.hpp"

#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/pairwise/ising_family.hpp"
#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/core/state_space.hpp"

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
  // Pairwise: the weighted least-squares regression of r on the Ising family's untied
  // features s_i, s_i s_j (ising_forward.hpp), plus the constant that zeroes the residual's
  // weighted mean.
  StateEnsemble ensemble = StateEnsemble::enumeration(n);
  ensemble.set_weights(weights);
  const IsingFamily untied = IsingFamily::untied(n);
  const Regression fit = regress_on_features(untied, ensemble, reward, 1e-12, 5000, 1e-12);
  const IsingParams params = untied.expand(fit.coefficients, false);
  Eigen::VectorXd projected(static_cast<Eigen::Index>(S));
  ensemble.blocked(0, [&](std::size_t begin, const Eigen::MatrixXd& spins, double*) {
    projected.segment(Eigen::Index(begin), spins.rows()) = ising_energies(params, spins);
  });
  projected.array() += ensemble.weights().dot(reward - projected);
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
