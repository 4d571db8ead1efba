#include "nirl/sweep_runner.hpp"

#include "nirl/results_io.hpp"
#include "nirl/task_journal.hpp"
#include "nirl/task_runner.hpp"

namespace nirl {

void run_sweep(const MpiSession& mpi, const Network& net, const SweepConfig& config, const SweepRun& run) {
  std::vector<std::uint64_t> order;
  for (const SweepTask& t : in_schedule_order(sweep_tasks(config))) order.push_back(t.id);
  const std::vector<SweepTask> all = sweep_tasks(config);  // indexed by id
  const SweepTruth truth = solve_truth(net, config);
  const std::map<std::uint64_t, std::vector<double>> results = run_tasks(
      mpi, order, [&](std::uint64_t id) { return run_sweep_task(truth, config, all[std::size_t(id)]); },
      TaskRun{run.checkpoint_dir, run.config_text, "run"});
  on_rank_zero(mpi, [&] {
    h5::OutputFile out(run.out_path);
    write_provenance(out, run.config_text, config.seed, run.command);
    write_sweep(out, truth, config, results);
    out.commit();
    remove_checkpoint(run.checkpoint_dir);
  });
}

}  // namespace nirl
