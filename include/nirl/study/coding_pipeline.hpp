// The efficient-coding pipeline of a study (docs/studies.md; docs/model.md sections 6-7, Fig 4):
// the truth of a grid point is the efficient-coding network of its binary pixel input and
// feature y(x) (the reward log p(y | sigma) iterated to its fixed point), with its tuning,
// readout, information and cell types as point measures. A task observes it
// (observed_counts.hpp: a simulated raster, a bootstrap resample or exact statistics),
// infers the reward by maximum likelihood (docs/model.md 3b), aligns it with log p(y | sigma)
// and recovers the encoded feature from it (feature_recovery.hpp). With perturbations
// (study.perturbations, coding_change.hpp) a task predicts the network in each changed
// context from the inferred objective: the efficient code of the recovered feature
// [more than t pixels on] under the changed context; the truth adapts with the true
// feature (Fig 4H).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nirl/coding/efficient_coding.hpp"
#include "nirl/inverse/max_likelihood.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/study/observed_counts.hpp"
#include "nirl/study/study_pipeline.hpp"

namespace nirl {

// One grid point with every setting resolved (samples: observed steps per task, copied to
// the observation).
struct CodingPoint : PipelinePoint {
  Network net;                  // n, pixel input, lambda, dead cells; the reward is replaced
  std::vector<int> feature;     // y(x): 1 for y = +1, per input
  EfficientCodingOptions coding;
  MaxLikelihoodOptions likelihood;
  Observation observation;
  double threshold = kIdentifiedProbability;  // aligned r2 over states with true p above this
  double group_tolerance = 0.02;  // cell types: tuning curves closer than this everywhere
  bool predict = true;  // false: no adaptation or prediction here (their measures are NaN)
};

class CodingPipeline : public StudyPipeline {
 public:
  // perturbations: coding change specs (perturbation_spec.hpp), predicted by every task.
  CodingPipeline(std::vector<std::string> perturbations, std::function<CodingPoint(const Assignments&)> resolve);

  const std::vector<MeasureInfo>& measures() const override;
  std::vector<std::string> default_measures() const override;
  std::shared_ptr<const PipelinePoint> resolve(const Assignments& settings) const override;
  std::vector<ValueAxis> value_axes(const PipelinePoint& point) const override;
  std::shared_ptr<const PipelineTruth> solve_truth(const PipelinePoint& point, const SolveRunner& runner) const override;
  void run_task(const PipelinePoint& point, const PipelineTruth& truth, const StudyGrid& grid, const StudyTask& task,
                const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const override;
  void point_measures(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask& first,
                      const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const override;

 private:
  std::vector<std::string> perturbations_;
  std::function<CodingPoint(const Assignments&)> resolve_;
};

}  // namespace nirl
