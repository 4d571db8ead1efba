#include "nirl/mpi_tasks.hpp"

#include "nirl/error.hpp"

namespace nirl {

MpiSession::MpiSession() {
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) fail("MPI_Init failed");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

TaskCounter::TaskCounter(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  // Slot 0: next task to claim; slot 1: tasks finished.
  const MPI_Aint bytes = rank == 0 ? MPI_Aint(2 * sizeof(std::int64_t)) : 0;
  MPI_Win_allocate(bytes, sizeof(std::int64_t), MPI_INFO_NULL, comm, &base_, &win_);
  if (rank == 0) {
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win_);
    base_[0] = 0;
    base_[1] = 0;
    MPI_Win_unlock(0, win_);
  }
  MPI_Barrier(comm);
}

TaskCounter::~TaskCounter() { MPI_Win_free(&win_); }

std::int64_t TaskCounter::fetch_add(int slot, std::int64_t value) {
  std::int64_t old = 0;
  MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win_);
  MPI_Fetch_and_op(&value, &old, MPI_INT64_T, 0, slot, MPI_SUM, win_);
  MPI_Win_unlock(0, win_);
  return old;
}

std::int64_t TaskCounter::next() { return fetch_add(0, 1); }

std::int64_t TaskCounter::mark_finished() { return fetch_add(1, 1) + 1; }

}  // namespace nirl
