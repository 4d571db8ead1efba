// MPI for `nirl run`: the session (init/finalize), and a shared task counter for dynamic
// load balancing. The counter lives on rank 0, so every rank (rank 0 included) takes the
// next unclaimed task the moment it is free and a rank busy with a long task never holds
// the others up. When every rank is on one node it is a one-sided window in shared memory
// (MPI_Fetch_and_op, no message at all); across nodes it is served by a thread of rank 0
// over point-to-point messages on a communicator of its own, in guided chunks, because
// one-sided windows between nodes fail over TCP (OpenMPI 4's osc/rdma) or wait for the
// target to enter MPI (osc/pt2pt).
#pragma once
#include <mpi.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>

namespace nirl {

class MpiSession {
 public:
  // MPI_THREAD_MULTIPLE: the counter's thread calls MPI beside the main thread. When MPI is
  // already initialised (a process that embeds nirl), the session uses it and leaves
  // MPI_Finalize to that process.
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
  bool owner_ = false;
};

// MPI_Barrier on comm for ranks that may wait long: the early ones sleep instead of spinning.
void quiet_barrier(MPI_Comm comm);

class TaskCounter {
 public:
  TaskCounter(MPI_Comm comm, std::int64_t tasks);  // collective; tasks: positions 0 .. tasks-1
  ~TaskCounter();                                  // collective: returns once every rank is done
  TaskCounter(const TaskCounter&) = delete;
  TaskCounter& operator=(const TaskCounter&) = delete;
  // The next chunk [begin, end) of positions for this rank (begin == end: none left), and
  // reports the `finished` tasks this rank completed since its last call. On one node a chunk
  // is one task; across nodes chunks are guided:
  // (unclaimed positions) / (16 x ranks), at least 1, so a study of a million tasks needs
  // about 16 x ranks x ln(tasks / (16 x ranks)) claims, a chunk holds a small share of the
  // work even when the order puts the longest tasks first, and the last tasks spread one by one.
  std::pair<std::int64_t, std::int64_t> claim(std::int64_t finished);
  std::int64_t finished();  // rank 0: tasks reported finished by every rank so far

 private:
  std::pair<std::int64_t, std::int64_t> take(std::int64_t finished);  // rank 0's side of claim
  void serve();  // rank 0's thread: answers the other ranks' claims until stopped
  std::int64_t window_add(int slot, std::int64_t value);  // one node: fetch-and-add on rank 0
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1;
  std::int64_t tasks_ = 0;
  MPI_Win window_ = MPI_WIN_NULL;  // one node: [next position, tasks finished] on rank 0
  std::int64_t* window_base_ = nullptr;
  std::mutex mutex_;  // rank 0, across nodes: guards next_ and finished_
  std::int64_t next_ = 0, finished_ = 0;
  std::atomic<bool> stop_{false};
  std::thread server_;
};

}  // namespace nirl
