// The maze pipeline of a study (docs/studies.md; docs/model.md sections 1, 4, 7; Fig 1F): the
// truth of a grid point is the optimal agent of its maze (the entropy-regularised MDP of
// gridworld.hpp) and its optimum after each perturbation (a new coding cost, walls moved:
// MazeChange), re-solved from the original operating point q. A task observes the agent, a
// trajectory of `samples` steps from the start (stream (seed, kRasterStreams | raster
// index)) or the exact expected counts p(s) pi(a|s) x samples, infers the reward by maximum
// likelihood (infer_mdp_reward), aligns it with the true reward over the identified cells
// (true p above the threshold) and predicts every perturbation from it: cells a change
// opens, never observed, get the median inferred reward of the identified cells.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nirl/core/forward_solver.hpp"
#include "nirl/maze/gridworld.hpp"
#include "nirl/maze/mdp.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/study/observed_counts.hpp"
#include "nirl/study/study_pipeline.hpp"

namespace nirl {

// One grid point with every setting resolved (samples: observed steps per task, copied to
// the observation).
struct MazePoint : PipelinePoint {
  Gridworld world;
  double lambda = 0.05, goal_reward = 1.0;
  SolverOptions solver;
  double damping = 0.5;                        // relative value iteration damping (mdp.hpp)
  MdpInferenceOptions inverse;
  Observation observation;                     // sampled trajectories or exact counts
  double threshold = kIdentifiedProbability;  // identified cells: true p above this
  std::size_t trajectory_steps = 0;            // the drawn trajectory (measures trajectory_*)
};

class MazePipeline : public StudyPipeline {
 public:
  // perturbations: maze changes in their text form (perturbation_spec.hpp).
  MazePipeline(std::vector<std::string> perturbations, std::function<MazePoint(const Assignments&)> resolve);

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
  std::vector<MazeChange> changes_;
  std::function<MazePoint(const Assignments&)> resolve_;
};

}  // namespace nirl
