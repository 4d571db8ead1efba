// The pairwise pipeline of a study (docs/studies.md; docs/model.md section 5; Figs 5-6): the
// truth of a grid point is the optimum of its reward in the ring-tied pairwise family (exact
// enumeration, ring starts) and its optimum under each perturbation (a new lambda, couplings
// removed, pinned neurons: family_change.hpp), reached from the unperturbed one. A task
// observes `samples` states of the true optimum, i.i.d. (stream (seed, task id)) or from its
// asynchronous dynamics every `sample_interval` updates (stream (seed, kRasterStreams |
// raster index)), fits untied (h, J) by pseudo-likelihood, infers the reward under each
// assumption (sparse, pairwise, global), scores it by the aligned r2 against the true
// reward, and predicts every perturbation from it in the same family. Point measures
// describe the truth and its adapted optima (parameters, rates, spike counts, runs of
// activity, raster excerpts of the dynamics and the hill's position).
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nirl/measures/measures.hpp"
#include "nirl/pairwise/family_change.hpp"
#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/pairwise/pseudo_likelihood.hpp"
#include "nirl/pairwise/reward_assumptions.hpp"
#include "nirl/study/study_pipeline.hpp"

namespace nirl {

// One grid point with every setting resolved (samples: observed states per task).
struct PairwisePoint : PipelinePoint {
  enum class Sampling { iid, dynamics };
  int n = 0;
  Eigen::VectorXd reward;  // r(sigma) over 2^n states (no input)
  double lambda = 1.0;
  int random_starts = 6;   // per changed-context solve, besides the structured starts
  double threshold = kIdentifiedProbability;  // aligned r2 over states with true p above this
  Sampling sampling = Sampling::iid;
  std::size_t sample_interval = 1;  // dynamics: neuron updates between observed states
  std::size_t raster_steps = 0;     // length of the raster excerpts (raster, adapted_raster)
  std::uint64_t seed = 0;
  IsingForwardOptions forward;  // lambda is set per solve
  PseudoLikelihoodOptions fit;
  AssumptionOptions infer;
};

class PairwisePipeline : public StudyPipeline {
 public:
  // perturbations: family changes in their text form (perturbation_spec.hpp).
  PairwisePipeline(std::vector<std::string> perturbations, std::function<PairwisePoint(const Assignments&)> resolve);

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
  std::vector<FamilyChange> changes_;
  std::function<PairwisePoint(const Assignments&)> resolve_;
};

}  // namespace nirl
