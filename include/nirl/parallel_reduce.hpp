// Deterministic OpenMP reductions: the state range is cut into fixed blocks, each
// block's partial sums are computed by whichever thread, and the partials are added
// in block order. Results are bitwise identical for any number of threads.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

namespace nirl {

inline constexpr std::size_t kReduceBlock = 4096;

// Below this many states a parallel region costs more than it saves (and a thread
// that is not scheduled stalls every sweep on a busy machine).
inline constexpr std::size_t kParallelMinStates = 4096;

// body(begin, end, acc) adds its block's contribution into acc[0..m).
// Returns the m sums.
template <typename Body>
std::vector<double> blocked_sums(std::size_t size, int m, Body body) {
  const std::size_t blocks = (size + kReduceBlock - 1) / kReduceBlock;
  std::vector<double> partial(blocks * std::size_t(m), 0.0);
#pragma omp parallel for schedule(static) if (blocks > 1)
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t begin = b * kReduceBlock, end = std::min(size, begin + kReduceBlock);
    body(begin, end, partial.data() + b * std::size_t(m));
  }
  std::vector<double> total(std::size_t(m), 0.0);
  for (std::size_t b = 0; b < blocks; ++b)
    for (int k = 0; k < m; ++k) total[std::size_t(k)] += partial[b * std::size_t(m) + std::size_t(k)];
  return total;
}

}  // namespace nirl
