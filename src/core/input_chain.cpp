#include "nirl/core/input_chain.hpp"

#include <algorithm>
#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/detail/parallel_reduce.hpp"
#include "nirl/detail/thread_team.hpp"

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
  // Pixels always off, always on or never redrawn make a chain that never visits most of
  // its 2^k states (the pixel feature is then constant): refused.
  if (!(pixel_on > 0.0 && pixel_on < 1.0)) fail("input.pixel_on must be in (0, 1) (got ", pixel_on, ")");
  if (!(pixel_redraw > 0.0 && pixel_redraw <= 1.0)) fail("input.pixel_redraw must be in (0, 1] (got ", pixel_redraw, ")");
  const double up = pixel_redraw * pixel_on, down = pixel_redraw * (1.0 - pixel_on);
  const int nx = 1 << pixels;
  InputChain c;
  Eigen::Matrix2d chain;
  chain << 1.0 - up, up, down, 1.0 - down;
  c.factors.assign(std::size_t(pixels), chain);
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

// Factor j maps the pairs of input columns (x0, x1 = x0 | bit j) onto themselves: the
// first factor reads v and writes w, the others update w in place. Tasks are (pair, block
// of rows); every output is computed by the same arithmetic whatever the thread count.
void InputChain::apply_factored(std::size_t rows, const double* v, double* w, bool transpose) const {
  const std::size_t k = factors.size(), pairs = std::size_t(1) << (k - 1);
  const std::size_t block = std::min<std::size_t>(rows, 4096), blocks = (rows + block - 1) / block;
  const std::size_t tasks = pairs * blocks;
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(rows) * double(pairs) * double(k), rows * pairs * 2 >= kParallelMinStates);
  // Task t of factor j (a pair of input columns, a block of rows).
  const auto apply = [&](std::size_t j, std::size_t t) {
    const Eigen::Matrix2d F = transpose ? Eigen::Matrix2d(factors[j].transpose()) : factors[j];
    const double f00 = F(0, 0), f01 = F(0, 1), f10 = F(1, 0), f11 = F(1, 1);
    const double* src = j == 0 ? v : w;
    const std::size_t bit = std::size_t(1) << j;
    const std::size_t pair = t / blocks, r0 = (t % blocks) * block, len = std::min(block, rows - r0);
    const std::size_t x0 = ((pair >> j) << (j + 1)) | (pair & (bit - 1)), x1 = x0 | bit;
    const double *a = src + x0 * rows + r0, *b = src + x1 * rows + r0;
    double *wa = w + x0 * rows + r0, *wb = w + x1 * rows + r0;
#pragma omp simd
    for (std::size_t r = 0; r < len; ++r) {
      const double va = a[r], vb = b[r];
      wa[r] = f00 * va + f01 * vb;
      wb[r] = f10 * va + f11 * vb;
    }
  };
  if (call.threads() == 1) {  // no OpenMP region (thread_team.hpp)
    for (std::size_t j = 0; j < k; ++j)
      for (std::size_t t = 0; t < tasks; ++t) apply(j, t);
    return;
  }
#pragma omp parallel num_threads(call.threads())
  for (std::size_t j = 0; j < k; ++j) {
#pragma omp for schedule(static)
    for (std::size_t t = 0; t < tasks; ++t) apply(j, t);
  }
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
