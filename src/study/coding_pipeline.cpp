#include "nirl/study/coding_pipeline.hpp"

#include <algorithm>
#include <limits>

#include "nirl/coding/coding_change.hpp"
#include "nirl/coding/feature_recovery.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/perturbation_spec.hpp"
#include "nirl/measures/tuning.hpp"

namespace nirl {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct CodingTruth : PipelineTruth {
  EfficientCodingResult coding;
  Eigen::VectorXd log_posterior;  // log p(y | sigma) under the optimum's stationary joint
  std::vector<EfficientCodingResult> adapted;  // per perturbation: the true feature's code there
  std::vector<double> kl_baseline;             // KL(true adapted || unperturbed), per perturbation
};

int pixels_of(const Network& net) { return int(net.input.factors.size()); }

// Input x's group: the number of pixels on (bit j of x: pixel j).
std::vector<int> pixels_on(const StateSpace& space) {
  std::vector<int> g(std::size_t(space.nx));
  for (int x = 0; x < space.nx; ++x) g[std::size_t(x)] = __builtin_popcount(unsigned(x));
  return g;
}

void append(std::vector<double>& record, const Eigen::MatrixXd& m) {  // row-major
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < m.cols(); ++c) record.push_back(m(r, c));
}
void append(std::vector<double>& record, const Eigen::VectorXd& v) { record.insert(record.end(), v.data(), v.data() + v.size()); }

// The measures of a code that describe its neurons: tuning [neuron, pixels_on,
// others_active], firing probabilities, cell types.
struct CellTypes {
  std::vector<Eigen::MatrixXd> tuning;
  std::vector<int> group;
  int types = 0;
};
CellTypes cell_types_of(const EfficientCodingResult& code, double tolerance) {
  CellTypes out;
  const int pixels = pixels_of(code.net);
  out.tuning = tuning_curves(code.net, code.solution, pixels_on(code.net.space), pixels + 1);
  out.group = tuning_groups(out.tuning, tolerance);
  out.types = 1 + *std::max_element(out.group.begin(), out.group.end());
  return out;
}

// The perturbation measures, and how many values each has per perturbation (its value axes
// after "perturbation"): what a point with study.predict = 0 records as NaN.
bool is_perturbation_measure(const std::string& name) {
  return name == "kl_predicted" || name == "kl_baseline" || name.rfind("predicted_", 0) == 0 ||
         name.rfind("adapted_", 0) == 0;
}
std::size_t values_per_perturbation(const std::string& name, const Network& net) {
  const std::size_t n = std::size_t(net.n());
  if (name == "predicted_tuning" || name == "adapted_tuning") return n * std::size_t(pixels_of(net) + 1) * n;
  if (name == "predicted_firing_probability" || name == "adapted_firing_probability" ||
      name == "predicted_cell_type" || name == "adapted_cell_type")
    return n;
  return 1;
}

}  // namespace

CodingPipeline::CodingPipeline(std::vector<std::string> perturbations,
                               std::function<CodingPoint(const Assignments&)> resolve)
    : perturbations_(std::move(perturbations)), resolve_(std::move(resolve)) {}

