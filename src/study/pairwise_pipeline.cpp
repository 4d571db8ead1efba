#include "nirl/study/pairwise_pipeline.hpp"

#include "nirl/core/error.hpp"
#include "nirl/io/perturbation_spec.hpp"

namespace nirl {
namespace {

struct PairwiseTruth : PipelineTruth {
  IsingForwardResult optimum;              // at the point's lambda
  std::vector<IsingForwardResult> adapted;  // per perturbation
  std::vector<double> kl_baseline;          // KL(true adapted || unperturbed), per perturbation
};

IsingReward table_reward(Eigen::VectorXd table) {
  IsingReward r;
  r.table = std::move(table);
  return r;
}

}  // namespace

PairwisePipeline::PairwisePipeline(std::vector<std::string> perturbations,
                                   std::function<PairwisePoint(const Assignments&)> resolve)
    : perturbations_(std::move(perturbations)), resolve_(std::move(resolve)) {
  for (const std::string& spec : perturbations_) {
    const Perturbation p = parse_perturbation(spec);
    if (!p.dead.empty() || p.switch_up || p.switch_down || p.input)
      fail("study.perturbations '", spec, "': the pairwise pipeline predicts changes of lambda only (lambda=X)");
    lambdas_.push_back(p.lambda ? *p.lambda : -1.0);  // -1: the point's own lambda
  }
}

const std::vector<MeasureInfo>& PairwisePipeline::measures() const {
  using L = MeasureLevel;
  static const std::vector<MeasureInfo> all = {
      {"r2", L::task, {"assumption"}, "1", "aligned r2 of the inferred reward against the true one (states with true p > threshold), per reward assumption"},
      {"r2_weighted", L::task, {"assumption"}, "1", "aligned r2 weighted by the true probability, per reward assumption"},
      {"kl_predicted", L::task, {"assumption", "perturbation"}, "nats",
       "KL(true adapted || predicted from the inferred reward), per reward assumption and perturbation"},
      {"sparse_support", L::task, {}, "states", "states with a positive reward under the sparse assumption"},
      {"kl_baseline", L::point, {"perturbation"}, "nats", "KL(true adapted || unperturbed): the no-adaptation baseline"},
      {"true_value", L::point, {}, "reward per step", "F = E[r] - lambda E[cost] at the true optimum"},
  };
  return all;
}

std::vector<std::string> PairwisePipeline::default_measures() const {
  if (perturbations_.empty()) return {"r2", "r2_weighted"};
  return {"r2", "r2_weighted", "kl_predicted", "kl_baseline"};
}

std::shared_ptr<const PipelinePoint> PairwisePipeline::resolve(const Assignments& settings) const {
  auto point = std::make_shared<PairwisePoint>(resolve_(settings));
  if (point->samples < 2) fail("study.samples must be >= 2 (got ", point->samples, ")");
  if (point->n > kMaxExactIsingNeurons)
    fail("the pairwise pipeline enumerates states exactly: network.n must be <= ", kMaxExactIsingNeurons);
  if (point->reward.size() != Eigen::Index(1) << point->n)
    fail("the pairwise pipeline needs a network without input (input.type = none)");
  if (!(point->threshold >= 0.0)) fail("study.threshold must be >= 0");
  return point;
}

std::vector<ValueAxis> PairwisePipeline::value_axes(const PipelinePoint&) const {
  std::vector<std::string> assumptions;
  for (Assumption a : kAssumptions) assumptions.push_back(assumption_name(a));
  return {{"assumption", assumptions.size(), assumptions, "reward assumption of the inverse (MODEL.md 5)", ""},
          {"perturbation", perturbations_.size(), perturbations_, "nirl predict specifications", "study.perturbations"}};
}

std::shared_ptr<const PipelineTruth> PairwisePipeline::solve_truth(const PipelinePoint& point) const {
  const PairwisePoint& p = static_cast<const PairwisePoint&>(point);
  const IsingFamily family = IsingFamily::ring_tied(p.n);
  auto truth = std::make_shared<PairwiseTruth>();
  IsingForwardOptions f = p.forward;
  f.lambda = p.lambda;
  f.exact = true;
  truth->optimum = optimise_ising_multistart(family, table_reward(p.reward), default_ring_starts(family), f);
  for (double lambda : lambdas_) {
    truth->adapted.push_back(optimise_in_context(family, table_reward(p.reward), lambda < 0 ? p.lambda : lambda,
                                                 truth->optimum.theta, p.random_starts, p.seed, p.forward));
    truth->kl_baseline.push_back(kl_divergence(truth->adapted.back().distribution, truth->optimum.distribution));
  }
  return truth;
}

void PairwisePipeline::run_task(const PipelinePoint& point, const PipelineTruth& truth, const StudyGrid&,
                                const StudyTask& task, const std::vector<const MeasureInfo*>& measures,
                                std::vector<double>& record) const {
  const PairwisePoint& p = static_cast<const PairwisePoint&>(point);
  const PairwiseTruth& t = static_cast<const PairwiseTruth&>(truth);
  if (task.bootstrap != 0) fail("the pairwise pipeline has no bootstrap resamples (study.bootstraps must be 0)");
  const StateSpace space(p.n, 1);
  const IsingFamily family = IsingFamily::ring_tied(p.n);
  const std::vector<std::uint8_t> data = iid_raster(t.optimum.distribution, p.n, p.samples, p.seed, task.id);
  const PseudoLikelihoodFit fit = fit_pseudo_likelihood(count_states(data, p.samples, p.n), p.fit);
  const ConstraintSet constraints = build_constraints(fit.params, p.lambda);
  const std::size_t A = std::size(kAssumptions), P = lambdas_.size();
  std::vector<double> r2(A), r2w(A), kl(A * P);
  double support = 0.0;
  for (std::size_t a = 0; a < A; ++a) {
    const InferredReward r = infer_pairwise_reward(constraints, kAssumptions[a], p.infer);
    const Eigen::VectorXd table = reward_table(constraints, r);
    r2[a] = aligned_r2(space, p.reward, table, t.optimum.distribution, p.threshold).r2;
    r2w[a] = aligned_r2(space, p.reward, table, t.optimum.distribution, p.threshold, true).r2;
    for (std::size_t k = 0; k < P; ++k) {
      const IsingForwardResult predicted =
          optimise_in_context(family, table_reward(table), lambdas_[k] < 0 ? p.lambda : lambdas_[k],
                              t.optimum.theta, p.random_starts, p.seed, p.forward);
      kl[a * P + k] = kl_divergence(t.adapted[k].distribution, predicted.distribution);
    }
    if (kAssumptions[a] == Assumption::sparse) support = r.support;
  }
  for (const MeasureInfo* m : measures) {
    const std::string& name = m->name;
    if (name == "r2") record.insert(record.end(), r2.begin(), r2.end());
    else if (name == "r2_weighted") record.insert(record.end(), r2w.begin(), r2w.end());
    else if (name == "kl_predicted") record.insert(record.end(), kl.begin(), kl.end());
    else if (name == "sparse_support") record.push_back(support);
    else fail("measure ", name, " is not a task measure");
  }
}

void PairwisePipeline::point_measures(const PipelinePoint&, const PipelineTruth& truth, const StudyTask&,
                                      const std::vector<const MeasureInfo*>& measures,
                                      std::vector<double>& record) const {
  const PairwiseTruth& t = static_cast<const PairwiseTruth&>(truth);
  for (const MeasureInfo* m : measures) {
    const std::string& name = m->name;
    if (name == "kl_baseline") record.insert(record.end(), t.kl_baseline.begin(), t.kl_baseline.end());
    else if (name == "true_value") record.push_back(t.optimum.F);
    else fail("measure ", name, " is not a point measure");
  }
}

}  // namespace nirl
