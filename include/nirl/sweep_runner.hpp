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

#include "nirl/mpi_tasks.hpp"
#include "nirl/sweep.hpp"

namespace nirl {

struct SweepRun {
  std::string out_path, checkpoint_dir;
  std::string config_text;  // resolved configuration: provenance and checkpoint guard
  std::string command;
};

// Returns on every rank; throws nirl::Error (the same on all ranks) for user errors.
void run_sweep(const MpiSession& mpi, const Network& net, const SweepConfig& config, const SweepRun& run);

// The same machinery for any experiment made of independent tasks: `schedule` lists every
// task id in the order to hand them out; prepare() runs on every rank once the checkpoint
// is open (e.g. solving the truth the tasks share); run_task(id) returns a task's record;
// write() assembles the records (task id -> record) into the result file on rank 0.
struct TaskExperiment {
  std::vector<std::uint64_t> schedule;
  std::uint64_t seed = 0;
  std::function<void()> prepare;
  std::function<std::vector<double>(std::uint64_t)> run_task;
  std::function<void(const h5::OutputFile&, const std::map<std::uint64_t, std::vector<double>>&)> write;
};
void run_experiment(const MpiSession& mpi, const TaskExperiment& experiment, const SweepRun& run);

}  // namespace nirl
