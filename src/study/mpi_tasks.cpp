#include "nirl/study/mpi_tasks.hpp"

#include <algorithm>
#include <chrono>

#include "nirl/core/error.hpp"

namespace nirl {
namespace {

constexpr int kRequestTag = 1, kReplyTag = 2;
constexpr std::int64_t kChunkDivisor = 16;  // chunk = unclaimed / (kChunkDivisor x ranks)

}  // namespace

MpiSession::MpiSession() {
  int provided = 0, initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) {  // started by the embedding process (the Python module): it finalizes
    MPI_Query_thread(&provided);
  } else {
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS) fail("MPI_Init failed");
    owner_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (provided < MPI_THREAD_MULTIPLE && size_ > 1)
    fail("the MPI library does not provide MPI_THREAD_MULTIPLE, which nirl's task counter needs on several ranks");
}

MpiSession::~MpiSession() {
  if (owner_) MPI_Finalize();
}

TaskCounter::TaskCounter(MPI_Comm comm, std::int64_t tasks) : tasks_(tasks) {
  MPI_Comm_dup(comm, &comm_);  // the counter's messages never meet anyone else's
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  MPI_Comm node;
  MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int node_size = 0;
  MPI_Comm_size(node, &node_size);
  MPI_Comm_free(&node);
  if (node_size == size_) {  // every rank on this node: a shared-memory window
    const MPI_Aint bytes = rank_ == 0 ? MPI_Aint(2 * sizeof(std::int64_t)) : 0;
    MPI_Win_allocate(bytes, sizeof(std::int64_t), MPI_INFO_NULL, comm_, &window_base_, &window_);
    if (rank_ == 0) {
      MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, window_);
      window_base_[0] = window_base_[1] = 0;
      MPI_Win_unlock(0, window_);
    }
    MPI_Barrier(comm_);
  } else if (rank_ == 0) {
    server_ = std::thread([this] { serve(); });
  }
}

void quiet_barrier(MPI_Comm comm) {
  // Polls with a pause that doubles from 20 us to 1 ms: a rank that arrives early sleeps
  // (a blocking barrier spins, taking the core of a rank still working when ranks outnumber
  // cores) and still leaves within about a millisecond of the last arrival.
  MPI_Request request;
  MPI_Ibarrier(comm, &request);
  auto pause = std::chrono::microseconds(20);
  for (;;) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::microseconds(1000));
  }
}

TaskCounter::~TaskCounter() {
  // Every claim has been answered once every rank is here (a claim returns with its reply).
  quiet_barrier(comm_);
  if (server_.joinable()) {
    stop_ = true;
    server_.join();
  }
  if (window_ != MPI_WIN_NULL) MPI_Win_free(&window_);
  MPI_Comm_free(&comm_);
}

std::int64_t TaskCounter::window_add(int slot, std::int64_t value) {
  std::int64_t old = 0;
  MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, window_);
  MPI_Fetch_and_op(&value, &old, MPI_INT64_T, 0, slot, value == 0 ? MPI_NO_OP : MPI_SUM, window_);
  MPI_Win_unlock(0, window_);
  return old;
}

std::pair<std::int64_t, std::int64_t> TaskCounter::take(std::int64_t finished) {
  const std::lock_guard<std::mutex> lock(mutex_);
  finished_ += finished;
  const std::int64_t begin = next_, chunk = std::max<std::int64_t>(1, (tasks_ - next_) / (kChunkDivisor * std::int64_t(size_)));
  next_ = std::min(tasks_, next_ + chunk);
  return {std::min(begin, tasks_), next_};
}

std::int64_t TaskCounter::finished() {
  if (window_ != MPI_WIN_NULL) return window_add(1, 0);
  const std::lock_guard<std::mutex> lock(mutex_);
  return finished_;
}

void TaskCounter::serve() {
  using Clock = std::chrono::steady_clock;
  // Polls with a pause that starts short after each claim and doubles up to 0.2 ms while
  // idle: claims are answered within microseconds under load and cost little while every
  // rank is busy with long tasks (a blocking receive would spin on a core).
  constexpr auto kShortest = std::chrono::microseconds(20), kLongest = std::chrono::microseconds(200);
  std::int64_t finished = 0;
  MPI_Request request;
  MPI_Irecv(&finished, 1, MPI_INT64_T, MPI_ANY_SOURCE, kRequestTag, comm_, &request);
  auto pause = kShortest;
  for (;;) {
    int arrived = 0;
    MPI_Status status;
    MPI_Test(&request, &arrived, &status);
    if (arrived) {
      const auto [begin, end] = take(finished);
      const std::int64_t reply[2] = {begin, end};
      MPI_Send(reply, 2, MPI_INT64_T, status.MPI_SOURCE, kReplyTag, comm_);
      MPI_Irecv(&finished, 1, MPI_INT64_T, MPI_ANY_SOURCE, kRequestTag, comm_, &request);
      pause = kShortest;
      continue;
    }
    if (stop_) break;
    std::this_thread::sleep_until(Clock::now() + pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, kLongest);
  }
  MPI_Cancel(&request);
  MPI_Wait(&request, MPI_STATUS_IGNORE);
}

std::pair<std::int64_t, std::int64_t> TaskCounter::claim(std::int64_t finished) {
  if (window_ != MPI_WIN_NULL) {
    if (finished > 0) window_add(1, finished);
    const std::int64_t position = std::min(window_add(0, 1), tasks_);
    return {position, std::min(position + 1, tasks_)};
  }
  if (rank_ == 0) return take(finished);
  std::int64_t reply[2] = {0, 0};
  MPI_Send(&finished, 1, MPI_INT64_T, 0, kRequestTag, comm_);
  MPI_Recv(reply, 2, MPI_INT64_T, 0, kReplyTag, comm_, MPI_STATUS_IGNORE);
  return {reply[0], reply[1]};
}

}  // namespace nirl