const std::vector<MeasureInfo>& CodingPipeline::measures() const {
  using L = MeasureLevel;
  static const std::vector<MeasureInfo> all = {
      {"r2", L::task, {}, "1", "aligned r2 of the inferred reward against log p(y | sigma) (states with true p > threshold)"},
      {"r2_weighted", L::task, {}, "1", "the same, weighted by the true stationary probability"},
      {"scale", L::task, {}, "1", "fitted a in log p(y | sigma) = a r_hat + b(x)"},
      {"converged", L::task, {}, "1", "1 if the maximum-likelihood fit met its tolerance, else 0", true},
      {"recovered_threshold", L::task, {}, "pixels", "the t of the feature [more than t pixels on] that best matches the two groups of inferred reward curves", true},
      {"agreement", L::task, {}, "1", "fraction of inputs on which the recovered groups match that feature"},
      {"aligned_reward", L::task, {"state"}, "nats", "inferred reward after the fit a r_hat + b(x)"},
      {"visits", L::task, {"state"}, "steps", "observed visits of each state (expected visits for exact statistics)"},
      {"reward_by_pixels_count", L::task, {"pixels_on", "count"}, "nats",
       "aligned reward averaged over the states with m pixels on and c spikes, weighted by the visits; NaN where none"},
      {"information", L::point, {}, "nats", "I(y; sigma) of the efficient-coding network"},
      {"independent_information", L::point, {}, "nats", "I(y; sigma) of independent neurons with the same p(sigma_i | x)"},
      {"coding_updates", L::point, {}, "1", "reward updates of the efficient-coding iteration", true},
      {"coding_converged", L::point, {}, "1", "1 if the iteration met its tolerance and every solve converged", true},
      {"coding_change", L::point, {}, "nats", "max |log p(y | sigma) - r| when the iteration stopped"},
      {"tuning", L::point, {"neuron", "pixels_on", "others_active"}, "probability",
       "p(sigma_i = 1 | m pixels on, c other neurons active); NaN where the condition has probability 0"},
      {"count_distribution", L::point, {"pixels_on", "count"}, "probability", "p(spike count | m pixels on)"},
      {"readout", L::point, {"pattern"}, "probability", "p(y = +1 | sigma); NaN where p(sigma) = 0"},
      {"readout_by_count", L::point, {"count"}, "probability", "p(y = +1 | spike count); NaN where the count has probability 0"},
      {"pattern_probability", L::point, {"pattern"}, "probability", "p(sigma)"},
      {"firing_probability", L::point, {"neuron"}, "probability", "q_i(+1), neuron i's firing probability when chosen to update"},
      {"cell_type", L::point, {"neuron"}, "1", "cell type of each neuron: groups whose tuning differs by less than study.group_tolerance", true},
      {"cell_types", L::point, {}, "1", "number of cell types", true},
      {"kl_predicted", L::task, {"perturbation"}, "nats",
       "KL(true adapted || predicted) per perturbation, over (sigma, x); the prediction is the efficient code of the recovered feature in the changed context"},
      {"predicted_information", L::task, {"perturbation"}, "nats", "I(y; sigma) of the predicted code for the recovered feature"},
      {"predicted_firing_probability", L::task, {"perturbation", "neuron"}, "probability", "q_i(+1) of the predicted code"},
      {"predicted_tuning", L::task, {"perturbation", "neuron", "pixels_on", "others_active"}, "probability",
       "p(sigma_i = 1 | m pixels on, c other neurons active) of the predicted code; NaN where the condition has probability 0"},
      {"predicted_cell_type", L::task, {"perturbation", "neuron"}, "1", "cell type of each neuron of the predicted code (study.group_tolerance)"},
      {"predicted_cell_types", L::task, {"perturbation"}, "1", "number of cell types of the predicted code"},
      {"kl_baseline", L::point, {"perturbation"}, "nats", "KL(true adapted || unperturbed): the no-adaptation baseline"},
      {"adapted_information", L::point, {"perturbation"}, "nats", "I(y; sigma) of the true adapted code"},
      {"adapted_firing_probability", L::point, {"perturbation", "neuron"}, "probability", "q_i(+1) of the true adapted code"},
      {"adapted_tuning", L::point, {"perturbation", "neuron", "pixels_on", "others_active"}, "probability",
       "p(sigma_i = 1 | m pixels on, c other neurons active) of the true adapted code; NaN where the condition has probability 0"},
      {"adapted_cell_type", L::point, {"perturbation", "neuron"}, "1", "cell type of each neuron of the true adapted code"},
      {"adapted_cell_types", L::point, {"perturbation"}, "1", "number of cell types of the true adapted code"},
      {"log_posterior", L::point, {"state"}, "nats", "log p(y(x) | sigma) under the optimum: the reward at the fixed point"},
      {"true_stationary", L::point, {"state"}, "probability", "stationary distribution of the optimum"},
      {"feature", L::point, {"input"}, "1", "y(x): 1 for y = +1, 0 for y = -1", true},
  };
  return all;
}

