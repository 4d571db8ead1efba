// Fast Walsh-Hadamard transform (contract in the header).
#include "nirl/pairwise/walsh_hadamard.hpp"

#include <algorithm>
#include <cstddef>

#include "nirl/core/error.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {
namespace {

constexpr int kBlockBits = 12;  // stages on bits below this run block by block, in cache

}  // namespace

void walsh_hadamard(Eigen::VectorXd& x) {
  const std::size_t S = std::size_t(x.size());
  if (S == 0 || (S & (S - 1)) != 0) fail("walsh_hadamard: the length ", S, " is not a power of two");
  int bits = 0;
  while ((std::size_t(1) << bits) < S) ++bits;
  double* d = x.data();
  const int low = std::min(bits, kBlockBits);
  const std::size_t block = std::size_t(1) << low, blocks = S >> low;
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(S) * bits, blocks > 1);
  team_for_static(call, blocks, [&](std::size_t b) {
    double* y = d + b * block;
    for (int h = 0; h < low; ++h) {
      const std::size_t half = std::size_t(1) << h;
      for (std::size_t i = 0; i < block; i += 2 * half)
        for (std::size_t j = i; j < i + half; ++j) {
          const double u = y[j], v = y[j + half];
          y[j] = u + v;
          y[j + half] = u - v;
        }
    }
  });
  for (int h = low; h < bits; ++h) {
    const std::size_t half = std::size_t(1) << h;
    team_for_static(call, S / 2, [&](std::size_t p) {
      const std::size_t j = ((p >> h) << (h + 1)) | (p & (half - 1));
      const double u = d[j], v = d[j + half];
      d[j] = u + v;
      d[j + half] = u - v;
    });
  }
}

}  // namespace nirl
