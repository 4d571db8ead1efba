// The full state space s = (sigma, x) of docs/model.md section 2.
// sigma is an n-bit integer (bit i set <=> neuron i spiking), x in [0, nx);
// the full index is s = sigma + 2^n * x.
#pragma once
#include <cstddef>
#include <cstdint>

namespace nirl {

struct StateSpace {
  int n = 0;                // neurons
  int nx = 1;               // input states (1 = no input)
  std::size_t n_sigma = 1;  // 2^n
  std::size_t size = 1;     // S = 2^n * nx

  StateSpace() = default;
  StateSpace(int neurons, int inputs);

  std::size_t index(std::uint64_t sigma, int x) const { return sigma + n_sigma * std::size_t(x); }
  std::uint64_t sigma_of(std::size_t s) const { return s & (n_sigma - 1); }
  int input_of(std::size_t s) const { return int(s >> n); }
};

// Largest n the state indexing supports; memory is checked separately (memory.hpp).
inline constexpr int kMaxNeurons = 40;

inline int spike_count(std::uint64_t sigma) { return __builtin_popcountll(sigma); }

}  // namespace nirl