std::vector<std::string> CodingPipeline::default_measures() const {
  std::vector<std::string> names = {"r2", "recovered_threshold", "agreement", "information", "independent_information"};
  if (!perturbations_.empty())
    names.insert(names.end(), {"kl_predicted", "kl_baseline", "predicted_cell_types", "adapted_cell_types"});
  return names;
}

std::shared_ptr<const PipelinePoint> CodingPipeline::resolve(const Assignments& settings) const {
  auto point = std::make_shared<CodingPoint>(resolve_(settings));
  point->observation.samples = point->samples;
  if (!point->net.input.factored()) fail("study.pipeline = coding needs input.type = pixels");
  if (point->feature.size() != std::size_t(point->net.space.nx)) fail("the feature needs one value per input");
  if (point->samples < 2) fail("study.samples must be >= 2 (got ", point->samples, ")");
  if (point->observation.block_length < 1) fail("study.block_length must be >= 1");
  if (!(point->threshold >= 0.0)) fail("study.threshold must be >= 0");
  if (!(point->group_tolerance > 0.0)) fail("study.group_tolerance must be > 0");
  for (const std::string& spec : perturbations_) {
    try {
      apply_coding_change(point->net, parse_coding_change(spec));
    } catch (const Error& e) {
      fail("study.perturbations '", spec, "': ", e.what());
    }
  }
  return point;
}

std::vector<ValueAxis> CodingPipeline::value_axes(const PipelinePoint& point) const {
  const Network& net = static_cast<const CodingPoint&>(point).net;
  const std::size_t n = std::size_t(net.n()), k = std::size_t(pixels_of(net));
  return {{"perturbation", perturbations_.size(), perturbations_, "coding change specifications", "study.perturbations"},
          {"state", net.space.size, {}, "state index s = sigma + 2^n x (bit i of sigma: neuron i active; bit j of x: pixel j on)", "",
           net.n()},
          {"pattern", net.space.n_sigma, {}, "activity pattern sigma (bit i: neuron i active)", "", net.n()},
          {"input", std::size_t(net.space.nx), {}, "input x (bit j: pixel j on)", ""},
          {"neuron", n, {}, "neuron index", ""},
          {"pixels_on", k + 1, {}, "number of pixels on", ""},
          {"count", n + 1, {}, "number of active neurons", ""},
          {"others_active", n, {}, "number of other neurons active", ""}};
}

std::shared_ptr<const PipelineTruth> CodingPipeline::solve_truth(const PipelinePoint& point, const SolveRunner&) const {
  const CodingPoint& p = static_cast<const CodingPoint&>(point);
  auto truth = std::make_shared<CodingTruth>();
  truth->coding = efficient_coding(p.net, p.feature, p.coding);
  truth->log_posterior = log_posterior_reward(p.net.space, truth->coding.solution.stationary, p.feature);
  if (p.predict)
    for (const std::string& spec : perturbations_) {
      truth->adapted.push_back(
          efficient_coding(apply_coding_change(p.net, parse_coding_change(spec)), p.feature, p.coding));
      truth->kl_baseline.push_back(kl_divergence(truth->adapted.back().solution.stationary, truth->coding.solution.stationary));
    }
  return truth;
}

