// Goodness of fit of a pairwise (Ising) model to the spin states it was fitted to (docs/model.md
// section 5): whether p_theta reproduces what the data show, compared statistic by statistic:
//  - firing probabilities P(sigma_i active), model vs data;
//  - connected correlations c_ij = P(i and j active) - P(i) P(j) over the pairs: the
//    least-squares slope of model on data and their squared Pearson correlation r2;
//  - the distribution of the number of active neurons, by its total-variation distance
//    (TV) and the model's mass on counts the data never show.
// Model statistics are exact (enumeration, n <= kMaxExactIsingNeurons) or from persistent
// Gibbs chains (Philox streams (seed, c)), whose error is stated.
//
// The check fails when TV exceeds max(tv_floor, 5 x the TV expected from the data's
// sampling error alone, sum_k sqrt(P_k (1 - P_k) / T) / sqrt(2 pi)), or when the model puts
// more than `unsupported_threshold` of its mass on counts the data never show: a model
// with a mode the data never visit (an all-on state) fails both.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <string>

#include "nirl/pairwise/ising_family.hpp"
#include "nirl/pairwise/pseudo_likelihood.hpp"

namespace nirl {

struct FitCheckOptions {
  // Gibbs sampling of the model (n > kMaxExactIsingNeurons).
  int chains = 16, burn_in = 500, samples_per_chain = 2500, thin = 2;
  std::uint64_t seed = 1;
  double tv_floor = 0.02;              // the TV threshold is at least this
  double unsupported_threshold = 0.01;  // model mass allowed on counts the data lack
};

struct FitCheck {
  bool exact = true;                         // model statistics by enumeration
  double model_samples = 0.0;                // Gibbs samples used (0 when exact)
  Eigen::VectorXd data_rates, model_rates;   // P(neuron i active)
  double rate_max_error = 0.0;               // max_i |model - data|
  double correlation_slope = 0.0, correlation_r2 = 0.0;
  Eigen::VectorXd data_counts, model_counts;  // P(k active), k = 0..n
  double count_tv = 0.0, tv_threshold = 0.0;
  double unsupported_mass = 0.0;  // model mass on counts never observed
  bool passed = true;
  std::string problem;  // one line when the check fails
};

FitCheck check_fit(const SpinCounts& data, const IsingParams& params, const FitCheckOptions& options = {});

}  // namespace nirl
