#include "nirl/core/state_space.hpp"

#include "nirl/core/error.hpp"

namespace nirl {

StateSpace::StateSpace(int neurons, int inputs) : n(neurons), nx(inputs) {
  if (n < 1 || n > kMaxNeurons) fail("network.n must be in [1, ", kMaxNeurons, "] (got ", n, ")");
  if (nx < 1) fail("number of input states must be >= 1 (got ", nx, ")");
  n_sigma = std::size_t(1) << n;
  size = n_sigma * std::size_t(nx);
}

}  // namespace nirl