void CodingPipeline::run_task(const PipelinePoint& point, const PipelineTruth& truth, const StudyGrid& grid,
                              const StudyTask& task, const std::vector<const MeasureInfo*>& measures,
                              std::vector<double>& record) const {
  const CodingPoint& p = static_cast<const CodingPoint&>(point);
  const CodingTruth& t = static_cast<const CodingTruth&>(truth);
  const Network& net = t.coding.net;
  const Eigen::VectorXd& stationary = t.coding.solution.stationary;
  const TransitionCounts counts = observed_counts(net, t.coding.solution, p.observation, grid, task);
  const LikelihoodInference inverse =
      max_likelihood_reward(counts, net.input, net.lambda, likelihood_for(p.observation, p.likelihood));
  const AlignedFit fit = aligned_r2(net.space, t.log_posterior, inverse.reward, stationary, p.threshold);
  const AlignedFit weighted = aligned_r2(net.space, t.log_posterior, inverse.reward, stationary, p.threshold, true);
  const Eigen::VectorXd aligned = aligned_reward(net.space, fit, inverse.reward);
  const Eigen::Map<const Eigen::VectorXd> visits(counts.visits.data(), Eigen::Index(counts.visits.size()));
  const FeatureRecovery recovery = recover_feature(net.space, inverse.reward, visits);
  // The predictions: the recovered feature's code in each changed context. When the
  // recovered feature is the true one this is the truth's adaptation, the same computation
  // (efficient_coding is deterministic in its arguments), which the truth holds already.
  std::vector<EfficientCodingResult> solved;
  std::vector<const EfficientCodingResult*> predicted;
  if (p.predict && !perturbations_.empty()) {
    const std::vector<int> recovered = threshold_feature(pixels_of(net), recovery.threshold);
    solved.reserve(perturbations_.size());
    for (std::size_t k = 0; k < perturbations_.size(); ++k) {
      if (recovered == p.feature) {
        predicted.push_back(&t.adapted[k]);
      } else {
        solved.push_back(efficient_coding(apply_coding_change(p.net, parse_coding_change(perturbations_[k])), recovered,
                                          p.coding));
        predicted.push_back(&solved.back());
      }
    }
  }
  std::vector<CellTypes> predicted_types;
  for (const EfficientCodingResult* code : predicted) predicted_types.push_back(cell_types_of(*code, p.group_tolerance));
  for (const MeasureInfo* m : measures) {
    const std::string& name = m->name;
    if (!p.predict && is_perturbation_measure(name)) {
      record.insert(record.end(), perturbations_.size() * values_per_perturbation(name, net), kNaN);
      continue;
    }
    if (name == "r2") record.push_back(fit.r2);
    else if (name == "r2_weighted") record.push_back(weighted.r2);
    else if (name == "scale") record.push_back(fit.scale);
    else if (name == "converged") record.push_back(inverse.converged ? 1.0 : 0.0);
    else if (name == "recovered_threshold") record.push_back(recovery.threshold);
    else if (name == "agreement") record.push_back(recovery.agreement);
    else if (name == "aligned_reward") append(record, aligned);
    else if (name == "visits") append(record, Eigen::VectorXd(visits));
    else if (name == "reward_by_pixels_count")
      append(record, reward_by_pixels_and_count(net.space, aligned, visits, pixels_of(net)));
    else if (name == "kl_predicted")
      for (std::size_t k = 0; k < predicted.size(); ++k)
        record.push_back(kl_divergence(t.adapted[k].solution.stationary, predicted[k]->solution.stationary));
    else if (name == "predicted_information")
      for (const EfficientCodingResult* code : predicted) record.push_back(code->information);
    else if (name == "predicted_firing_probability")
      for (const EfficientCodingResult* code : predicted) {
        const std::vector<double> q = code->solution.q.on_probabilities();
        record.insert(record.end(), q.begin(), q.end());
      }
    else if (name == "predicted_tuning")
      for (const CellTypes& c : predicted_types)
        for (const Eigen::MatrixXd& curve : c.tuning) append(record, curve);
    else if (name == "predicted_cell_type")
      for (const CellTypes& c : predicted_types) record.insert(record.end(), c.group.begin(), c.group.end());
    else if (name == "predicted_cell_types")
      for (const CellTypes& c : predicted_types) record.push_back(c.types);
    else fail("measure ", name, " is not a task measure");
  }
}

