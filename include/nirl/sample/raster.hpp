// A recorded or simulated raster of the network (docs/model.md section 2): the activity of n
// binary neurons and the input index at each time step.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace nirl {

struct Raster {
  int n = 0;
  std::size_t steps = 0;
  std::vector<std::uint8_t> spikes;  // steps x n, row-major, 0/1
  std::vector<std::int32_t> input;   // length steps, input index; empty when nx = 1

  std::uint64_t sigma(std::size_t t) const {
    std::uint64_t s = 0;
    for (int i = 0; i < n; ++i)
      if (spikes[t * std::size_t(n) + std::size_t(i)]) s |= std::uint64_t(1) << i;
    return s;
  }
  int x(std::size_t t) const { return input.empty() ? 0 : input[t]; }
};

// Receives a raster a block of consecutive steps at a time, in order: count steps from
// step first, rows[k * n + i] the state (0/1) of neuron i at step first + k and input[k]
// its input index (null when the network has one input state). The arrays are valid
// during the call only.
using RasterSink = std::function<void(std::size_t first, std::size_t count, const std::uint8_t* rows,
                                      const std::int32_t* input)>;

}  // namespace nirl
