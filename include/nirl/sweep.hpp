// A data-limited inference study (Fig 3): trials x sample sizes x bootstrap resamples.
// Each task simulates the true network for `sample size` steps (or resamples that
// raster with a moving-block bootstrap), infers the reward by maximum likelihood
// (MODEL.md 3b), measures the aligned r2 against the truth (section 7) and predicts
// every perturbation (section 4), scored by KL(true adapted || predicted).
// Random streams: the raster of (size, trial) and the resample of each task are keyed
// by (seed, stream id), so results do not depend on which rank or thread ran a task.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nirl/continuation.hpp"
#include "nirl/forward_solver.hpp"
#include "nirl/hdf5_io.hpp"
#include "nirl/max_likelihood.hpp"
#include "nirl/network.hpp"

namespace nirl {

struct SweepConfig {
  std::vector<std::size_t> sample_sizes;
  int trials = 20;
  int bootstraps = 0;              // resamples per (size, trial), besides the original raster
  std::size_t block_length = 100;  // moving-block bootstrap block, in steps
  std::vector<std::string> perturbations;  // nirl predict specs
  std::uint64_t seed = 1;
  double threshold = 1e-6;         // r2 over states with true p above this
  SolverOptions solver;
  PredictionOptions prediction;  // and the optimum search of the truth (prediction.search)
  MaxLikelihoodOptions likelihood;
};

struct SweepTask {
  std::uint64_t id;
  int size_index, trial, bootstrap;  // bootstrap 0 = the raster itself
};

// All tasks, id = (size_index * trials + trial) * (bootstraps + 1) + bootstrap.
std::vector<SweepTask> sweep_tasks(const SweepConfig& config);
// Largest sample sizes first, so the long tasks do not end up last.
std::vector<SweepTask> in_schedule_order(std::vector<SweepTask> tasks);

// What every task shares: the true optimum and the true adapted responses.
struct SweepTruth {
  Network net;
  Solution solution;
  std::vector<Network> adapted_nets;
  std::vector<Solution> adapted;
  std::vector<double> kl_baseline;  // KL(true adapted || unperturbed), per perturbation
};
SweepTruth solve_truth(const Network& net, const SweepConfig& config);

// One task's result as a flat record:
// [r2, r2_weighted, scale, converged, log_likelihood, kl_0 .. kl_{P-1}, aligned reward (S)].
std::vector<double> run_sweep_task(const SweepTruth& truth, const SweepConfig& config, const SweepTask& task);

// /sweep datasets indexed by (size, trial, bootstrap); see README.md.
void write_sweep(const h5::OutputFile& out, const SweepTruth& truth, const SweepConfig& config,
                 const std::map<std::uint64_t, std::vector<double>>& results);

}  // namespace nirl
