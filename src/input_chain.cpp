#include "nirl/input_chain.hpp"

#include <cmath>

#include "nirl/error.hpp"

namespace nirl {
namespace {

void check_probability(double p, const char* name) {
  if (!(p >= 0.0 && p <= 1.0)) fail(name, " must be a probability in [0, 1] (got ", p, ")");
}

}  // namespace

InputChain no_input() { return InputChain{}; }

InputChain telegraph_input(double switch_up, double switch_down) {
  check_probability(switch_up, "input.switch_up");
  check_probability(switch_down, "input.switch_down");
  InputChain c;
  c.P.resize(2, 2);
  c.P << 1.0 - switch_up, switch_up, switch_down, 1.0 - switch_down;
  return c;
}

InputChain pixel_input(int pixels, double pixel_on, double pixel_redraw) {
  if (pixels < 1 || pixels > 16) fail("input.pixels must be in [1, 16] (got ", pixels, ")");
  check_probability(pixel_on, "input.pixel_on");
  check_probability(pixel_redraw, "input.pixel_redraw");
  const double up = pixel_redraw * pixel_on, down = pixel_redraw * (1.0 - pixel_on);
  const int nx = 1 << pixels;
  InputChain c;
  c.P.resize(nx, nx);
  for (int x = 0; x < nx; ++x)
    for (int y = 0; y < nx; ++y) {
      double p = 1.0;
      for (int j = 0; j < pixels; ++j) {
        const bool from = (x >> j) & 1, to = (y >> j) & 1;
        p *= from ? (to ? 1.0 - down : down) : (to ? up : 1.0 - up);
      }
      c.P(x, y) = p;
    }
  return c;
}

InputChain matrix_input(const Eigen::MatrixXd& P, const std::string& what) {
  if (P.rows() < 1 || P.rows() != P.cols())
    fail(what, ": input transition matrix must be square and non-empty (got ", P.rows(), " x ",
         P.cols(), ")");
  for (Eigen::Index x = 0; x < P.rows(); ++x) {
    double sum = 0.0;
    for (Eigen::Index y = 0; y < P.cols(); ++y) {
      const double p = P(x, y);
      if (!(p >= 0.0 && p <= 1.0))
        fail(what, ": input transition entry (", x, ", ", y, ") = ", p, " is not in [0, 1]");
      sum += p;
    }
    if (std::abs(sum - 1.0) > 1e-9)
      fail(what, ": input transition row ", x, " sums to ", sum, ", not 1");
  }
  InputChain c;
  c.P = P;
  return c;
}

Eigen::VectorXd input_stationary(const InputChain& chain) {
  const int nx = chain.nx();
  Eigen::RowVectorXd mu = Eigen::RowVectorXd::Constant(nx, 1.0 / nx);
  // Lazy chain (I + P) / 2 converges for periodic chains too.
  const Eigen::MatrixXd lazy = 0.5 * (Eigen::MatrixXd::Identity(nx, nx) + chain.P);
  for (int it = 0; it < 1000000; ++it) {
    Eigen::RowVectorXd next = mu * lazy;
    const double change = (next - mu).cwiseAbs().sum();
    mu = next;
    if (change < 1e-15) break;
  }
  return mu.transpose() / mu.sum();
}

}  // namespace nirl
