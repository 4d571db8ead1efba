// Writing a raster while it is sampled (raster_writer.hpp).
#include "nirl/io/raster_writer.hpp"

#include <algorithm>
#include <cstring>

#include "nirl/core/error.hpp"
#include "nirl/io/results_io.hpp"

namespace nirl {

RasterWriter::RasterWriter(const h5::OutputFile& out, int n, std::size_t steps, bool has_input)
    : out_(out),
      n_(n),
      steps_(steps),
      chunk_rows_(std::min<std::size_t>(steps, h5::kChunkRows)),
      spikes_(out.id(), "/raster/spikes", H5T_STD_U8LE, {hsize_t(steps), hsize_t(n)}, raster_spikes_description()) {
  if (has_input) input_ = std::make_unique<h5::RowWriter>(out.id(), "/raster/input", H5T_STD_I32LE,
                                                           std::vector<hsize_t>{hsize_t(steps)}, raster_input_description());
  filling_.rows.resize(chunk_rows_ * std::size_t(n));
  if (has_input) filling_.input.resize(chunk_rows_);
  spare_.reserve(kQueued + 2);  // every chunk there is: returning one never allocates
  thread_ = std::thread([this] { write_loop(); });
}

// Unfinished (the run failed): queued chunks are dropped, the file is discarded anyway.
RasterWriter::~RasterWriter() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    queue_.clear();
  }
  stop();
}

void RasterWriter::stop() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RasterWriter::write_loop() {
  for (;;) {
    Chunk chunk;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;
      chunk = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();  // room in the queue
    try {
      spikes_.write(chunk.first, chunk.count, chunk.rows.data());
      if (input_) input_->write(chunk.first, chunk.count, chunk.input.data());
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
      queue_.clear();
    }
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      spare_.push_back(std::move(chunk));
    }
    changed_.notify_all();
  }
}

void RasterWriter::hand_over() {
  Chunk next;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return queue_.size() < kQueued || error_; });
    if (error_) std::rethrow_exception(error_);
    queue_.push_back(std::move(filling_));
    if (!spare_.empty()) {
      next = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  changed_.notify_all();
  next.rows.resize(chunk_rows_ * std::size_t(n_));
  if (input_) next.input.resize(chunk_rows_);
  next.first = written_;
  next.count = 0;
  filling_ = std::move(next);
}

void RasterWriter::append(std::size_t first, std::size_t count, const std::uint8_t* rows, const std::int32_t* input) {
  if (first != written_ || count > steps_ - written_ || (input_ && input == nullptr))
    fail("raster writer: steps ", first, " .. ", first + count, " do not follow the ", written_, " of ", steps_,
         " written");
  while (count > 0) {
    const std::size_t take = std::min(count, chunk_rows_ - filling_.count);
    std::memcpy(filling_.rows.data() + filling_.count * std::size_t(n_), rows, take * std::size_t(n_));
    if (input_) std::memcpy(filling_.input.data() + filling_.count, input, take * sizeof(std::int32_t));
    filling_.count += take;
    written_ += take;
    rows += take * std::size_t(n_);
    if (input_) input += take;
    count -= take;
    if (filling_.count == chunk_rows_ && written_ < steps_) hand_over();
  }
}

void RasterWriter::finish() {
  if (written_ != steps_) fail("raster writer: ", written_, " of ", steps_, " steps written");
  hand_over();
  stop();
  if (error_) std::rethrow_exception(error_);
  spikes_.close();
  if (input_) input_->close();
  describe_raster(out_, "", n_);
  h5::set_attribute(out_.id(), "/raster", "n", static_cast<long long>(n_));
  h5::set_attribute(out_.id(), "/raster", "steps", static_cast<long long>(steps_));
}

}  // namespace nirl
