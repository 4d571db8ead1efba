// Reading an observed spike raster (the data of MODEL.md section 3) from HDF5:
// a time x neurons 0/1 matrix and, with input, a length-T sequence of input indices.
// Everything is checked on the way in; each problem is a one-line nirl::Error that
// names the file, the dataset and the offending value.
#pragma once
#include <string>

#include "nirl/io/hdf5_io.hpp"
#include "nirl/sample/raster.hpp"

namespace nirl {

// Reads a spike raster: `spikes` dataset (integer or boolean, rank 2, time x neurons, values 0/1 only)
// and, when input_dataset is non-empty, an input sequence (integer, rank 1, same length T, values in
// [0, nx)). expected_n < 0 means "any n". Errors (nirl::Error, one line naming file + dataset):
// missing or mistyped dataset, wrong rank, a value other than 0/1 (row, column and value named),
// fewer than 2 time steps, n = 0 or n > kMaxNeurons, n != expected_n, input of the wrong length,
// input value out of range. With nx = 1 an input dataset is checked (all zeros) and then dropped,
// since Raster::input is empty when nx = 1 (`nirl simulate` writes none in that case).
Raster read_raster(const h5::InputFile& file, const std::string& spikes_dataset, const std::string& input_dataset,
                   int nx, int expected_n = -1);

}  // namespace nirl