void CodingPipeline::point_measures(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask&,
                                    const std::vector<const MeasureInfo*>& measures,
                                    std::vector<double>& record) const {
  const CodingPoint& p = static_cast<const CodingPoint&>(point);
  const CodingTruth& t = static_cast<const CodingTruth&>(truth);
  const EfficientCodingResult& c = t.coding;
  const Network& net = c.net;
  const Eigen::VectorXd& stationary = c.solution.stationary;
  const int pixels = pixels_of(net), n = net.n();
  const std::vector<int> by_pixels = pixels_on(net.space);
  const CellTypes cells = cell_types_of(c, p.group_tolerance);
  for (const MeasureInfo* m : measures) {
    const std::string& name = m->name;
    if (!p.predict && is_perturbation_measure(name)) {
      record.insert(record.end(), perturbations_.size() * values_per_perturbation(name, net), kNaN);
      continue;
    }
    if (name == "information") record.push_back(c.information);
    else if (name == "independent_information") record.push_back(c.independent_information);
    else if (name == "coding_updates") record.push_back(c.updates);
    else if (name == "coding_converged") record.push_back(c.converged ? 1.0 : 0.0);
    else if (name == "coding_change") record.push_back(c.change);
    else if (name == "tuning") {
      for (const Eigen::MatrixXd& curve : cells.tuning) append(record, curve);
    } else if (name == "count_distribution") {
      // p(count | m pixels on) = sum over the inputs with m pixels of p(count, x), normalised.
      const Eigen::MatrixXd per_input = count_distribution(net.space, stationary);
      const Eigen::VectorXd p_x = input_stationary(net.input);
      Eigen::MatrixXd per_pixels = Eigen::MatrixXd::Zero(pixels + 1, n + 1);
      for (int x = 0; x < net.space.nx; ++x) per_pixels.row(by_pixels[std::size_t(x)]) += p_x[x] * per_input.row(x);
      for (Eigen::Index k = 0; k <= pixels; ++k) per_pixels.row(k) /= per_pixels.row(k).sum();
      append(record, per_pixels);
    } else if (name == "readout") append(record, feature_readout(net.space, stationary, p.feature));
    else if (name == "readout_by_count") append(record, readout_by_count(net.space, stationary, p.feature));
    else if (name == "pattern_probability") {
      Eigen::VectorXd p_sigma = Eigen::VectorXd::Zero(Eigen::Index(net.space.n_sigma));
      for (std::size_t s = 0; s < net.space.size; ++s) p_sigma[Eigen::Index(net.space.sigma_of(s))] += stationary[Eigen::Index(s)];
      append(record, p_sigma);
    } else if (name == "firing_probability") {
      const std::vector<double> q = c.solution.q.on_probabilities();
      record.insert(record.end(), q.begin(), q.end());
    } else if (name == "cell_type") {
      record.insert(record.end(), cells.group.begin(), cells.group.end());
    } else if (name == "cell_types") {
      record.push_back(cells.types);
    } else if (name == "kl_baseline") {
      record.insert(record.end(), t.kl_baseline.begin(), t.kl_baseline.end());
    } else if (name == "adapted_information") {
      for (const EfficientCodingResult& code : t.adapted) record.push_back(code.information);
    } else if (name == "adapted_firing_probability") {
      for (const EfficientCodingResult& code : t.adapted) {
        const std::vector<double> q = code.solution.q.on_probabilities();
        record.insert(record.end(), q.begin(), q.end());
      }
    } else if (name == "adapted_tuning" || name == "adapted_cell_type" || name == "adapted_cell_types") {
      for (const EfficientCodingResult& code : t.adapted) {
        const CellTypes c = cell_types_of(code, p.group_tolerance);
        if (name == "adapted_tuning")
          for (const Eigen::MatrixXd& curve : c.tuning) append(record, curve);
        else if (name == "adapted_cell_type") record.insert(record.end(), c.group.begin(), c.group.end());
        else record.push_back(c.types);
      }
    } else if (name == "log_posterior") append(record, t.log_posterior);
    else if (name == "true_stationary") append(record, stationary);
    else if (name == "feature") record.insert(record.end(), p.feature.begin(), p.feature.end());
    else fail("measure ", name, " is not a point measure");
  }
}

}  // namespace nirl
