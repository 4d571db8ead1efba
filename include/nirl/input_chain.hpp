// External input x: a Markov chain the network cannot influence (MODEL.md section 2).
// P(x, x') = p(x' | x); rows sum to 1.
//
//  - none:      nx = 1.
//  - telegraph: x in {-1, +1} stored as index 0 (x = -1) and 1 (x = +1);
//               p(-1 -> +1) = switch_up, p(+1 -> -1) = switch_down.
//  - pixels:    k independent binary pixels, x = bit pattern (bit j = pixel j on).
//               Each step a pixel is redrawn from Bernoulli(pixel_on) with probability
//               pixel_redraw, so off -> on = redraw * on and on -> off = redraw * (1 - on);
//               the stationary on-probability is pixel_on.
//  - matrix:    any row-stochastic nx x nx matrix (e.g. read from HDF5).
#pragma once
#include <Eigen/Dense>
#include <string>

namespace nirl {

struct InputChain {
  Eigen::MatrixXd P = Eigen::MatrixXd::Ones(1, 1);  // nx x nx, row x = p(. | x)
  int nx() const { return int(P.rows()); }
};

InputChain no_input();
InputChain telegraph_input(double switch_up, double switch_down);
InputChain pixel_input(int pixels, double pixel_on, double pixel_redraw);
// Validates shape, entries in [0, 1] and row sums (within 1e-9); `what` names the source in errors.
InputChain matrix_input(const Eigen::MatrixXd& P, const std::string& what);

// Stationary distribution of the input chain alone (power iteration, for reports and tests).
Eigen::VectorXd input_stationary(const InputChain& chain);

}  // namespace nirl
