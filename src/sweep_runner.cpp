#include "nirl/sweep_runner.hpp"

#include <cstdio>
#include <exception>
#include <set>

#include "nirl/error.hpp"
#include "nirl/progress.hpp"
#include "nirl/results_io.hpp"
#include "nirl/task_journal.hpp"

namespace nirl {
namespace {

// Rank 0 runs `step`; its error (if any) is broadcast so every rank throws it.
template <typename Step>
void on_rank_zero(const MpiSession& mpi, Step step) {
  std::string message;
  if (mpi.rank() == 0) {
    try {
      step();
    } catch (const std::exception& e) {
      message = e.what();
      if (message.empty()) message = "unknown error";
    }
  }
  int length = int(message.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD);
  message.resize(std::size_t(length));
  MPI_Bcast(message.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD);
  if (length > 0) throw Error(message);
}

// An error in the middle of the task loop cannot be agreed on: report it and stop all ranks.
[[noreturn]] void abort_run(const MpiSession& mpi, const std::string& what) {
  std::fprintf(stderr, "nirl run: error: rank %d: %s\n", mpi.rank(), what.c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::abort();
}

}  // namespace

void run_sweep(const MpiSession& mpi, const Network& net, const SweepConfig& config, const SweepRun& run) {
  TaskExperiment e;
  for (const SweepTask& t : in_schedule_order(sweep_tasks(config))) e.schedule.push_back(t.id);
  e.seed = config.seed;
  const std::vector<SweepTask> all = sweep_tasks(config);
  SweepTruth truth;
  e.prepare = [&] { truth = solve_truth(net, config); };
  e.run_task = [&](std::uint64_t id) { return run_sweep_task(truth, config, all[std::size_t(id)]); };
  e.write = [&](const h5::OutputFile& out, const std::map<std::uint64_t, std::vector<double>>& results) {
    write_sweep(out, truth, config, results);
  };
  run_experiment(mpi, e, run);
}

void run_experiment(const MpiSession& mpi, const TaskExperiment& experiment, const SweepRun& run) {
  const std::size_t total = experiment.schedule.size();
  std::vector<std::uint64_t> done;
  on_rank_zero(mpi, [&] {
    open_checkpoint(run.checkpoint_dir, run.config_text);
    for (const auto& [id, record] : read_checkpoint(run.checkpoint_dir))
      if (id < total) done.push_back(id);
  });
  long long done_count = (long long)done.size();
  MPI_Bcast(&done_count, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  done.resize(std::size_t(done_count));
  MPI_Bcast(done.data(), int(done_count), MPI_UINT64_T, 0, MPI_COMM_WORLD);
  const std::set<std::uint64_t> finished_before(done.begin(), done.end());
  std::vector<std::uint64_t> remaining;
  for (std::uint64_t id : experiment.schedule)
    if (!finished_before.count(id)) remaining.push_back(id);
  if (mpi.rank() == 0 && !finished_before.empty())
    std::printf("resuming from %s: %zu of %zu tasks already done\n", run.checkpoint_dir.c_str(),
                finished_before.size(), total);

  if (experiment.prepare) experiment.prepare();
  {
    TaskCounter counter(MPI_COMM_WORLD);
    Progress progress("run");
    try {
      TaskJournal journal(run.checkpoint_dir, mpi.rank());
      for (;;) {
        const std::int64_t k = counter.next();
        if (k >= std::int64_t(remaining.size())) break;
        const std::uint64_t id = remaining[std::size_t(k)];
        journal.append(id, experiment.run_task(id));
        const std::int64_t finished = counter.mark_finished();
        if (mpi.rank() == 0) {  // tasks done by all ranks; Progress adds the ETA
          char detail[96];
          std::snprintf(detail, sizeof detail, "%lld / %zu tasks", (long long)(finished + done_count), total);
          progress.update(double(finished) / double(remaining.size()), detail);
        }
      }
    } catch (const std::exception& e) {
      abort_run(mpi, e.what());
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }

  on_rank_zero(mpi, [&] {
    const std::map<std::uint64_t, std::vector<double>> results = read_checkpoint(run.checkpoint_dir);
    h5::OutputFile out(run.out_path);
    write_provenance(out, run.config_text, experiment.seed, run.command);
    experiment.write(out, results);
    out.commit();
    remove_checkpoint(run.checkpoint_dir);
  });
}

}  // namespace nirl
