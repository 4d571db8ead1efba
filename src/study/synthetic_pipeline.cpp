#include "nirl/study/synthetic_pipeline.hpp"

#include <cmath>
#include <map>

#include "nirl/core/error.hpp"
#include "nirl/core/optimum_search.hpp"
#include "nirl/io/perturbation_spec.hpp"
#include "nirl/io/solution_store.hpp"
#include "nirl/measures/tuning.hpp"
#include "nirl/sample/sampler.hpp"

namespace nirl {
namespace {

// The aligned fit, or NaN in every field where it is undefined (fewer than two states above
// the threshold, or a true reward constant within every x there: a frozen truth).
AlignedFit aligned_or_undefined(const Network& net, const Eigen::VectorXd& inferred, const Eigen::VectorXd& p_true,
                                double threshold, bool weighted) {
  try {
    return aligned_r2(net.space, net.reward, inferred, p_true, threshold, weighted);
  } catch (const Error&) {
    const double nan = std::nan("");
    AlignedFit undefined;
    undefined.r2 = undefined.scale = nan;
    undefined.offset.assign(std::size_t(net.space.nx), nan);
    return undefined;
  }
}

struct SyntheticOutcome {
  AlignedFit fit, fit_weighted;       // aligned r2, unweighted and weighted by the true p;
                                      // NaN where undefined (a frozen truth: < 2 states used)
  LikelihoodInference inverse;
  std::vector<double> kl_predicted;   // KL(true adapted || predicted), per perturbation
  std::vector<Network> predicted_net; // per perturbation
  std::vector<Solution> predicted;    // per perturbation
  std::vector<double> aligned_reward; // a r_hat + b(x), comparable with the true reward [S]
};

// The truth with its solutions given by `optimum` and `adapted(k, adapted network)` (solved,
// or loaded from a stored truth).
template <typename Optimum, typename Adapted>
SyntheticTruth truth_from(const SyntheticPoint& point, const std::vector<std::string>& perturbations,
                          Optimum optimum, Adapted adapted) {
  const Network& net = point.net;
  SyntheticTruth truth;
  truth.net = net;
  truth.solution = optimum();
  for (std::size_t k = 0; k < perturbations.size(); ++k) {
    truth.adapted_net.push_back(apply_perturbation(net, parse_perturbation(perturbations[k])));
    truth.adapted.push_back(adapted(k, truth.solution, truth.adapted_net.back()));
    truth.kl_baseline.push_back(kl_divergence(truth.adapted.back().stationary, truth.solution.stationary));
  }
  return truth;
}

SyntheticTruth truth_of(const SyntheticPoint& point, const std::vector<std::string>& perturbations,
                        const SolveRunner& runner) {
  const Solution optimum = search_optimum(point.net, point.solver, point.prediction.search, {}, runner);
  // The adapted optima are independent of each other: one solve each for the runner. The
  // network adapts from the optimum it is at, as predictions do.
  std::vector<Solution> adapted = run_solves(runner, perturbations.size(), 1, [&](std::size_t k) {
    const Network changed = apply_perturbation(point.net, parse_perturbation(perturbations[k]));
    return adapted_optimum(point.net, optimum, changed, point.solver, point.prediction);
  });
  return truth_from(
      point, perturbations, [&] { return optimum; },
      [&](std::size_t k, const Solution&, const Network&) { return std::move(adapted[k]); });
}

SyntheticOutcome outcome_of(const SyntheticTruth& truth, const SyntheticPoint& point,
                            const std::vector<std::string>& perturbations, const StudyGrid& grid,
                            const StudyTask& task) {
  const Network& net = truth.net;
  const TransitionCounts counts = observed_counts(net, truth.solution, point.observation, grid, task);
  SyntheticOutcome out;
  out.inverse =
      max_likelihood_reward(counts, net.input, net.lambda, likelihood_for(point.observation, point.likelihood));
  out.fit = aligned_or_undefined(net, out.inverse.reward, truth.solution.stationary, point.threshold, false);
  out.fit_weighted = aligned_or_undefined(net, out.inverse.reward, truth.solution.stationary, point.threshold, true);
  Network inferred = net;
  inferred.reward = out.inverse.reward;
  for (std::size_t k = 0; k < perturbations.size(); ++k) {
    out.predicted_net.push_back(apply_perturbation(inferred, parse_perturbation(perturbations[k])));
    out.predicted.push_back(
        predict_adapted(inferred, counts.on, out.predicted_net.back(), point.solver, point.prediction, true));
    out.kl_predicted.push_back(kl_divergence(truth.adapted[k].stationary, out.predicted.back().stationary));
  }
  const Eigen::VectorXd aligned = aligned_reward(net.space, out.fit, out.inverse.reward);
  out.aligned_reward.assign(aligned.data(), aligned.data() + aligned.size());
  return out;
}

void append(std::vector<double>& record, const Eigen::VectorXd& v) { record.insert(record.end(), v.data(), v.data() + v.size()); }

// Tuning curves [neuron, input, others active], row-major.
void append_tuning(std::vector<double>& record, const Network& net, const Solution& sol) {
  for (const Eigen::MatrixXd& curve : tuning_curves(net, sol))
    for (Eigen::Index x = 0; x < curve.rows(); ++x)
      for (Eigen::Index k = 0; k < curve.cols(); ++k) record.push_back(curve(x, k));
}

void append_counts(std::vector<double>& record, const Network& net, const Solution& sol) {
  const Eigen::MatrixXd c = count_distribution(net.space, sol.stationary);
  for (Eigen::Index x = 0; x < c.rows(); ++x)
    for (Eigen::Index k = 0; k < c.cols(); ++k) record.push_back(c(x, k));
}

// The raster excerpts of a point, each simulated once however many measures read it: k = 0
// the truth, 1 + p the adapted optimum of perturbation p, from stream (seed,
// kExcerptStreams | point << 8 | k).
class Excerpts {
 public:
  Excerpts(const SyntheticPoint& point, const SyntheticTruth& truth, const StudyTask& first)
      : point_(point), truth_(truth), first_(first) {}
  // Spikes [step, neuron] (spikes: true) or inputs [step] of excerpt k.
  void append(std::vector<double>& record, std::size_t k, bool spikes) {
    const Raster& r = get(k);
    if (spikes) record.insert(record.end(), r.spikes.begin(), r.spikes.end());
    else if (r.input.empty()) record.insert(record.end(), r.steps, 0.0);
    else record.insert(record.end(), r.input.begin(), r.input.end());
  }

