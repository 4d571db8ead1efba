// The recording pipeline of a study (docs/studies.md; docs/model.md 3a): the point of a grid is a
// recording without input and how to read and analyse it. Its tasks:
//  - bootstrap 0 estimates the closed-form reward of the recording, bootstrap k > 0 of its
//    moving-block resample k (reward_bootstrap.hpp; stream (seed, k - 1), so resample k of
//    every grid point draws the same blocks): the reward at the reference states and R(k),
//    the mean reward by number of active neurons, in the gauge of reward_bootstrap.hpp;
//  - one piece task per (reward family, fold) of the held-out model choice (model_choice.hpp):
//    the held-out log-probability of the fold under the family fitted to the other folds;
// and its summary measures, computed from those stored values: the bootstrap intervals and
// the model choice. The recording has no trials (study.trials = 1).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nirl/inverse/reward_bootstrap.hpp"
#include "nirl/io/recording_io.hpp"
#include "nirl/pairwise/model_choice.hpp"
#include "nirl/study/study_pipeline.hpp"

namespace nirl {

// The most neurons the recording pipeline tabulates (all 2^n patterns).
inline constexpr int kMaxRecordingNeurons = 24;

// One grid point: the recording and the analysis options (the options' resample count is
// unused: the grid's bootstraps are the resamples). samples = the recording's bins.
struct RecordingPoint : PipelinePoint {
  RecordingSource source;
  RewardBootstrapOptions bootstrap;
  ModelChoiceOptions model_choice;  // folds 0: no model choice
  std::shared_ptr<const Recording> recording;  // read by the pipeline's resolve
  BootstrapPlan plan;                          // planned by the pipeline's resolve
};

class RecordingPipeline : public StudyPipeline {
 public:
  // resolve: the source and options of a grid point (read, checked and planned here).
  explicit RecordingPipeline(std::function<RecordingPoint(const Assignments&)> resolve);

  const std::vector<MeasureInfo>& measures() const override;
  std::vector<std::string> default_measures() const override;
  std::shared_ptr<const PipelinePoint> resolve(const Assignments& settings) const override;
  std::vector<ValueAxis> value_axes(const PipelinePoint& point) const override;
  std::shared_ptr<const PipelineTruth> solve_truth(const PipelinePoint& point, const SolveRunner& runner) const override;
  void run_task(const PipelinePoint& point, const PipelineTruth& truth, const StudyGrid& grid, const StudyTask& task,
                const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const override;
  void point_measures(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask& first,
                      const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const override;
  MeasureNeeds needs(const std::string& measure) const override;
  std::vector<std::string> piece_axes() const override { return {"family", "fold"}; }
  void run_piece(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask& task,
                 const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const override;
  void summarise(const PipelinePoint& point, const StudyGrid& grid, const StoredPoint& stored,
                 const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const override;

 private:
  std::function<RecordingPoint(const Assignments&)> resolve_;
};

}  // namespace nirl
