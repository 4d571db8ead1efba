// MPI for `nirl run`: the session (init/finalize), and a shared task counter for
// dynamic load balancing. The counter lives on rank 0 and is advanced with one-sided
// MPI_Fetch_and_op under a passive-target lock, so every rank (rank 0 included) takes
// the next unclaimed task the moment it is free, and a rank busy with a long task
// never holds the others up.
#pragma once
#include <mpi.h>

#include <cstdint>

namespace nirl {

class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

class TaskCounter {
 public:
  explicit TaskCounter(MPI_Comm comm);  // collective
  ~TaskCounter();                       // collective
  TaskCounter(const TaskCounter&) = delete;
  TaskCounter& operator=(const TaskCounter&) = delete;
  std::int64_t next();             // claims the next index (0, 1, 2, ... across all ranks)
  std::int64_t mark_finished();    // counts one finished task; returns the total so far

 private:
  std::int64_t fetch_add(int slot, std::int64_t value);
  MPI_Win win_;
  std::int64_t* base_ = nullptr;
};

}  // namespace nirl
