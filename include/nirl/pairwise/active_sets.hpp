// Binary population states stored by their active neurons (docs/model.md section 5, inverse:
// the recorded states and the model samples of the pairwise fit). A recorded population is
// sparse (a few percent of its neurons active in a bin), so a state is kept as the
// ascending list of its active neurons (compressed rows): memory and the products below
// cost the number of active entries (times n), not states x n (times n).
//
// Sums over many states run over fixed blocks of consecutive states under OpenMP and add
// the blocks' partial sums in block order: the block layout depends on the number of states
// only, so the sums do not depend on the thread count.
#pragma once
#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace nirl {

class ActiveSets {
 public:
  explicit ActiveSets(int n = 0) : n_(n) {}
  // The rows of S (spins ±1): neuron i active where S(t, i) > 0.
  static ActiveSets from_spins(const Eigen::Ref<const Eigen::MatrixXd>& S);
  // All 2^n states in index order (neuron i active in state s where bit i of s is set).
  static ActiveSets enumeration(int n);
  // Appends a state given as n activities (0/1).
  void append(const std::uint8_t* activities);

  int n() const { return n_; }
  std::size_t size() const { return offsets_.size() - 1; }
  std::size_t entries() const { return active_.size(); }  // active (state, neuron) pairs
  // State t's active neurons, ascending.
  const std::int32_t* begin(std::size_t t) const { return active_.data() + offsets_[t]; }
  const std::int32_t* end(std::size_t t) const { return active_.data() + offsets_[t + 1]; }
  int count(std::size_t t) const { return int(offsets_[t + 1] - offsets_[t]); }
  // Spins (±1) of states [first, first + rows), one per row.
  Eigen::MatrixXd spins(std::size_t first, std::size_t rows) const;

 private:
  int n_;
  std::vector<std::size_t> offsets_{0};
  std::vector<std::int32_t> active_;
};

// Weighted activity statistics of states (x_i = 1 where neuron i is active):
// x = sum_t w_t x_t, the upper triangle (i <= j) of sum_t w_t x_t x_t^T in xx_upper (the
// strict lower triangle stays 0; symmetric_from_upper gives the whole matrix), and
// by_count[k] = the weight of the states with k active neurons (k = 0..n).
struct ActivitySums {
  Eigen::VectorXd x;
  Eigen::MatrixXd xx_upper;
  Eigen::VectorXd by_count;
  explicit ActivitySums(int n = 0);
  // Adds states [first, first + rows) of s with weights w[0..rows).
  void add(const ActiveSets& s, std::size_t first, std::size_t rows, const double* w);
  // sum_k by_count[k] k^power: the weighted moment of the number active.
  double count_moment(int power) const;
  // The same statistics as add(), over all states of s, summed blockwise (see above).
  static ActivitySums of(const ActiveSets& s, const Eigen::VectorXd& w);
};

// The symmetric matrix whose upper triangle (diagonal included) is that of m.
Eigen::MatrixXd symmetric_from_upper(const Eigen::MatrixXd& m);

// Blocks of at least min_rows consecutive states, at most kMaxBlocks of them: the fixed
// layout of a blockwise sum over `size` states.
inline constexpr std::size_t kMaxBlocks = 16;
// body(first, rows, partial) for every block (partial: m zeros to add into); returns the
// m sums over blocks, in block order.
std::vector<double> sum_over_blocks(std::size_t size, std::size_t min_rows, std::size_t m,
                                    const std::function<void(std::size_t, std::size_t, double*)>& body);

}  // namespace nirl