 private:
  const Raster& get(std::size_t k) {
    auto found = rasters_.find(k);
    if (found != rasters_.end()) return found->second;
    const Network& net = k == 0 ? truth_.net : truth_.adapted_net[k - 1];
    const Solution& sol = k == 0 ? truth_.solution : truth_.adapted[k - 1];
    return rasters_[k] = simulate(net, expected_next_value(net, sol), sol.q, sol.stationary, point_.raster_steps,
                                  point_.observation.seed, kExcerptStreams | std::uint64_t(first_.point) << 8 | k);
  }
  const SyntheticPoint& point_;
  const SyntheticTruth& truth_;
  const StudyTask& first_;
  std::map<std::size_t, Raster> rasters_;
};

}  // namespace

SyntheticPipeline::SyntheticPipeline(std::vector<std::string> perturbations,
                                     std::function<SyntheticPoint(const Assignments&)> resolve)
    : perturbations_(std::move(perturbations)), resolve_(std::move(resolve)) {}

const std::vector<MeasureInfo>& SyntheticPipeline::measures() const {
  using L = MeasureLevel;
  static const std::vector<MeasureInfo> all = {
      {"r2", L::task, {}, "1", "aligned r2 of the inferred reward against the true one (states with true p > threshold); NaN where undefined (fewer than 2 such states, or a true reward constant within each x)"},
      {"r2_weighted", L::task, {}, "1", "aligned r2 weighted by the true stationary probability"},
      {"scale", L::task, {}, "1", "fitted a in r_true = a r_hat + b(x)"},
      {"converged", L::task, {}, "1", "1 if the maximum-likelihood fit met its tolerance, else 0", true},
      {"log_likelihood", L::task, {}, "nats", "log-likelihood of the observed steps at the inferred reward"},
      {"kl_predicted", L::task, {"perturbation"}, "nats",
       "KL(true adapted || predicted) per perturbation; +inf if the prediction gives 0 to a state the truth visits"},
      {"aligned_reward", L::task, {"state"}, "reward", "inferred reward after the fit a r_hat + b(x)"},
      {"predicted_tuning", L::task, {"perturbation", "neuron", "input", "others_active"}, "probability",
       "tuning curves of the prediction: p(sigma_i = 1 | x, c other neurons active) after neuron i updates"},
      {"kl_baseline", L::point, {"perturbation"}, "nats", "KL(true adapted || unperturbed): the no-adaptation baseline"},
      {"true_reward", L::point, {"state"}, "reward", "the true reward r(sigma, x)"},
      {"true_stationary", L::point, {"state"}, "probability", "stationary distribution of the true optimum"},
      {"true_value", L::point, {}, "reward per step", "L = E[r] - lambda E[cost] at the true optimum"},
      {"true_mean_reward", L::point, {}, "reward per step", "E[r] at the true optimum"},
      {"tuning", L::point, {"neuron", "input", "others_active"}, "probability",
       "tuning curves of the true optimum: p(sigma_i = 1 | x, c other neurons active) after neuron i updates; NaN where the condition has probability 0"},
      {"count_distribution", L::point, {"input", "count"}, "probability", "p(spike count | x) at the true optimum"},
      {"raster", L::point, {"step", "neuron"}, "1", "a raster excerpt of the true optimum (1: active)", true},
      {"raster_input", L::point, {"step"}, "1", "the input index x of each step of the excerpt", true},
      {"adapted_tuning", L::point, {"perturbation", "neuron", "input", "others_active"}, "probability",
       "tuning curves of the true adapted optimum"},
      {"adapted_count_distribution", L::point, {"perturbation", "input", "count"}, "probability",
       "p(spike count | x) of the true adapted optimum"},
      {"adapted_raster", L::point, {"perturbation", "step", "neuron"}, "1", "a raster excerpt of the true adapted optimum", true},
      {"adapted_raster_input", L::point, {"perturbation", "step"}, "1", "the input index of each step of that excerpt", true},
      {"adapted_mean_reward", L::point, {"perturbation"}, "reward per step", "E[r] of the true adapted optimum (its own reward)"},
  };
  return all;
}

std::vector<std::string> SyntheticPipeline::default_measures() const {
  if (perturbations_.empty()) return {"r2", "r2_weighted"};
  return {"r2", "r2_weighted", "kl_predicted", "kl_baseline"};
}

std::shared_ptr<const PipelinePoint> SyntheticPipeline::resolve(const Assignments& settings) const {
  auto point = std::make_shared<SyntheticPoint>(resolve_(settings));
  point->observation.samples = point->samples;
  if (point->samples < 2) fail("study.samples must be >= 2 (got ", point->samples, ")");
  if (point->observation.block_length < 1) fail("study.block_length must be >= 1");
  if (!(point->threshold >= 0.0)) fail("study.threshold must be >= 0");
  if (perturbations_.size() > 255) fail("study.perturbations: at most 255 (the raster excerpts' streams)");
  for (const std::string& spec : perturbations_) {
    try {
      apply_perturbation(point->net, parse_perturbation(spec));
    } catch (const Error& e) {
      fail("study.perturbations '", spec, "': ", e.what());
    }
  }
  return point;
}

std::vector<ValueAxis> SyntheticPipeline::value_axes(const PipelinePoint& point) const {
  const SyntheticPoint& p = static_cast<const SyntheticPoint&>(point);
  const std::size_t n = std::size_t(p.net.n());
  return {{"perturbation", perturbations_.size(), perturbations_, "nirl predict specifications", "study.perturbations"},
          {"state", p.net.space.size, {}, "state index s = sigma + 2^n x (bit i of sigma: neuron i active)", "",
           p.net.n()},
          {"neuron", n, {}, "neuron index", ""},
          {"input", std::size_t(p.net.space.nx), {}, "input index x", ""},
          {"others_active", n, {}, "number of other neurons active", ""},
          {"count", n + 1, {}, "number of active neurons", ""},
          {"step", p.raster_steps, {}, "time step of the raster excerpt", "study.raster_steps"}};
}

std::shared_ptr<const PipelineTruth> SyntheticPipeline::solve_truth(const PipelinePoint& point,
                                                                    const SolveRunner& runner) const {
  return std::make_shared<SyntheticTruth>(truth_of(static_cast<const SyntheticPoint&>(point), perturbations_, runner));
}

void SyntheticPipeline::store_truth(const PipelineTruth& truth, hid_t file) const {
  const SyntheticTruth& t = static_cast<const SyntheticTruth&>(truth);
  store_solution(file, "/optimum", t.solution);
  for (std::size_t k = 0; k < t.adapted.size(); ++k) store_solution(file, "/adapted/" + std::to_string(k), t.adapted[k]);
}

std::shared_ptr<const PipelineTruth> SyntheticPipeline::load_truth(const PipelinePoint& point,
                                                                   const h5::InputFile& file) const {
  return std::make_shared<SyntheticTruth>(truth_from(
      static_cast<const SyntheticPoint&>(point), perturbations_, [&] { return load_solution(file, "/optimum"); },
      [&](std::size_t k, const Solution&, const Network&) { return load_solution(file, "/adapted/" + std::to_string(k)); }));
}

void SyntheticPipeline::run_task(const PipelinePoint& point, const PipelineTruth& truth, const StudyGrid& grid,
                                 const StudyTask& task, const std::vector<const MeasureInfo*>& measures,
                                 std::vector<double>& record) const {
  const SyntheticOutcome o = outcome_of(static_cast<const SyntheticTruth&>(truth),
                                        static_cast<const SyntheticPoint&>(point), perturbations_, grid, task);
  for (const MeasureInfo* m : measures) {
    const std::string& name = m->name;
    if (name == "r2") record.push_back(o.fit.r2);
    else if (name == "r2_weighted") record.push_back(o.fit_weighted.r2);
    else if (name == "scale") record.push_back(o.fit.scale);
    else if (name == "converged") record.push_back(o.inverse.converged ? 1.0 : 0.0);
    else if (name == "log_likelihood") record.push_back(o.inverse.log_likelihood);
    else if (name == "kl_predicted") record.insert(record.end(), o.kl_predicted.begin(), o.kl_predicted.end());
    else if (name == "aligned_reward") record.insert(record.end(), o.aligned_reward.begin(), o.aligned_reward.end());
    else if (name == "predicted_tuning")
      for (std::size_t k = 0; k < o.predicted.size(); ++k) append_tuning(record, o.predicted_net[k], o.predicted[k]);
    else fail("measure ", name, " is not a task measure");
  }
}

void SyntheticPipeline::point_measures(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask& first,
                                       const std::vector<const MeasureInfo*>& measures,
                                       std::vector<double>& record) const {
  const SyntheticPoint& p = static_cast<const SyntheticPoint&>(point);
  const SyntheticTruth& t = static_cast<const SyntheticTruth&>(truth);
  const std::size_t P = t.adapted.size();
  Excerpts excerpts(p, t, first);
  for (const MeasureInfo* m : measures) {
    const std::string& name = m->name;
    if (name == "kl_baseline") record.insert(record.end(), t.kl_baseline.begin(), t.kl_baseline.end());
    else if (name == "true_reward") append(record, t.net.reward);
    else if (name == "true_stationary") append(record, t.solution.stationary);
    else if (name == "true_value") record.push_back(t.solution.L);
    else if (name == "true_mean_reward") record.push_back(t.solution.mean_reward);
    else if (name == "tuning") append_tuning(record, t.net, t.solution);
    else if (name == "count_distribution") append_counts(record, t.net, t.solution);
    else if (name == "raster" || name == "raster_input") excerpts.append(record, 0, name == "raster");
    else if (name == "adapted_tuning")
      for (std::size_t k = 0; k < P; ++k) append_tuning(record, t.adapted_net[k], t.adapted[k]);
    else if (name == "adapted_count_distribution")
      for (std::size_t k = 0; k < P; ++k) append_counts(record, t.adapted_net[k], t.adapted[k]);
    else if (name == "adapted_raster" || name == "adapted_raster_input")
      for (std::size_t k = 0; k < P; ++k) excerpts.append(record, 1 + k, name == "adapted_raster");
    else if (name == "adapted_mean_reward")
      for (const Solution& a : t.adapted) record.push_back(a.mean_reward);
    else fail("measure ", name, " is not a point measure");
  }
}

}  // namespace nirl
