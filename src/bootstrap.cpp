#include "nirl/bootstrap.hpp"

#include <algorithm>

#include "nirl/error.hpp"

namespace nirl {

std::vector<std::size_t> moving_block_resample(std::size_t transitions, std::size_t block, const RandomStream& rng) {
  if (transitions < 1) fail("bootstrap: no transitions to resample");
  if (block < 1) fail("bootstrap: the block length must be >= 1");
  block = std::min(block, transitions);
  const std::size_t positions = transitions - block + 1;  // possible block starts
  std::vector<std::size_t> out;
  out.reserve(transitions);
  for (std::uint64_t k = 0; out.size() < transitions; ++k) {
    const std::size_t start = std::size_t(RandomStream::below(rng.words(k)[0], positions));
    for (std::size_t j = 0; j < block && out.size() < transitions; ++j) out.push_back(start + j);
  }
  return out;
}

}  // namespace nirl
