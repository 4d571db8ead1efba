#include "nirl/inverse/reward_bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nirl/sample/bootstrap.hpp"
#include "nirl/core/error.hpp"

namespace nirl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Quantile with linear interpolation between order statistics (type 7), sorted input.
double quantile(const std::vector<double>& sorted, double prob) {
  const double h = (double(sorted.size()) - 1.0) * prob;
  const std::size_t lo = std::size_t(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

BootstrapPlan plan_reward_bootstrap(const Raster& raster, const RewardBootstrapOptions& options) {
  if (options.resamples < 2) fail("bootstrap: at least 2 resamples are needed (got ", options.resamples, ")");
  if (!(options.level > 0.0 && options.level < 1.0)) fail("bootstrap: the level must be in (0, 1)");
  if (!(options.lambda > 0.0)) fail("bootstrap: lambda must be > 0");
  if (!(options.min_visits >= 1.0)) fail("bootstrap: min visits must be >= 1");
  if (!raster.input.empty()) fail("bootstrap: the closed form needs a recording without input");
  BootstrapPlan plan;
  plan.n = raster.n;
  std::vector<double> count(raster.steps);
  std::vector<double> visits(std::size_t(1) << raster.n, 0.0);
  for (std::size_t t = 0; t < raster.steps; ++t) {
    const std::uint64_t s = raster.sigma(t);
    count[t] = double(__builtin_popcountll(s));
    visits[s] += 1.0;
  }
  plan.autocorrelation_time = integrated_autocorrelation_time(count);
  plan.block_length = options.block_length ? options.block_length
                                           : default_block_length(raster.steps, plan.autocorrelation_time);
  if (plan.block_length > raster.steps)
    fail("bootstrap: the block length ", plan.block_length, " exceeds the ", raster.steps, " time bins");
  for (std::size_t s = 0; s < visits.size(); ++s)
    if (visits[s] >= options.min_visits) {
      plan.states.push_back(s);
      plan.visits.push_back(visits[s]);
    }
  if (plan.states.empty()) fail("bootstrap: no state is observed at least ", options.min_visits, " times");
  return plan;
}

RewardEstimate estimate_reward(const Raster& raster, const BootstrapPlan& plan, const RewardBootstrapOptions& options,
                               const std::vector<std::size_t>& bins) {
  const std::size_t S = std::size_t(1) << plan.n;
  const std::size_t used = bins.empty() ? raster.steps : bins.size();
  std::vector<std::uint64_t> sigma(used);
  for (std::size_t k = 0; k < used; ++k) sigma[k] = raster.sigma(bins.empty() ? k : bins[k]);
  Eigen::VectorXd p = Eigen::VectorXd::Constant(Eigen::Index(S), options.pseudocount);
  for (std::uint64_t s : sigma) p[Eigen::Index(s)] += 1.0;
  RewardEstimate est;
  est.reward = closed_form_reward(plan.n, p / p.sum(), options.lambda);
  double gauge = 0.0;
  for (std::uint64_t s : plan.states) gauge += est.reward[Eigen::Index(s)];
  est.reward.array() -= gauge / double(plan.states.size());
  std::vector<double> sum(std::size_t(plan.n) + 1, 0.0), number(std::size_t(plan.n) + 1, 0.0);
  for (std::uint64_t s : plan.states) {
    const int k = __builtin_popcountll(s);
    sum[std::size_t(k)] += est.reward[Eigen::Index(s)];
    number[std::size_t(k)] += 1.0;
  }
  for (std::size_t k = 0; k < sum.size(); ++k) est.by_count.push_back(number[k] > 0 ? sum[k] / number[k] : kNaN);
  return est;
}

std::vector<double> bootstrap_record(const RewardEstimate& estimate, const BootstrapPlan& plan) {
  std::vector<double> record;
  record.reserve(plan.states.size() + estimate.by_count.size());
  for (std::uint64_t s : plan.states) record.push_back(estimate.reward[Eigen::Index(s)]);
  record.insert(record.end(), estimate.by_count.begin(), estimate.by_count.end());
  return record;
}

std::vector<double> bootstrap_replicate(const Raster& raster, const BootstrapPlan& plan,
                                        const RewardBootstrapOptions& options, std::uint64_t resample) {
  const std::vector<std::size_t> bins =
      moving_block_resample(raster.steps, plan.block_length, RandomStream(options.seed, resample));
  return bootstrap_record(estimate_reward(raster, plan, options, bins), plan);
}

BootstrapIntervals bootstrap_intervals(const std::vector<double>& estimate,
                                       const std::vector<std::vector<double>>& replicates, double level) {
  const std::size_t m = estimate.size();
  BootstrapIntervals out;
  for (auto* v : {&out.basic_lower, &out.basic_upper, &out.percentile_lower, &out.percentile_upper, &out.standard_error})
    v->assign(m, kNaN);
  const double a = (1.0 - level) / 2.0;
  std::vector<double> values;
  for (std::size_t j = 0; j < m; ++j) {
    values.clear();
    for (const std::vector<double>& r : replicates) {
      if (r.size() != m) fail("bootstrap: a replicate has ", r.size(), " entries, expected ", m);
      if (!std::isnan(r[j])) values.push_back(r[j]);
    }
    if (std::isnan(estimate[j]) || values.size() < 2 || 2 * values.size() < replicates.size()) continue;
    std::sort(values.begin(), values.end());
    const double lo = quantile(values, a), hi = quantile(values, 1.0 - a);
    out.percentile_lower[j] = lo;
    out.percentile_upper[j] = hi;
    out.basic_lower[j] = 2.0 * estimate[j] - hi;
    out.basic_upper[j] = 2.0 * estimate[j] - lo;
    double mean = 0.0, sq = 0.0;
    for (double v : values) mean += v;
    mean /= double(values.size());
    for (double v : values) sq += (v - mean) * (v - mean);
    out.standard_error[j] = std::sqrt(sq / double(values.size() - 1));
  }
  return out;
}

}  // namespace nirl
