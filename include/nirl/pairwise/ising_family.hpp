// The pairwise (Ising) family of docs/model.md section 5:
//   p_theta(sigma) ∝ exp( sum_i h_i sigma_i + sum_{i<j} J_ij sigma_i sigma_j ),  sigma_i = ±1,
// with features phi = (sigma_i, sigma_i sigma_j). Untied feature k < n is the field of
// neuron k; k >= n is the pair (i, j), i < j, in row order (pair_index). A family maps
// its P free parameters onto the features: `tie[k]` is the parameter of feature k, or -1
// when the feature is removed (its coefficient is fixed at 0; "couplings beyond a
// distance removed"). Tying (e.g. ring distance: h_i = h, J_ij = J(d(i,j))) is such a
// map. Fixed extra fields (pinned neurons) are added to h and are not parameters.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace nirl {

// Untied parameters: fields h (n) and couplings J (n x n, symmetric, zero diagonal).
struct IsingParams {
  Eigen::VectorXd h;
  Eigen::MatrixXd J;
  int n() const { return int(h.size()); }
  static IsingParams zero(int n) { return {Eigen::VectorXd::Zero(n), Eigen::MatrixXd::Zero(n, n)}; }
};

// Ring distance min(|i - j|, n - |i - j|).
inline int ring_distance(int i, int j, int n) {
  const int d = i > j ? i - j : j - i;
  return d < n - d ? d : n - d;
}

class IsingFamily {
 public:
  // Every field and coupling free: P = n + n(n-1)/2.
  static IsingFamily untied(int n);
  // h_i = h (parameter 0), J_ij = J(d) with d the ring distance (parameter d, d = 1..n/2).
  static IsingFamily ring_tied(int n);

  // h_i = h (parameter 0), J_ij = J (parameter 1).
  static IsingFamily homogeneous(int n);
  // A tie map given directly: tie[k] in [-1, P) for the n + n(n-1)/2 features (fields,
  // then pairs in row order), P = 1 + the largest entry; every parameter must be used.
  static IsingFamily from_ties(int n, const std::vector<int>& tie);
  // The same family with every coupling of ring distance > d removed (d >= 1). Parameters
  // left without a feature are kept (their gradient is 0), so theta keeps its meaning.
  IsingFamily without_couplings_beyond(int d) const;
  // The same family with a fixed extra field added to h (length n).
  IsingFamily with_extra_field(const Eigen::VectorXd& field) const;

  int n() const { return n_; }
  int parameters() const { return parameters_; }
  int features() const { return int(tie_.size()); }
  const std::vector<int>& tie() const { return tie_; }
  const Eigen::VectorXd& extra_field() const { return extra_field_; }

  // Untied parameters of theta (length P); with_extra adds the fixed extra field to h
  // (false: the linear map alone, for directions in parameter space).
  IsingParams expand(const Eigen::VectorXd& theta, bool with_extra = true) const;
  // The adjoint of expand: per parameter, the sum of the untied entries tied to it
  // (g_J read above the diagonal). Maps untied gradients to the family's gradient.
  Eigen::VectorXd reduce(const Eigen::VectorXd& g_h, const Eigen::MatrixXd& g_J) const;
  // Least-squares theta for untied parameters: the mean of each tied group (extra field
  // subtracted first); a parameter without features gets 0.
  Eigen::VectorXd project(const IsingParams& params) const;

 private:
  int n_ = 0, parameters_ = 0;
  std::vector<int> tie_;
  Eigen::VectorXd extra_field_;
};

// Index of the pair feature (i, j), i != j, among the n(n-1)/2 pairs in row order.
inline int pair_index(int i, int j, int n) {
  if (i > j) std::swap(i, j);
  return i * (2 * n - i - 1) / 2 + (j - i - 1);
}

// The structured start of docs/model.md section 5 for a ring-tied family: h = field,
// J(d) = amplitude * cos(2 pi d / n).
Eigen::VectorXd ring_start(const IsingFamily& ring_family, double amplitude, double field);

// `count` random starts of any family (F is not concave, docs/model.md 5): a parameter of a
// field -1 - |g|, of a coupling 1.5 g, g standard normal from the Philox stream
// (seed, stream), start k from counters k * P .. (k + 1) * P - 1.
std::vector<Eigen::VectorXd> random_starts(const IsingFamily& family, int count, std::uint64_t seed,
                                           std::uint64_t stream);

// Spins of state index sigma (bit i set <=> sigma_i = +1) into row `row` of S.
inline void spins_of(std::uint64_t sigma, int n, double* out) {
  for (int i = 0; i < n; ++i) out[i] = ((sigma >> i) & 1) ? 1.0 : -1.0;
}

}  // namespace nirl
