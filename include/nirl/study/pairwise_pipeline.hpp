// The pairwise pipeline of a study (docs/studies.md; MODEL.md section 5): the truth of a
// grid point is the optimum of its reward in the ring-tied pairwise family (exact
// enumeration, ring and random starts) and its optimum at each perturbed coding cost,
// reached from the unperturbed one. A task draws `samples` i.i.d. states of the true optimum
// (stream (seed, task id)), fits untied (h, J) by pseudo-likelihood, infers the reward under
// each assumption (sparse, pairwise, global), scores it by the aligned r2 against the true
// reward, and predicts every perturbation from it in the same family.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nirl/measures/measures.hpp"
#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/pairwise/pseudo_likelihood.hpp"
#include "nirl/pairwise/reward_assumptions.hpp"
#include "nirl/study/study_pipeline.hpp"

namespace nirl {

// One grid point with every setting resolved (samples: i.i.d. states per task).
struct PairwisePoint : PipelinePoint {
  int n = 0;
  Eigen::VectorXd reward;  // r(sigma) over 2^n states (no input)
  double lambda = 1.0;
  int random_starts = 6;   // per changed-context solve, besides the structured starts
  double threshold = kIdentifiedProbability;  // aligned r2 over states with true p above this
  std::uint64_t seed = 0;
  IsingForwardOptions forward;  // lambda is set per solve
  PseudoLikelihoodOptions fit;
  AssumptionOptions infer;
};

class PairwisePipeline : public StudyPipeline {
 public:
  // perturbations: nirl predict specs; only lambda=X applies to this family.
  PairwisePipeline(std::vector<std::string> perturbations, std::function<PairwisePoint(const Assignments&)> resolve);

  const std::vector<MeasureInfo>& measures() const override;
  std::vector<std::string> default_measures() const override;
  std::shared_ptr<const PipelinePoint> resolve(const Assignments& settings) const override;
  std::vector<ValueAxis> value_axes(const PipelinePoint& point) const override;
  std::shared_ptr<const PipelineTruth> solve_truth(const PipelinePoint& point) const override;
  void run_task(const PipelinePoint& point, const PipelineTruth& truth, const StudyGrid& grid, const StudyTask& task,
                const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const override;
  void point_measures(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask& first,
                      const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const override;

 private:
  std::vector<std::string> perturbations_;
  std::vector<double> lambdas_;  // the coding cost of each perturbation
  std::function<PairwisePoint(const Assignments&)> resolve_;
};

}  // namespace nirl
