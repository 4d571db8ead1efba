// External input x: a Markov chain the network cannot influence (docs/model.md section 2).
// P(x, x') = p(x' | x); rows sum to 1.
//
//  - none:      nx = 1.
//  - telegraph: x in {-1, +1} stored as index 0 (x = -1) and 1 (x = +1);
//               p(-1 -> +1) = switch_up, p(+1 -> -1) = switch_down.
//  - pixels:    k independent binary pixels, x = bit pattern (bit j = pixel j on).
//               Each step a pixel is redrawn from Bernoulli(pixel_on) with probability
//               pixel_redraw, so off -> on = redraw * on and on -> off = redraw * (1 - on);
//               the stationary on-probability is pixel_on.
//               P is the Kronecker product of the k 2x2 pixel chains (pixel j = bit j), and
//               products with it are applied factor by factor (apply_factored): O(k 2^k)
//               per network state instead of O(4^k) for the dense matrix.
//  - matrix:    any row-stochastic nx x nx matrix (e.g. read from HDF5).
#pragma once
#include <Eigen/Dense>
#include <cstddef>
#include <string>
#include <vector>

namespace nirl {

struct InputChain {
  Eigen::MatrixXd P = Eigen::MatrixXd::Ones(1, 1);  // nx x nx, row x = p(. | x)
  // Pixel chains: P = kron of these 2x2 chains, factor j acting on bit j of x
  // (P[x, y] = prod_j factors[j](x_j, y_j)). Empty: P is only known densely.
  std::vector<Eigen::Matrix2d> factors;
  int nx() const { return int(P.rows()); }
  bool factored() const { return !factors.empty(); }
  // For V = the rows x nx matrix v (column-major: v[r + rows * x]), w = V P^T, i.e.
  // w(r, x) = sum_y P[x, y] v(r, y), or w = V P (transpose: sum_y P[y, x] v(r, y)),
  // one 2x2 factor at a time. Requires factored(); v and w must not overlap.
  void apply_factored(std::size_t rows, const double* v, double* w, bool transpose) const;
};

InputChain no_input();
InputChain telegraph_input(double switch_up, double switch_down);
InputChain pixel_input(int pixels, double pixel_on, double pixel_redraw);
// Validates shape, entries in [0, 1] and row sums (within 1e-9); `what` names the source in errors.
InputChain matrix_input(const Eigen::MatrixXd& P, const std::string& what);

// Stationary distribution of the input chain alone (power iteration, for reports and tests).
Eigen::VectorXd input_stationary(const InputChain& chain);

}  // namespace nirl
