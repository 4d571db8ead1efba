// Confidence intervals of the closed-form reward (docs/model.md 3a) of a recording without
// input, by a moving-block bootstrap over time bins (bootstrap.hpp): resample b draws its
// blocks from the Philox stream (seed, b), re-estimates the reward and its summaries, and
// is one independent task of the MPI experiment runner (task_runner.hpp).
//
// Gauge: the reward is defined up to a constant; every estimate (and a truth compared with
// it) is shifted so that its mean over the reference states is 0. The reference states are
// those observed at least min_visits times in the full recording (fixed before resampling,
// so every resample uses the same gauge); per-state intervals are given for them.
// Summary: reward vs spike count, R(k) = mean reward over the reference states with k active
// neurons (fixed weights, so it is as well calibrated as the states it averages; a
// visit-weighted mean correlates the weights with the estimates and under-covered, 0.68 in
// the calibration); NaN where no reference state has k active.
// Intervals: percentile, [q_(a/2), q_(1-a/2)] of the replicates (the calibration of
// tests/unit/reward_bootstrap_test.cpp: 0.94 coverage at 95%); the basic bootstrap
// [2 theta - q_(1-a/2), 2 theta - q_(a/2)] is also computed but under-covers (0.87): the
// closed form's sampling distribution is skewed (logs of counts), which the reflection of
// the basic interval gets the wrong way round.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "nirl/inverse/closed_form.hpp"
#include "nirl/sample/raster.hpp"

namespace nirl {

struct RewardBootstrapOptions {
  int resamples = 200;
  std::size_t block_length = 0;  // 0 = default_block_length of the population count
  double lambda = 1.0;
  double pseudocount = kDefaultPseudocount;
  double min_visits = 10;        // reference states
  double level = 0.95;
  std::uint64_t seed = 0;
};

struct BootstrapPlan {
  int n = 0;
  std::size_t block_length = 0;
  double autocorrelation_time = 0.0;   // of the population count, in bins
  std::vector<std::uint64_t> states;   // reference states, increasing
  std::vector<double> visits;          // their visit counts
};

// Resolves the block length and the reference states (fails when none is visited enough).
BootstrapPlan plan_reward_bootstrap(const Raster& raster, const RewardBootstrapOptions& options);

struct RewardEstimate {
  Eigen::VectorXd reward;       // all 2^n states, gauge-fixed
  std::vector<double> by_count;  // n + 1 entries, R(k) over the reference states
};

// The estimate from the bins listed (with repetition; empty = every bin once).
RewardEstimate estimate_reward(const Raster& raster, const BootstrapPlan& plan, const RewardBootstrapOptions& options,
                               const std::vector<std::size_t>& bins = {});

// Flat record: [reward at the reference states (m), R(0..n)] of one estimate.
std::vector<double> bootstrap_record(const RewardEstimate& estimate, const BootstrapPlan& plan);
// The record of resample b (stream (seed, b)).
std::vector<double> bootstrap_replicate(const Raster& raster, const BootstrapPlan& plan,
                                        const RewardBootstrapOptions& options, std::uint64_t resample);

struct BootstrapIntervals {
  std::vector<double> basic_lower, basic_upper, percentile_lower, percentile_upper, standard_error;
};
// Per entry of the records; entries whose estimate is NaN, or that are NaN in more than
// half of the replicates, get NaN bounds.
BootstrapIntervals bootstrap_intervals(const std::vector<double>& estimate,
                                       const std::vector<std::vector<double>>& replicates, double level);

}  // namespace nirl
