#include "nirl/io/raster_io.hpp"

#include <algorithm>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "nirl/core/error.hpp"
#include "nirl/core/state_space.hpp"

namespace nirl {
namespace {

struct RowBlock {
  std::vector<std::uint8_t> rows;
  std::vector<std::int32_t> input;
};

// Reads blocks 0, 1, ... of a file on a thread of its own, keeping up to kAhead of them
// ready (HDF5 inflates a chunk while the caller works on the one before). read(k)'s
// exception reaches the caller at next() of block k; destruction stops the reader.
class ReadAhead {
 public:
  ReadAhead(std::size_t blocks, std::function<RowBlock(std::size_t)> read)
      : thread_([this, blocks, read = std::move(read)] {
          try {
            for (std::size_t k = 0; k < blocks; ++k) {
              RowBlock b = read(k);
              std::unique_lock<std::mutex> lock(mutex_);
              changed_.wait(lock, [&] { return stop_ || ready_.size() < kAhead; });
              if (stop_) return;
              ready_.push_back(std::move(b));
              changed_.notify_all();
            }
          } catch (...) {
            const std::lock_guard<std::mutex> lock(mutex_);
            error_ = std::current_exception();
            changed_.notify_all();
          }
        }) {}
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;
  ~ReadAhead() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  RowBlock next() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return error_ || !ready_.empty(); });
    if (ready_.empty()) std::rethrow_exception(error_);
    RowBlock b = std::move(ready_.front());
    ready_.pop_front();
    changed_.notify_all();
    return b;
  }

 private:
  static constexpr std::size_t kAhead = 2;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<RowBlock> ready_;
  std::exception_ptr error_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace

RasterReader::RasterReader(const h5::InputFile& file, std::string spikes_dataset, std::string input_dataset, int nx,
                           int expected_n)
    : file_(file), spikes_(std::move(spikes_dataset)), input_(std::move(input_dataset)), nx_(nx) {
  if (nx < 1) fail("reading ", file.path(), ": the number of input states must be >= 1 (got ", nx, ")");
  const std::string where = file.path() + ": dataset " + spikes_;
  std::vector<hsize_t> dims;
  h5::read_binary_rows(file, spikes_, 0, 0, dims);  // the checks of the dataset and its shape
  const hsize_t steps = dims[0], n = dims[1];
  if (n == 0 || n > hsize_t(kMaxNeurons))
    fail(where, " has ", n, " columns (neurons); expected 1 to ", kMaxNeurons);
  if (expected_n >= 0 && n != hsize_t(expected_n))
    fail(where, " has ", n, " columns (neurons), expected ", expected_n);
  if (steps < 2) fail(where, " has ", steps, " time step(s) (rows); at least 2 are needed");
  n_ = int(n);
  steps_ = std::size_t(steps);
  if (input_.empty()) return;
  std::vector<hsize_t> input_dims;
  h5::read_int32_rows(file, input_, 1, 0, 0, input_dims);
  if (input_dims[0] != steps)
    fail(file.path(), ": dataset ", input_, " has length ", input_dims[0], " but ", spikes_, " has ", steps,
         " time steps");
}

void RasterReader::for_each_block(const RasterSink& sink) const {
  const std::size_t N = std::size_t(n_);
  const std::size_t blocks = (steps_ + h5::kChunkRows - 1) / h5::kChunkRows;
  ReadAhead ahead(blocks, [this, N](std::size_t k) {
    RowBlock b;
    std::vector<hsize_t> dims;
    b.rows = h5::read_binary_rows(file_, spikes_, k * h5::kChunkRows, h5::kChunkRows, dims);
    if (!input_.empty()) b.input = h5::read_int32_rows(file_, input_, 1, k * h5::kChunkRows, b.rows.size() / N, dims);
    return b;
  });
  std::vector<hsize_t> dims;
  for (std::size_t k = 0; k < blocks; ++k) {
    const RowBlock b = ahead.next();
    const std::size_t first = k * h5::kChunkRows, count = b.rows.size() / N;
    // Anything but 0 or 1 reads as another byte; the message re-reads the offending row for
    // the value as stored.
    bool clean = true;
    for (std::uint8_t v : b.rows) clean &= v <= 1;
    if (!clean) {
      const auto bad = std::find_if(b.rows.begin(), b.rows.end(), [](std::uint8_t v) { return v > 1; });
      const std::size_t row = first + std::size_t(bad - b.rows.begin()) / N,
                        column = std::size_t(bad - b.rows.begin()) % N;
      const std::vector<std::int64_t> stored = h5::read_integer_rows(file_, spikes_, row, 1, dims);
      fail(file_.path(), ": dataset ", spikes_, " holds ", stored[column], " at row ", row, ", column ", column,
           " (spikes must be 0 or 1)");
    }
    for (std::size_t t = 0; t < b.input.size(); ++t)
      if (b.input[t] < 0 || b.input[t] >= nx_) {
        const std::vector<std::int64_t> stored = h5::read_integer_rows(file_, input_, first + t, 1, dims, 1);
        fail(file_.path(), ": dataset ", input_, " holds ", stored[0], " at step ", first + t,
             " (the input model has nx = ", nx_, " states: input indices must be in [0, ", nx_, "))");
      }
    sink(first, count, b.rows.data(), nx_ > 1 && !b.input.empty() ? b.input.data() : nullptr);
  }
}

Raster read_raster(const h5::InputFile& file, const std::string& spikes_dataset, const std::string& input_dataset,
                   int nx, int expected_n) {
  const RasterReader reader(file, spikes_dataset, input_dataset, nx, expected_n);
  Raster raster;
  raster.n = reader.n();
  raster.steps = reader.steps();
  raster.spikes.reserve(raster.steps * std::size_t(raster.n));
  if (nx > 1 && !input_dataset.empty()) raster.input.reserve(raster.steps);
  reader.for_each_block([&](std::size_t, std::size_t count, const std::uint8_t* rows, const std::int32_t* input) {
    raster.spikes.insert(raster.spikes.end(), rows, rows + count * std::size_t(raster.n));
    if (input) raster.input.insert(raster.input.end(), input, input + count);
  });
  return raster;
}

}  // namespace nirl
