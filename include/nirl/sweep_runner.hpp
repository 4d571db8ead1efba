// Runs a sweep (sweep.hpp) across MPI ranks with checkpoint/resume:
//  1. rank 0 opens the checkpoint folder (refusing one made by another configuration)
//     and reads the tasks already finished there;
//  2. the remaining tasks, largest sample sizes first, are claimed one at a time from a
//     shared counter (mpi_tasks.hpp), so the load balances itself;
//  3. each finished task is journaled to disk at once (task_journal.hpp);
//  4. rank 0 assembles every task from the journals into one HDF5 file in task order
//     (so the file does not depend on the number of ranks or threads), writes it
//     atomically and removes the checkpoint.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nirl/hdf5_io.hpp"
#include "nirl/mpi_tasks.hpp"
#include "nirl/sweep.hpp"

namespace nirl {

struct SweepRun {
  std::string out_path, checkpoint_dir;
  std::string config_text;  // resolved configuration: provenance and checkpoint guard
  std::string command;
};

// Any experiment made of independent tasks with flat records (the sweep below, Fig 4's
// lambda sweep): the same checkpointed, dynamically scheduled loop.
struct TaskExperiment {
  std::uint64_t tasks = 0;              // ids 0 .. tasks - 1
  std::vector<std::uint64_t> schedule;  // hand-out order (empty: id order)
  std::function<void()> prepare;        // every rank, once the checkpoint is open (e.g. solve the truth)
  std::function<std::vector<double>(std::uint64_t)> run;  // one task's record
  // Rank 0: the result file from all records (task id -> record).
  std::function<void(const h5::OutputFile&, const std::map<std::uint64_t, std::vector<double>>&)> write;
};
// Returns on every rank; throws nirl::Error (the same on all ranks) for user errors.
void run_tasks(const MpiSession& mpi, const TaskExperiment& experiment, const SweepRun& run);

void run_sweep(const MpiSession& mpi, const Network& net, const SweepConfig& config, const SweepRun& run);

}  // namespace nirl
