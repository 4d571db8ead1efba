// Counter-based random numbers (Random123 Philox4x64-10): the stream is keyed by
// (seed, stream id) and draw k is a pure function of (seed, stream, k), so results
// do not depend on threads, ranks or the order in which streams are consumed.
#pragma once
#include <Random123/philox.h>

#include <array>
#include <cstdint>

namespace nirl {

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t stream) : key_{{seed, stream}} {}

  // Four independent 64-bit words for counter value k.
  std::array<std::uint64_t, 4> words(std::uint64_t k) const {
    r123::Philox4x64::ctr_type ctr = {{k, 0, 0, 0}};
    const r123::Philox4x64::ctr_type out = gen_(ctr, key_);
    return {out[0], out[1], out[2], out[3]};
  }

  // Uniform double in [0, 1) from a 64-bit word (53 random bits).
  static double uniform(std::uint64_t word) { return double(word >> 11) * 0x1.0p-53; }

  // Integer in [0, m) from a 64-bit word (multiply-high; bias below m / 2^64).
  static std::uint64_t below(std::uint64_t word, std::uint64_t m) {
    return std::uint64_t((unsigned __int128)word * m >> 64);
  }

 private:
  r123::Philox4x64 gen_;
  r123::Philox4x64::key_type key_;
};

}  // namespace nirl
