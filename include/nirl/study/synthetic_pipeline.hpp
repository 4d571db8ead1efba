// The synthetic pipeline of a study (docs/studies.md): for one grid point, the truth is the
// optimal network (optimum search, MODEL.md section 2) and its adapted optima under each
// perturbation (section 4); a task then simulates that truth for `samples` steps (or
// resamples the raster with a moving-block bootstrap), infers the reward by maximum
// likelihood (section 3b), aligns it with the true reward (section 7) and predicts every
// perturbation from the inferred reward. Random streams are keyed by (seed, raster index)
// and (seed, task id), so a task's outcome does not depend on the rank or thread running it.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "nirl/core/continuation.hpp"
#include "nirl/core/forward_solver.hpp"
#include "nirl/inverse/max_likelihood.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/core/network.hpp"
#include "nirl/study/study_grid.hpp"

namespace nirl {

// One grid point with every setting resolved.
struct StudyPoint {
  Network net;
  SolverOptions solver;
  PredictionOptions prediction;  // and the optimum search of the truth (prediction.search)
  MaxLikelihoodOptions likelihood;
  std::size_t samples = 0;         // observed steps per raster
  std::size_t block_length = 100;  // moving-block bootstrap block, in steps
  double threshold = kIdentifiedProbability;  // aligned r2 over states with true p above this
  std::uint64_t seed = 0;
};

// What every task of a point shares.
struct StudyTruth {
  Network net;
  Solution solution;
  std::vector<Solution> adapted;    // per perturbation
  std::vector<double> kl_baseline;  // KL(true adapted || unperturbed), per perturbation
};
StudyTruth solve_truth(const StudyPoint& point, const std::vector<std::string>& perturbations);

struct TaskOutcome {
  AlignedFit fit, fit_weighted;       // aligned r2, unweighted and weighted by the true p;
                                      // NaN where undefined (a frozen truth: < 2 states used)
  InverseResult inverse;
  std::vector<double> kl_predicted;   // KL(true adapted || predicted), per perturbation
  std::vector<double> aligned_reward; // a r_hat + b(x), comparable with the true reward [S]
};
TaskOutcome run_synthetic_task(const StudyTruth& truth, const StudyPoint& point,
                               const std::vector<std::string>& perturbations, const StudyGrid& grid,
                               const StudyTask& task);

}  // namespace nirl
