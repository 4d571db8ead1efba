// Hill positions, jumps and runs of activity on a ring (ring_activity.hpp).
#include "nirl/measures/ring_activity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "nirl/core/error.hpp"

namespace nirl {

std::vector<int> hill_positions(const std::vector<std::uint8_t>& raster, int n) {
  const std::size_t T = raster.size() / std::size_t(n);
  std::vector<int> pos(T, -1);
  for (std::size_t t = 0; t < T; ++t) {
    double c = 0.0, s = 0.0;
    for (int i = 0; i < n; ++i)
      if (raster[t * std::size_t(n) + std::size_t(i)]) {
        c += std::cos(2 * M_PI * i / n);
        s += std::sin(2 * M_PI * i / n);
      }
    if (c * c + s * s < 1e-12) continue;
    const double angle = std::atan2(s, c);
    pos[t] = int(std::lround(angle / (2 * M_PI) * n + n)) % n;
  }
  return pos;
}

double hill_jump_fraction(const std::vector<int>& positions, int n, std::size_t lag, int distance) {
  if (lag < 1) fail("hill jumps: the lag must be >= 1 row");
  std::size_t pairs = 0, jumps = 0;
  for (std::size_t t = 0; t + lag < positions.size(); t += lag) {
    const int a = positions[t], b = positions[t + lag];
    if (a < 0 || b < 0) continue;
    const int d = std::abs(a - b);
    ++pairs;
    if (std::min(d, n - d) >= distance) ++jumps;
  }
  return pairs ? double(jumps) / double(pairs) : std::numeric_limits<double>::quiet_NaN();
}

Eigen::VectorXd cluster_distribution(const Eigen::VectorXd& p, int n) {
  Eigen::VectorXd c = Eigen::VectorXd::Zero(n / 2 + 1);
  for (Eigen::Index s = 0; s < p.size(); ++s) {
    const std::uint64_t sigma = std::uint64_t(s), mask = (std::uint64_t(1) << n) - 1;
    const std::uint64_t rotated = ((sigma << 1) | (sigma >> (n - 1))) & mask;  // bit i: neuron i - 1
    c[__builtin_popcountll(sigma & ~rotated)] += p[s];  // runs start where i is on and i - 1 off
  }
  if (p.size() > 0 && p[p.size() - 1] > 0.0) {  // all on: one run without a start
    c[0] -= p[p.size() - 1];
    c[1] += p[p.size() - 1];
  }
  return c;
}


}  // namespace nirl
