#include "nirl/pairwise/ising_family.hpp"

#include <algorithm>
#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/core/random_stream.hpp"

namespace nirl {

IsingFamily IsingFamily::untied(int n) {
  if (n < 2) fail("an Ising family needs n >= 2 neurons (got ", n, ")");
  IsingFamily f;
  f.n_ = n;
  f.tie_.resize(std::size_t(n + n * (n - 1) / 2));
  for (std::size_t k = 0; k < f.tie_.size(); ++k) f.tie_[k] = int(k);
  f.parameters_ = int(f.tie_.size());
  f.extra_field_ = Eigen::VectorXd::Zero(n);
  return f;
}

IsingFamily IsingFamily::ring_tied(int n) {
  if (n < 3) fail("a ring needs n >= 3 neurons (got ", n, ")");
  IsingFamily f;
  f.n_ = n;
  f.tie_.assign(std::size_t(n + n * (n - 1) / 2), 0);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) f.tie_[std::size_t(n + pair_index(i, j, n))] = ring_distance(i, j, n);
  f.parameters_ = 1 + n / 2;
  f.extra_field_ = Eigen::VectorXd::Zero(n);
  return f;
}

IsingFamily IsingFamily::homogeneous(int n) {
  if (n < 2) fail("an Ising family needs n >= 2 neurons (got ", n, ")");
  std::vector<int> tie(std::size_t(n + n * (n - 1) / 2), 1);
  std::fill(tie.begin(), tie.begin() + n, 0);
  return from_ties(n, tie);
}

IsingFamily IsingFamily::from_ties(int n, const std::vector<int>& tie) {
  if (n < 2) fail("an Ising family needs n >= 2 neurons (got ", n, ")");
  const std::size_t features = std::size_t(n + n * (n - 1) / 2);
  if (tie.size() != features)
    fail("a tie map for n = ", n, " needs n + n(n-1)/2 = ", features, " entries (got ", tie.size(), ")");
  int P = 0;
  for (int t : tie) {
    if (t < -1) fail("tie map entries must be -1 (feature removed) or a parameter index >= 0 (got ", t, ")");
    P = std::max(P, t + 1);
  }
  if (P == 0) fail("the tie map removes every feature");
  std::vector<bool> used(std::size_t(P), false);
  for (int t : tie)
    if (t >= 0) used[std::size_t(t)] = true;
  for (int a = 0; a < P; ++a)
    if (!used[std::size_t(a)]) fail("tie map: parameter ", a, " has no feature (parameters must be 0 .. P-1, all used)");
  IsingFamily f;
  f.n_ = n;
  f.tie_ = tie;
  f.parameters_ = P;
  f.extra_field_ = Eigen::VectorXd::Zero(n);
  return f;
}

IsingFamily IsingFamily::without_couplings_beyond(int d) const {
  if (d < 1) fail("the coupling range must be >= 1 (got ", d, ")");
  IsingFamily f = *this;
  for (int i = 0; i < n_; ++i)
    for (int j = i + 1; j < n_; ++j)
      if (ring_distance(i, j, n_) > d) f.tie_[std::size_t(n_ + pair_index(i, j, n_))] = -1;
  return f;
}

IsingFamily IsingFamily::with_extra_field(const Eigen::VectorXd& field) const {
  if (field.size() != n_) fail("the extra field needs ", n_, " entries (got ", field.size(), ")");
  if (!field.allFinite()) fail("the extra field must be finite");
  IsingFamily f = *this;
  f.extra_field_ = field;
  return f;
}

IsingParams IsingFamily::expand(const Eigen::VectorXd& theta, bool with_extra) const {
  if (theta.size() != parameters_) fail("theta has ", theta.size(), " entries, the family ", parameters_);
  IsingParams p = IsingParams::zero(n_);
  for (int i = 0; i < n_; ++i) {
    const int t = tie_[std::size_t(i)];
    p.h[i] = (t >= 0 ? theta[t] : 0.0) + (with_extra ? extra_field_[i] : 0.0);
  }
  for (int i = 0; i < n_; ++i)
    for (int j = i + 1; j < n_; ++j) {
      const int t = tie_[std::size_t(n_ + pair_index(i, j, n_))];
      if (t >= 0) p.J(i, j) = p.J(j, i) = theta[t];
    }
  return p;
}

Eigen::VectorXd IsingFamily::reduce(const Eigen::VectorXd& g_h, const Eigen::MatrixXd& g_J) const {
  Eigen::VectorXd g = Eigen::VectorXd::Zero(parameters_);
  for (int i = 0; i < n_; ++i) {
    const int t = tie_[std::size_t(i)];
    if (t >= 0) g[t] += g_h[i];
  }
  for (int i = 0; i < n_; ++i)
    for (int j = i + 1; j < n_; ++j) {
      const int t = tie_[std::size_t(n_ + pair_index(i, j, n_))];
      if (t >= 0) g[t] += g_J(i, j);
    }
  return g;
}

Eigen::VectorXd IsingFamily::project(const IsingParams& params) const {
  if (params.n() != n_) fail("parameters for ", params.n(), " neurons, the family has ", n_);
  Eigen::VectorXd ones_h = Eigen::VectorXd::Ones(n_);
  Eigen::MatrixXd ones_J = Eigen::MatrixXd::Ones(n_, n_);
  const Eigen::VectorXd counts = reduce(ones_h, ones_J);
  const Eigen::VectorXd sums = reduce(params.h - extra_field_, params.J);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(parameters_);
  for (int t = 0; t < parameters_; ++t)
    if (counts[t] > 0) theta[t] = sums[t] / counts[t];
  return theta;
}

Eigen::VectorXd ring_start(const IsingFamily& ring_family, double amplitude, double field) {
  const int n = ring_family.n();
  if (ring_family.parameters() != 1 + n / 2) fail("ring_start needs a ring-tied family");
  Eigen::VectorXd theta(ring_family.parameters());
  theta[0] = field;
  for (int d = 1; d <= n / 2; ++d) theta[d] = amplitude * std::cos(2.0 * M_PI * d / n);
  return theta;
}

std::vector<Eigen::VectorXd> random_starts(const IsingFamily& family, int count, std::uint64_t seed,
                                           std::uint64_t stream) {
  const int P = family.parameters(), n = family.n();
  std::vector<bool> field(std::size_t(P), false);
  for (int i = 0; i < n; ++i)
    if (family.tie()[std::size_t(i)] >= 0) field[std::size_t(family.tie()[std::size_t(i)])] = true;
  const RandomStream rng(seed, stream);
  std::vector<Eigen::VectorXd> starts;
  for (int k = 0; k < count; ++k) {
    Eigen::VectorXd theta(P);
    for (int a = 0; a < P; ++a) {
      const auto w = rng.words(std::uint64_t(k) * std::uint64_t(P) + std::uint64_t(a));
      // Box-Muller; 1 - u lies in (0, 1].
      const double g = std::sqrt(-2.0 * std::log(1.0 - RandomStream::uniform(w[0]))) *
                       std::cos(2.0 * M_PI * RandomStream::uniform(w[1]));
      theta[a] = field[std::size_t(a)] ? -1.0 - std::fabs(g) : 1.5 * g;
    }
    starts.push_back(std::move(theta));
  }
  return starts;
}

}  // namespace nirl
