#include "nirl/study/pairwise_pipeline.hpp"

#include <set>

#include "nirl/core/error.hpp"
#include "nirl/io/perturbation_spec.hpp"
#include "nirl/measures/ring_activity.hpp"
#include "nirl/study/observed_counts.hpp"

namespace nirl {
namespace {

struct PairwiseTruth : PipelineTruth {
  IsingForwardResult optimum;               // at the point's lambda
  std::vector<IsingForwardResult> adapted;  // per perturbation
  std::vector<double> kl_baseline;          // KL(true adapted || unperturbed), per perturbation
};

IsingReward table_reward(Eigen::VectorXd table) {
  IsingReward r;
  r.table = std::move(table);
  return r;
}

// The optimum under a change, reached from the unperturbed optimum (ising_forward.hpp).
IsingForwardResult adapt(const PairwisePoint& p, const Eigen::VectorXd& reward, const FamilyChange& change,
                         const Eigen::VectorXd& from) {
  return optimise_in_context(apply_family_change(IsingFamily::ring_tied(p.n), change), table_reward(reward),
                             change.lambda ? *change.lambda : p.lambda, from, p.random_starts, p.seed, p.forward);
}

void append(std::vector<double>& record, const Eigen::VectorXd& v) { record.insert(record.end(), v.data(), v.data() + v.size()); }

// The description of an optimum that a measure names (theta, rates, ...), or false.
bool append_description(std::vector<double>& record, const std::string& what, const PairwisePoint& p,
                        const IsingForwardResult& r) {
  const StateSpace space(p.n, 1);
  if (what == "theta") append(record, r.theta);
  else if (what == "rates") append(record, firing_probabilities(space, r.distribution));
  else if (what == "count_distribution") append(record, count_distribution(space, r.distribution).row(0).transpose());
  else if (what == "clusters") append(record, cluster_distribution(r.distribution, p.n));
  else return false;
  return true;
}

// A raster excerpt of the dynamics [step, neuron], stream (seed, kExcerptStreams | point << 8 | k).
std::vector<std::uint8_t> excerpt(const PairwisePoint& p, const IsingForwardResult& r, const StudyTask& first,
                                  std::uint64_t k) {
  return glauber_raster(r.params, p.raster_steps, 10 * std::size_t(p.n), p.seed,
                        kExcerptStreams | std::uint64_t(first.point) << 8 | k);
}

// hill_jumps of an excerpt: centres one sweep (n rows) apart, a jump at n/4 neurons or more.
double jumps_of(const std::vector<std::uint8_t>& raster, int n) {
  return hill_jump_fraction(hill_positions(raster, n), n, std::size_t(n), std::max(2, n / 4));
}

}  // namespace

PairwisePipeline::PairwisePipeline(std::vector<std::string> perturbations,
                                   std::function<PairwisePoint(const Assignments&)> resolve)
    : perturbations_(std::move(perturbations)), resolve_(std::move(resolve)) {
  if (perturbations_.size() > 255) fail("study.perturbations: at most 255 (the raster excerpts' streams)");
  changes_ = parse_perturbations(perturbations_, parse_family_change);
}

const std::vector<MeasureInfo>& PairwisePipeline::measures() const {
  using L = MeasureLevel;
  static const std::vector<MeasureInfo> all = {
      {"r2", L::task, {"assumption"}, "1", "aligned r2 of the inferred reward against the true one (states with true p > threshold), per reward assumption"},
      {"r2_weighted", L::task, {"assumption"}, "1", "aligned r2 weighted by the true probability, per reward assumption"},
      {"kl_predicted", L::task, {"assumption", "perturbation"}, "nats",
       "KL(true adapted || predicted from the inferred reward), per reward assumption and perturbation"},
      {"sparse_support", L::task, {}, "states", "states with a positive reward under the sparse assumption", true},
      {"inferred_reward", L::task, {"assumption", "pattern"}, "reward", "the reward inferred under each assumption"},
      {"predicted_theta", L::task, {"assumption", "perturbation", "parameter"}, "1", "tied parameters (h, J(1..n/2)) of each prediction (0 for couplings the change removed)"},
      {"predicted_rates", L::task, {"assumption", "perturbation", "neuron"}, "probability", "firing probability of each neuron in each prediction"},
      {"predicted_count_distribution", L::task, {"assumption", "perturbation", "count"}, "probability", "p(number of active neurons) of each prediction"},
      {"predicted_clusters", L::task, {"assumption", "perturbation", "cluster"}, "probability", "p(number of separate runs of active neurons around the ring) of each prediction"},
      {"kl_baseline", L::point, {"perturbation"}, "nats", "KL(true adapted || unperturbed): the no-adaptation baseline"},
      {"true_value", L::point, {}, "reward per step", "F = E[r] - lambda E[cost] at the true optimum"},
      {"true_reward", L::point, {"pattern"}, "reward", "the true reward r(sigma)"},
      {"true_distribution", L::point, {"pattern"}, "probability", "p(sigma) at the true optimum"},
      {"theta", L::point, {"parameter"}, "1", "tied parameters (h, J(1..n/2)) of the true optimum"},
      {"rates", L::point, {"neuron"}, "probability", "firing probability of each neuron at the true optimum"},
      {"count_distribution", L::point, {"count"}, "probability", "p(number of active neurons) at the true optimum"},
      {"clusters", L::point, {"cluster"}, "probability", "p(number of separate runs of active neurons around the ring) at the true optimum"},
      {"raster", L::point, {"step", "neuron"}, "1", "a raster excerpt of the true optimum's asynchronous dynamics, one row per neuron update", true},
      {"hill_position", L::point, {"step"}, "neuron", "the hill's centre in each row of the excerpt (circular mean of the active neurons; -1 when none is)", true},
      {"positions_visited", L::point, {}, "neurons", "distinct hill positions in the excerpt", true},
      {"hill_jumps", L::point, {}, "1", "fraction of sweeps (n updates) over which the hill's centre moves n/4 or more neurons around the ring (a jump, not a drift), in the excerpt (study.raster_steps); NaN without a hill or an excerpt"},
      {"adapted_hill_jumps", L::point, {"perturbation"}, "1", "the same for each true adapted optimum's excerpt"},
      {"adapted_value", L::point, {"perturbation"}, "reward per step", "F of each true adapted optimum"},
      {"adapted_theta", L::point, {"perturbation", "parameter"}, "1", "tied parameters of each true adapted optimum (0 for couplings the change removed)"},
      {"adapted_rates", L::point, {"perturbation", "neuron"}, "probability", "firing probabilities of each true adapted optimum"},
      {"adapted_count_distribution", L::point, {"perturbation", "count"}, "probability", "p(number of active neurons) of each true adapted optimum"},
      {"adapted_clusters", L::point, {"perturbation", "cluster"}, "probability", "p(number of runs of activity) of each true adapted optimum"},
      {"adapted_raster", L::point, {"perturbation", "step", "neuron"}, "1", "a raster excerpt of each true adapted optimum's dynamics", true},
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
  if (point->sample_interval < 1) fail("pairwise.sample_interval must be >= 1");
  for (std::size_t k = 0; k < changes_.size(); ++k) {
    try {
      apply_family_change(IsingFamily::ring_tied(point->n), changes_[k]);
    } catch (const Error& e) {
      fail("study.perturbations '", perturbations_[k], "': ", e.what());
    }
  }
  return point;
}

std::vector<ValueAxis> PairwisePipeline::value_axes(const PipelinePoint& point) const {
  const PairwisePoint& p = static_cast<const PairwisePoint&>(point);
  const std::size_t n = std::size_t(p.n);
  std::vector<std::string> assumptions;
  for (Assumption a : kAssumptions) assumptions.push_back(assumption_name(a));
  return {{"assumption", assumptions.size(), assumptions, "reward assumption of the inverse (docs/model.md 5)", ""},
          {"perturbation", perturbations_.size(), perturbations_, "changes of the pairwise family", "study.perturbations"},
          {"pattern", std::size_t(1) << n, {}, "activity pattern sigma (bit i: neuron i active)", "", p.n},
          {"parameter", std::size_t(IsingFamily::ring_tied(p.n).parameters()), {}, "h, then J(d) for ring distance d = 1..n/2", ""},
          {"neuron", n, {}, "neuron index", ""},
          {"count", n + 1, {}, "number of active neurons", ""},
          {"cluster", n / 2 + 1, {}, "number of separate runs of active neurons around the ring", ""},
          {"step", p.raster_steps, {}, "neuron update of the raster excerpt", "study.raster_steps"}};
}

std::shared_ptr<const PipelineTruth> PairwisePipeline::solve_truth(const PipelinePoint& point, const SolveRunner&) const {
  const PairwisePoint& p = static_cast<const PairwisePoint&>(point);
  const IsingFamily family = IsingFamily::ring_tied(p.n);
  auto truth = std::make_shared<PairwiseTruth>();
  IsingForwardOptions f = p.forward;
  f.lambda = p.lambda;
  f.exact = true;
  truth->optimum = optimise_ising_multistart(family, table_reward(p.reward), default_ring_starts(family), f);
  for (const FamilyChange& change : changes_) {
    truth->adapted.push_back(adapt(p, p.reward, change, truth->optimum.theta));
    truth->kl_baseline.push_back(kl_divergence(truth->adapted.back().distribution, truth->optimum.distribution));
  }
  return truth;
}

void PairwisePipeline::run_task(const PipelinePoint& point, const PipelineTruth& truth, const StudyGrid& grid,
                                const StudyTask& task, const std::vector<const MeasureInfo*>& measures,
                                std::vector<double>& record) const {
  const PairwisePoint& p = static_cast<const PairwisePoint&>(point);
  const PairwiseTruth& t = static_cast<const PairwiseTruth&>(truth);
  if (task.bootstrap != 0) fail("the pairwise pipeline has no bootstrap resamples (study.bootstraps must be 0)");
  const StateSpace space(p.n, 1);
  const std::vector<std::uint8_t> data =
      p.sampling == PairwisePoint::Sampling::iid
          ? iid_raster(t.optimum.distribution, p.n, p.samples, p.seed, task.id)
          : glauber_raster(t.optimum.params, p.samples, 10 * std::size_t(p.n), p.seed,
                           kRasterStreams | grid.raster_index(task), p.sample_interval);
  const PseudoLikelihoodFit fit = fit_pseudo_likelihood(count_states(data, p.samples, p.n), p.fit);
  const ConstraintSet constraints = build_constraints(fit.params, p.lambda);
  const std::size_t A = std::size(kAssumptions), P = changes_.size();
  std::vector<double> r2(A), r2w(A), kl(A * P);
  std::vector<Eigen::VectorXd> inferred(A);
  std::vector<IsingForwardResult> predicted(A * P);
  double support = 0.0;
  for (std::size_t a = 0; a < A; ++a) {
    const PairwiseInference r = infer_pairwise_reward(constraints, kAssumptions[a], p.infer);
    inferred[a] = reward_table(constraints, r);
    r2[a] = aligned_r2(space, p.reward, inferred[a], t.optimum.distribution, p.threshold).r2;
    r2w[a] = aligned_r2(space, p.reward, inferred[a], t.optimum.distribution, p.threshold, true).r2;
    for (std::size_t k = 0; k < P; ++k) {
      predicted[a * P + k] = adapt(p, inferred[a], changes_[k], t.optimum.theta);
      kl[a * P + k] = kl_divergence(t.adapted[k].distribution, predicted[a * P + k].distribution);
    }
    if (kAssumptions[a] == Assumption::sparse) support = r.support;
  }
  for (const MeasureInfo* m : measures) {
    const std::string& name = m->name;
    if (name == "r2") record.insert(record.end(), r2.begin(), r2.end());
    else if (name == "r2_weighted") record.insert(record.end(), r2w.begin(), r2w.end());
    else if (name == "kl_predicted") record.insert(record.end(), kl.begin(), kl.end());
    else if (name == "sparse_support") record.push_back(support);
    else if (name == "inferred_reward")
      for (const Eigen::VectorXd& r : inferred) append(record, r);
    else if (name.rfind("predicted_", 0) == 0)
      for (const IsingForwardResult& r : predicted) append_description(record, name.substr(10), p, r);
    else fail("measure ", name, " is not a task measure");
  }
}

void PairwisePipeline::point_measures(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask& first,
                                      const std::vector<const MeasureInfo*>& measures,
                                      std::vector<double>& record) const {
  const PairwisePoint& p = static_cast<const PairwisePoint&>(point);
  const PairwiseTruth& t = static_cast<const PairwiseTruth&>(truth);
  std::vector<std::uint8_t> optimum_excerpt;  // simulated once for raster, hill_position and positions_visited
  auto optimum_raster = [&]() -> const std::vector<std::uint8_t>& {
    if (optimum_excerpt.empty() && p.raster_steps > 0) optimum_excerpt = excerpt(p, t.optimum, first, 0);
    return optimum_excerpt;
  };
  for (const MeasureInfo* m : measures) {
    const std::string& name = m->name;
    if (name == "kl_baseline") record.insert(record.end(), t.kl_baseline.begin(), t.kl_baseline.end());
    else if (name == "true_value") record.push_back(t.optimum.F);
    else if (name == "true_reward") append(record, p.reward);
    else if (name == "true_distribution") append(record, t.optimum.distribution);
    else if (append_description(record, name, p, t.optimum)) continue;
    else if (name == "raster") {
      record.insert(record.end(), optimum_raster().begin(), optimum_raster().end());
    } else if (name == "hill_position" || name == "positions_visited") {
      const std::vector<int> pos = hill_positions(optimum_raster(), p.n);
      if (name == "hill_position") record.insert(record.end(), pos.begin(), pos.end());
      else {
        std::set<int> visited(pos.begin(), pos.end());
        visited.erase(-1);
        record.push_back(double(visited.size()));
      }
    } else if (name == "hill_jumps") {
      record.push_back(jumps_of(optimum_raster(), p.n));
    } else if (name == "adapted_hill_jumps") {
      for (std::size_t k = 0; k < t.adapted.size(); ++k) record.push_back(jumps_of(excerpt(p, t.adapted[k], first, 1 + k), p.n));
    } else if (name == "adapted_value")
      for (const IsingForwardResult& a : t.adapted) record.push_back(a.F);
    else if (name == "adapted_raster")
      for (std::size_t k = 0; k < t.adapted.size(); ++k) {
        const std::vector<std::uint8_t> r = excerpt(p, t.adapted[k], first, 1 + k);
        record.insert(record.end(), r.begin(), r.end());
      }
    else if (name.rfind("adapted_", 0) == 0)
      for (const IsingForwardResult& a : t.adapted) append_description(record, name.substr(8), p, a);
    else fail("measure ", name, " is not a point measure");
  }
}

}  // namespace nirl
