// The synthetic pipeline of a study (docs/studies.md): for one grid point, the truth is the
// optimal network (optimum search, docs/model.md section 2) and its adapted optima under each
// perturbation (section 4); a task then simulates that truth for `samples` steps (or
// resamples the raster with a moving-block bootstrap, or takes the exact expected counts;
// observed_counts.hpp), infers the reward by maximum
// likelihood (section 3b), aligns it with the true reward (section 7) and predicts every
// perturbation from the inferred reward. Point measures describe the truth and its adapted
// optima (tuning curves, spike-count distributions, raster excerpts). Random streams are keyed by (seed, raster index)
// and (seed, task id), so a task's outcome does not depend on the rank or thread running it.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nirl/core/continuation.hpp"
#include "nirl/core/forward_solver.hpp"
#include "nirl/core/network.hpp"
#include "nirl/inverse/max_likelihood.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/study/observed_counts.hpp"
#include "nirl/study/study_pipeline.hpp"

namespace nirl {

// One grid point with every setting resolved (samples: observed steps per task, copied to
// the observation).
struct SyntheticPoint : PipelinePoint {
  Network net;
  SolverOptions solver;
  PredictionOptions prediction;  // and the optimum search of the truth (prediction.search)
  MaxLikelihoodOptions likelihood;
  Observation observation;       // what a task observes (observed_counts.hpp)
  double threshold = kIdentifiedProbability;  // aligned r2 over states with true p above this
  std::size_t raster_steps = 0;  // length of the raster excerpts (raster, adapted_raster)
};

struct SyntheticTruth : PipelineTruth {
  Network net;
  Solution solution;
  std::vector<Network> adapted_net;  // per perturbation
  std::vector<Solution> adapted;    // per perturbation
  std::vector<double> kl_baseline;  // KL(true adapted || unperturbed), per perturbation
};


class SyntheticPipeline : public StudyPipeline {
 public:
  // perturbations: nirl predict specs (perturbation_spec.hpp), predicted by every task;
  // resolve: the point of a grid point's assignments (throws nirl::Error).
  SyntheticPipeline(std::vector<std::string> perturbations,
                    std::function<SyntheticPoint(const Assignments&)> resolve);

  const std::vector<MeasureInfo>& measures() const override;
  std::vector<std::string> default_measures() const override;
  std::shared_ptr<const PipelinePoint> resolve(const Assignments& settings) const override;
  std::vector<ValueAxis> value_axes(const PipelinePoint& point) const override;
  std::shared_ptr<const PipelineTruth> solve_truth(const PipelinePoint& point, const SolveRunner& runner) const override;
  bool stores_truths() const override { return true; }
  void store_truth(const PipelineTruth& truth, hid_t file) const override;
  std::shared_ptr<const PipelineTruth> load_truth(const PipelinePoint& point, const h5::InputFile& file) const override;
  void run_task(const PipelinePoint& point, const PipelineTruth& truth, const StudyGrid& grid, const StudyTask& task,
                const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const override;
  void point_measures(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask& first,
                      const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const override;


 private:
  std::vector<std::string> perturbations_;
  std::function<SyntheticPoint(const Assignments&)> resolve_;
};

}  // namespace nirl
