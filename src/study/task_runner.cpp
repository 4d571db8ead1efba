#include "nirl/study/task_runner.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "nirl/core/error.hpp"
#include "nirl/study/progress.hpp"
#include "nirl/study/task_journal.hpp"

namespace nirl {
namespace {

// An error in the middle of the task loop cannot be agreed on between several ranks: it is
// reported here and all ranks are stopped.
[[noreturn]] void abort_run(const MpiSession& mpi, const std::string& label, const std::string& what) {
  std::fprintf(stderr, "nirl %s: error: rank %d: %s\n", label.c_str(), mpi.rank(), one_line(what).c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::abort();
}

}  // namespace

void on_rank_zero(const MpiSession& mpi, const std::function<void()>& step) {
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

void run_tasks_to_checkpoint(const MpiSession& mpi, const std::vector<std::uint64_t>& order,
                             const std::function<std::vector<double>(std::uint64_t)>& task, const TaskRun& run) {
  // Sorted id lists (8 bytes a task), not sets: a study may have millions of tasks.
  std::vector<std::uint64_t> wanted = order;
  std::sort(wanted.begin(), wanted.end());
  const auto is_wanted = [&](std::uint64_t id) { return std::binary_search(wanted.begin(), wanted.end(), id); };
  std::vector<std::uint64_t> done;
  on_rank_zero(mpi, [&] {
    open_checkpoint(run.checkpoint_dir, run.config_text, run.parts > 1);
    for_each_checkpoint_record(run.checkpoint_dir, [&](std::uint64_t id, const std::vector<double>&) {
      if (is_wanted(id)) done.push_back(id);
    });
    std::sort(done.begin(), done.end());
    done.erase(std::unique(done.begin(), done.end()), done.end());
  });
  long long done_count = (long long)done.size();
  MPI_Bcast(&done_count, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  done.resize(std::size_t(done_count));
  MPI_Bcast(done.data(), int(done_count), MPI_UINT64_T, 0, MPI_COMM_WORLD);
  std::vector<std::uint64_t> remaining;
  std::size_t own = 0;  // tasks of this part
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k % std::size_t(run.parts) != std::size_t(run.part)) continue;
    ++own;
    if (!std::binary_search(done.begin(), done.end(), order[k])) remaining.push_back(order[k]);
  }
  const std::size_t own_done = own - remaining.size();
  if (mpi.rank() == 0 && own_done > 0)
    std::fprintf(stderr, "nirl %s: resuming from %s: %zu of %zu tasks already done\n", run.label.c_str(),
                 run.checkpoint_dir.c_str(), own_done, own);

  // Positions 0 .. shared - 1 of the counter are the shared steps, then the tasks: every
  // shared step is claimed before any task.
  const std::int64_t shared = std::int64_t(run.shared_steps), positions = shared + std::int64_t(remaining.size());
  {
    TaskCounter counter(MPI_COMM_WORLD, positions);
    Progress progress(run.label);
    try {
      TaskJournal journal(run.checkpoint_dir, mpi.rank());
      std::int64_t unreported = 0;  // finished here since the last claim
      for (;;) {
        const auto [begin, end] = counter.claim(unreported);
        unreported = 0;
        if (begin >= end) break;
        for (std::int64_t k = begin; k < end; ++k) {
          if (k < shared) {
            run.shared_step(std::uint64_t(k));
          } else {
            const std::uint64_t id = remaining[std::size_t(k - shared)];
            journal.append(id, task(id));
          }
          ++unreported;
          if (mpi.rank() == 0) {  // steps done by all ranks, as reported so far; Progress adds the ETA
            const std::int64_t finished = counter.finished() + unreported;
            char detail[128];
            if (finished < shared)
              std::snprintf(detail, sizeof detail, "%lld / %lld %s", (long long)finished, (long long)shared,
                            run.shared_label.c_str());
            else
              std::snprintf(detail, sizeof detail, "%lld / %zu tasks", (long long)(finished - shared + std::int64_t(own_done)), own);
            progress.update(double(finished) / double(positions), detail);
          }
        }
      }
    } catch (const std::exception& e) {
      if (mpi.size() == 1) throw;  // reported as any other error of a single process
      abort_run(mpi, run.label, e.what());
    }
    quiet_barrier(MPI_COMM_WORLD);
  }
}

}  // namespace nirl
