// A raster written to its file while it is sampled (nirl simulate), in the layout of
// write_raster (results_io.hpp): /raster/spikes (uint8, T x n), /raster/input (int32, T,
// when there is more than one input state), attributes n and steps, chunks of
// h5::kChunkRows steps compressed by the deflate filter. Blocks of steps are gathered into
// whole chunks, and a writer thread compresses and writes each full chunk (h5::RowWriter)
// while the sampler goes on: the file holds what write_raster writes for the same raster,
// and the memory held is a few chunks instead of the raster.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "nirl/io/hdf5_io.hpp"

namespace nirl {

class RasterWriter {
 public:
  RasterWriter(const h5::OutputFile& out, int n, std::size_t steps, bool has_input);
  ~RasterWriter();
  RasterWriter(const RasterWriter&) = delete;
  RasterWriter& operator=(const RasterWriter&) = delete;

  // The sampler's sink (RasterSink, sampler.hpp): count steps from step first, in order
  // from step 0. Rethrows a failure of the writer thread (a full disk).
  void append(std::size_t first, std::size_t count, const std::uint8_t* rows, const std::int32_t* input);
  // After the last block: writes the rest, waits for the writer thread, sets n and steps.
  void finish();

  // Full chunks waiting for the writer at most: the memory held is about kQueued + 2
  // chunks of n + 4 bytes a step.
  static constexpr std::size_t kQueued = 2;

 private:
  struct Chunk {
    std::vector<std::uint8_t> rows;   // chunk_rows_ x n
    std::vector<std::int32_t> input;  // chunk_rows_ (when there is an input)
    std::size_t first = 0, count = 0;
  };
  void hand_over();  // queues the filling chunk and starts the next one
  void write_loop();
  void stop();

  const h5::OutputFile& out_;
  int n_;
  std::size_t steps_, chunk_rows_, written_ = 0;
  h5::RowWriter spikes_;
  std::unique_ptr<h5::RowWriter> input_;
  Chunk filling_;
  std::mutex mutex_;  // guards queue_, spare_, closing_ and error_
  std::condition_variable changed_;
  std::deque<Chunk> queue_;
  std::vector<Chunk> spare_;
  bool closing_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace nirl
