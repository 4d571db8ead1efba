#include "nirl/io/raster_io.hpp"

#include <cstdint>
#include <vector>

#include "nirl/core/error.hpp"
#include "nirl/core/state_space.hpp"

namespace nirl {

Raster read_raster(const h5::InputFile& file, const std::string& spikes_dataset, const std::string& input_dataset,
                   int nx, int expected_n) {
  if (nx < 1) fail("reading ", file.path(), ": the number of input states must be >= 1 (got ", nx, ")");
  const std::string where = file.path() + ": dataset " + spikes_dataset;

  std::vector<hsize_t> dims;
  const std::vector<std::int64_t> values = h5::read_integers(file, spikes_dataset, 2, &dims);
  const hsize_t steps = dims[0], n = dims[1];
  if (n == 0 || n > hsize_t(kMaxNeurons))
    fail(where, " has ", n, " columns (neurons); expected 1 to ", kMaxNeurons);
  if (expected_n >= 0 && n != hsize_t(expected_n))
    fail(where, " has ", n, " columns (neurons), expected ", expected_n);
  if (steps < 2) fail(where, " has ", steps, " time step(s) (rows); at least 2 are needed");

  Raster raster;
  raster.n = int(n);
  raster.steps = std::size_t(steps);
  raster.spikes.resize(values.size());
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (values[k] != 0 && values[k] != 1)
      fail(where, " holds ", values[k], " at row ", k / n, ", column ", k % n, " (spikes must be 0 or 1)");
    raster.spikes[k] = std::uint8_t(values[k]);
  }

  if (input_dataset.empty()) return raster;
  const std::string input_where = file.path() + ": dataset " + input_dataset;
  std::vector<hsize_t> input_dims;
  const std::vector<std::int64_t> input = h5::read_integers(file, input_dataset, 1, &input_dims);
  if (input_dims[0] != steps)
    fail(input_where, " has length ", input_dims[0], " but ", spikes_dataset, " has ", steps, " time steps");
  for (std::size_t t = 0; t < input.size(); ++t)
    if (input[t] < 0 || input[t] >= nx)
      fail(input_where, " holds ", input[t], " at step ", t, " (the input model has nx = ", nx,
           " states: input indices must be in [0, ", nx, "))");
  if (nx > 1) raster.input.assign(input.begin(), input.end());
  return raster;
}

}  // namespace nirl
