// The MPI experiment runner, independent of what a task computes (run by the study runner,
// study_runner.hpp):
//  1. rank 0 opens the checkpoint folder (refusing one made by another configuration)
//     and reads the tasks already finished there;
//  2. the shared steps, then the remaining tasks in the given order, are claimed from a
//     shared counter (mpi_tasks.hpp: one at a time on one node, in shrinking chunks across
//     nodes), so the load balances itself;
//  3. each finished task's record is journaled to disk at once (task_journal.hpp);
//  4. rank 0 gets every record by task id, so what it writes does not depend on the
//     number of ranks, as long as each task draws its randomness from its own stream.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nirl/study/mpi_tasks.hpp"

namespace nirl {

// Rank 0 runs `step`; its error (if any) is broadcast so every rank throws it.
void on_rank_zero(const MpiSession& mpi, const std::function<void()>& step);

struct TaskRun {
  std::string checkpoint_dir;
  std::string config_text;  // checkpoint guard
  std::string label;        // progress line and error prefix, e.g. "run"
  // One part of a job array: this run takes the tasks at positions part, part + parts, ...
  // of the order, side by side with the other parts (shared checkpoint lock).
  int part = 0, parts = 1;
  // Shared steps (work the tasks need, e.g. the truths they load): claimed from the same
  // counter before any task, so each runs once, on one rank, and a task that needs one is
  // started only after it was claimed (it may wait for it to finish). Not journaled: a step
  // leaves its result where the tasks find it (the checkpoint folder).
  std::uint64_t shared_steps = 0;
  std::function<void(std::uint64_t)> shared_step;
  std::string shared_label;  // what the progress line counts while they run, e.g. "true optima"
};

// Every rank calls this with the same `order` (task ids); it returns on every rank once every
// task's record is in the checkpoint folder, for rank 0 to read (for_each_checkpoint_record)
// and write its result, then remove_checkpoint. An error inside a task is thrown in a single
// process; with several ranks it stops all of them (MPI_Abort) after one line on stderr.
void run_tasks_to_checkpoint(const MpiSession& mpi, const std::vector<std::uint64_t>& order,
                             const std::function<std::vector<double>(std::uint64_t)>& task, const TaskRun& run);

}  // namespace nirl
