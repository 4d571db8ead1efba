#include "nirl/study/recording_pipeline.hpp"

#include <cmath>

#include "nirl/core/error.hpp"

namespace nirl {
namespace {

using L = MeasureLevel;

const RecordingPoint& as_recording(const PipelinePoint& point) { return static_cast<const RecordingPoint&>(point); }

const char* const kBounds[] = {"lower", "upper", "basic_lower", "basic_upper", "standard_error"};

std::string active_neurons(std::uint64_t sigma, int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    if ((sigma >> i) & 1) s += (s.empty() ? "" : ",") + std::to_string(i);
  return s.empty() ? "none" : s;
}

// Each bound of the intervals of `entries` values, entry-major ([entry, bound]).
void append_intervals(std::vector<double>& record, const std::vector<double>& stored, std::size_t entries,
                      std::size_t samples, double level) {
  if (stored.size() != entries * samples)
    fail("the stored resamples hold ", stored.size(), " values, expected ", entries * samples,
         " (did the recording change since its tasks ran?)");
  const std::vector<double> estimate(stored.begin(), stored.begin() + long(entries));
  std::vector<std::vector<double>> replicates;
  for (std::size_t b = 1; b < samples; ++b)
    replicates.emplace_back(stored.begin() + long(b * entries), stored.begin() + long((b + 1) * entries));
  const BootstrapIntervals ci = bootstrap_intervals(estimate, replicates, level);
  for (std::size_t j = 0; j < entries; ++j)
    for (const std::vector<double>* bound : {&ci.percentile_lower, &ci.percentile_upper, &ci.basic_lower,
                                             &ci.basic_upper, &ci.standard_error})
      record.push_back((*bound)[j]);
}

}  // namespace

RecordingPipeline::RecordingPipeline(std::function<RecordingPoint(const Assignments&)> resolve)
    : resolve_(std::move(resolve)) {}

const std::vector<MeasureInfo>& RecordingPipeline::measures() const {
  static const std::vector<MeasureInfo> all = {
      {"reward", L::task, {"state"}, "reward",
       "closed-form reward at each reference state, mean over them = 0 (bootstrap 0: the recording; k: resample k)"},
      {"reward_by_count", L::task, {"active"}, "reward",
       "R(k): mean reward of the reference states with k active neurons (NaN where none)"},
      {"reference_state", L::point, {"state"}, "pattern", "the reference state's pattern sigma (bit i: neuron i active)", true},
      {"state_visits", L::point, {"state"}, "bins", "time bins the recording spends in each reference state", true},
      {"pattern_reward", L::point, {"pattern"}, "reward", "closed-form reward of every pattern, in the same gauge"},
      {"pattern_visits", L::point, {"pattern"}, "bins", "time bins the recording spends in each pattern", true},
      {"states_by_count", L::point, {"active"}, "states", "reference states with k active neurons", true},
      {"bins_by_count", L::point, {"active"}, "bins", "time bins with k active neurons", true},
      {"unit_id", L::point, {"neuron"}, "id", "the recording's unit of each neuron (NWB unit id; else the column)", true},
      {"bins", L::point, {}, "bins", "time bins of the recording", true},
      {"clipped", L::point, {}, "entries", "(bin, neuron) counts above 1 set to 1", true},
      {"block_length", L::point, {}, "bins", "the bootstrap's block length", true},
      {"autocorrelation_time", L::point, {}, "bins", "integrated autocorrelation time of the population spike count"},
      {"fold_begin", L::point, {"fold_edge"}, "bin", "first bin of each model-choice fold, then the number of bins", true},
      {"family_parameters", L::point, {"family"}, "parameters", "free parameters of each reward family at this n", true},
      {"fold_score", L::piece, {"family", "fold"}, "nats",
       "log-probability of the fold's bins, summed, under the family fitted to the other folds"},
      {"fold_converged", L::piece, {"family", "fold"}, "1", "1 when the fold's forward solve converged", true},
      {"reward_interval", L::summary, {"state", "bound"}, "reward",
       "bootstrap interval of each reference state's reward (lower, upper: percentile; basic; standard error)"},
      {"reward_by_count_interval", L::summary, {"active", "bound"}, "reward", "bootstrap interval of R(k), as reward_interval"},
      {"fold_log_likelihood", L::summary, {"family", "fold"}, "nats per bin", "mean held-out log p(sigma_t) of each fold"},
      {"held_out_log_likelihood", L::summary, {"family"}, "nats per bin", "mean held-out log p(sigma_t) over all folds"},
      {"best_family", L::summary, {}, "index", "the family with the highest held-out log-likelihood (index on axis family)", true},
      {"margin", L::summary, {}, "nats per bin", "held-out log-likelihood of the best family minus the runner-up's"},
      {"margin_se", L::summary, {}, "nats per bin", "standard error of the margin from the paired fold differences"},
  };
  return all;
}

std::vector<std::string> RecordingPipeline::default_measures() const {
  std::vector<std::string> names;
  for (const MeasureInfo& m : measures()) names.push_back(m.name);
  return names;
}

MeasureNeeds RecordingPipeline::needs(const std::string& measure) const {
  if (measure == "reward_interval") return {{"reward"}, 2};
  if (measure == "reward_by_count_interval") return {{"reward_by_count"}, 2};
  if (measure == "fold_log_likelihood" || measure == "held_out_log_likelihood" || measure == "best_family" ||
      measure == "margin" || measure == "margin_se")
    return {{"fold_score"}, 0};
  return {};
}

std::shared_ptr<const PipelinePoint> RecordingPipeline::resolve(const Assignments& settings) const {
  auto point = std::make_shared<RecordingPoint>(resolve_(settings));
  RewardBootstrapOptions& b = point->bootstrap;
  if (!(b.lambda > 0.0) || !std::isfinite(b.lambda)) fail("recording.lambda must be > 0 (got ", b.lambda, ")");
  if (!(b.pseudocount > 0.0)) fail("recording.pseudocount must be > 0 (got ", b.pseudocount, ")");
  if (!(b.min_visits >= 1.0)) fail("recording.min_visits must be >= 1 (got ", b.min_visits, ")");
  if (!(b.level > 0.0 && b.level < 1.0)) fail("recording.level must be in (0, 1) (got ", b.level, ")");
  const int folds = point->model_choice.folds;
  if (folds != 0 && folds < 2) fail("recording.folds must be 0 or >= 2 (got ", folds, ")");
  point->recording = std::make_shared<const Recording>(read_recording(point->source));
  const Raster& raster = point->recording->raster;
  if (raster.n > kMaxRecordingNeurons)
    fail("the recording pipeline tabulates all 2^n patterns: n = ", raster.n, " exceeds ", kMaxRecordingNeurons);
  if (folds > 0 && raster.steps < std::size_t(2 * folds))
    fail(raster.steps, " time bins are too few for ", folds, " folds");
  point->plan = plan_reward_bootstrap(raster, b);
  point->model_choice.pseudocount = b.pseudocount;
  point->samples = raster.steps;
  return point;
}

std::vector<ValueAxis> RecordingPipeline::value_axes(const PipelinePoint& point) const {
  const RecordingPoint& p = as_recording(point);
  const int n = p.recording->raster.n;
  const std::size_t folds = std::size_t(p.model_choice.folds);
  std::vector<std::string> states, families, unit_ids;
  for (std::uint64_t s : p.plan.states) states.push_back(active_neurons(s, n));
  for (RewardFamily f : all_reward_families()) families.push_back(family_name(f));
  return {{"state", states.size(), states, "reference states (visited >= recording.min_visits times): active neurons", ""},
          {"active", std::size_t(n) + 1, {}, "number of active neurons", ""},
          {"pattern", std::size_t(1) << n, {}, "pattern sigma: bit i = neuron i active", "", n},
          {"neuron", std::size_t(n), {}, "neuron (column of the recording)", ""},
          {"family", families.size(), families, "reward descriptions of the model choice", ""},
          {"fold", folds, {}, "contiguous block of time bins held out", "recording.folds >= 2"},
          {"fold_edge", folds > 0 ? folds + 1 : 0, {}, "fold boundaries", "recording.folds >= 2"},
          {"bound", std::size(kBounds), std::vector<std::string>(std::begin(kBounds), std::end(kBounds)),
           "interval bounds at recording.level: percentile lower, upper; basic lower, upper; standard error", ""}};
}

std::shared_ptr<const PipelineTruth> RecordingPipeline::solve_truth(const PipelinePoint&, const SolveRunner&) const {
  return std::make_shared<const PipelineTruth>();
}

void RecordingPipeline::run_task(const PipelinePoint& point, const PipelineTruth&, const StudyGrid&, const StudyTask& task,
                                 const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const {
  const RecordingPoint& p = as_recording(point);
  const Raster& raster = p.recording->raster;
  const std::vector<double> values =
      task.bootstrap == 0 ? bootstrap_record(estimate_reward(raster, p.plan, p.bootstrap), p.plan)
                          : bootstrap_replicate(raster, p.plan, p.bootstrap, std::uint64_t(task.bootstrap - 1));
  const std::size_t m = p.plan.states.size();
  for (const MeasureInfo* measure : measures) {
    if (measure->name == "reward") record.insert(record.end(), values.begin(), values.begin() + long(m));
    else if (measure->name == "reward_by_count") record.insert(record.end(), values.begin() + long(m), values.end());
    else fail("measure ", measure->name, " is not a task measure");
  }
}

void RecordingPipeline::point_measures(const PipelinePoint& point, const PipelineTruth&, const StudyTask&,
                                       const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const {
  const RecordingPoint& p = as_recording(point);
  const Raster& raster = p.recording->raster;
  const int n = raster.n;
  for (const MeasureInfo* measure : measures) {
    const std::string& name = measure->name;
    if (name == "reference_state") {
      for (std::uint64_t s : p.plan.states) record.push_back(double(s));
    } else if (name == "state_visits") {
      record.insert(record.end(), p.plan.visits.begin(), p.plan.visits.end());
    } else if (name == "pattern_reward") {
      const Eigen::VectorXd r = estimate_reward(raster, p.plan, p.bootstrap).reward;
      record.insert(record.end(), r.data(), r.data() + r.size());
    } else if (name == "pattern_visits" || name == "bins_by_count") {
      std::vector<double> visits(name == "pattern_visits" ? std::size_t(1) << n : std::size_t(n) + 1, 0.0);
      for (std::size_t t = 0; t < raster.steps; ++t)
        visits[name == "pattern_visits" ? raster.sigma(t) : std::size_t(__builtin_popcountll(raster.sigma(t)))] += 1.0;
      record.insert(record.end(), visits.begin(), visits.end());
    } else if (name == "states_by_count") {
      std::vector<double> count(std::size_t(n) + 1, 0.0);
      for (std::uint64_t s : p.plan.states) count[std::size_t(__builtin_popcountll(s))] += 1.0;
      record.insert(record.end(), count.begin(), count.end());
    } else if (name == "unit_id") {
      for (long long id : p.recording->unit_ids) record.push_back(double(id));
    } else if (name == "bins") {
      record.push_back(double(raster.steps));
    } else if (name == "clipped") {
      record.push_back(double(p.recording->clipped));
    } else if (name == "block_length") {
      record.push_back(double(p.plan.block_length));
    } else if (name == "autocorrelation_time") {
      record.push_back(p.plan.autocorrelation_time);
    } else if (name == "family_parameters") {
      for (RewardFamily f : all_reward_families()) record.push_back(family_parameters(f, n));
    } else if (name == "fold_begin") {
      for (std::size_t b : fold_boundaries(raster.steps, p.model_choice.folds)) record.push_back(double(b));
    } else {
      fail("measure ", name, " is not a point measure");
    }
  }
}

void RecordingPipeline::run_piece(const PipelinePoint& point, const PipelineTruth&, const StudyTask& task,
                                  const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const {
  const RecordingPoint& p = as_recording(point);
  const int folds = p.model_choice.folds;
  const FoldScore s = score_fold(p.recording->raster, p.model_choice, task.piece % folds,
                                 all_reward_families().at(std::size_t(task.piece / folds)));
  for (const MeasureInfo* measure : measures) {
    if (measure->name == "fold_score") record.push_back(s.log_likelihood);
    else if (measure->name == "fold_converged") record.push_back(s.converged ? 1.0 : 0.0);
    else fail("measure ", measure->name, " is not a piece measure");
  }
}

void RecordingPipeline::summarise(const PipelinePoint& point, const StudyGrid& grid, const StoredPoint& stored,
                                  const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const {
  const RecordingPoint& p = as_recording(point);
  const std::size_t samples = std::size_t(grid.bootstraps()) + 1;  // one trial
  std::vector<ModelChoice> choice;  // computed once, when a measure needs it
  const auto model_choice = [&]() -> const ModelChoice& {
    if (choice.empty()) {
      const std::vector<double> sums = stored.values("fold_score");
      const std::size_t F = all_reward_families().size(), K = std::size_t(p.model_choice.folds);
      if (sums.size() != F * K) fail("the stored fold scores hold ", sums.size(), " values, expected ", F * K);
      std::vector<std::vector<FoldScore>> scores(F);
      for (std::size_t f = 0; f < F; ++f)
        for (std::size_t k = 0; k < K; ++k) scores[f].push_back({sums.at(f * K + k), true});
      choice.push_back(assemble_model_choice(p.recording->raster, p.model_choice, scores));
    }
    return choice.front();
  };
  for (const MeasureInfo* measure : measures) {
    const std::string& name = measure->name;
    if (name == "reward_interval") {
      append_intervals(record, stored.values("reward"), p.plan.states.size(), samples, p.bootstrap.level);
    } else if (name == "reward_by_count_interval") {
      append_intervals(record, stored.values("reward_by_count"), std::size_t(p.recording->raster.n) + 1, samples,
                       p.bootstrap.level);
    } else if (name == "fold_log_likelihood") {
      for (const FamilyScore& s : model_choice().scores)
        record.insert(record.end(), s.fold_log_likelihood.begin(), s.fold_log_likelihood.end());
    } else if (name == "held_out_log_likelihood") {
      for (const FamilyScore& s : model_choice().scores) record.push_back(s.log_likelihood);
    } else if (name == "best_family") {
      record.push_back(double(model_choice().best));
    } else if (name == "margin") {
      record.push_back(model_choice().margin);
    } else if (name == "margin_se") {
      record.push_back(model_choice().margin_se);
    } else {
      fail("measure ", name, " is not a summary measure");
    }
  }
}

}  // namespace nirl
