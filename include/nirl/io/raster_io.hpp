// Reading an observed spike raster (the data of docs/model.md section 3) from HDF5:
// a time x neurons 0/1 matrix and, with input, a length-T sequence of input indices.
// Everything is checked on the way in; each problem is a one-line nirl::Error that
// names the file, the dataset and the offending value. A raster is read a chunk of
// h5::kChunkRows steps at a time, so it can be streamed (counted) without being held.
#pragma once
#include <cstddef>
#include <string>

#include "nirl/io/hdf5_io.hpp"
#include "nirl/sample/raster.hpp"

namespace nirl {

// A raster file opened for streaming: `spikes` dataset (integer or boolean, rank 2, time x
// neurons, values 0/1 only) and, when input_dataset is non-empty, an input sequence
// (integer, rank 1, same length T, values in [0, nx)). expected_n < 0 means "any n".
// The constructor checks the shapes: a missing or mistyped dataset, wrong rank, fewer than
// 2 time steps, n = 0 or n > kMaxNeurons, n != expected_n, input of the wrong length.
// for_each_block checks the values: one other than 0/1 (row, column and value named), an
// input value out of range. With nx = 1 an input dataset is checked (all zeros) and then
// dropped: the blocks carry no input (`nirl simulate` writes none in that case).
class RasterReader {
 public:
  RasterReader(const h5::InputFile& file, std::string spikes_dataset, std::string input_dataset, int nx,
               int expected_n = -1);
  int n() const { return n_; }
  std::size_t steps() const { return steps_; }
  // sink(first, count, rows, input) for consecutive blocks of h5::kChunkRows steps (the last
  // one shorter), in order, on the calling thread; input is null when nx = 1. The next block
  // is read on another thread meanwhile. The file must outlive the reader.
  void for_each_block(const RasterSink& sink) const;

 private:
  const h5::InputFile& file_;
  std::string spikes_, input_;
  int nx_ = 1, n_ = 0;
  std::size_t steps_ = 0;
};

// The whole raster in memory (RasterReader's checks and errors).
Raster read_raster(const h5::InputFile& file, const std::string& spikes_dataset, const std::string& input_dataset,
                   int nx, int expected_n = -1);

}  // namespace nirl
