// Held-out model choice between reward descriptions (reward_family.hpp) for a recording
// without input (docs/model.md 2, "No input: Gibbs form", and 3a). K-fold over contiguous time
// blocks; for each fold, on the other blocks:
//   1. p_train = the state histogram with a pseudocount (closed_form.hpp);
//   2. the closed-form reward of p_train is projected onto the family by least squares
//      weighted by p_train, and the forward problem is solved for that reward at the
//      network's observed operating point: q_i = the training firing rates, v by relative
//      value iteration, p by the exact Gibbs form (docs/model.md 2, no input). For the tabular
//      family this returns p_train itself (the closed form is an exact inverse; tested), so
//      p_train is used directly. The q update of the full alternation is not run: for
//      rewards fitted to recordings it runs away to a frozen network (spikes15: every
//      q_i -> 1, the freezing of docs/model.md 5 / 8), which says nothing about the recorded
//      operating point and gives the held-out bins probability 0;
// and the held-out block is scored by its mean log-probability per time bin under the
// predicted stationary distribution, in nats. (Not the transition likelihood of 3b: in
// binned recordings several neurons change per bin, which the one-neuron-per-step
// dynamics give probability zero; the state distribution is what every bin informs.)
// lambda only scales the reward, and the predictions do not depend on it.
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "nirl/inverse/closed_form.hpp"
#include "nirl/core/forward_solver.hpp"
#include "nirl/pairwise/reward_family.hpp"
#include "nirl/sample/raster.hpp"

namespace nirl {

struct ModelChoiceOptions {
  int folds = 5;
  double pseudocount = kDefaultPseudocount;
  SolverOptions solver = loose_value_tolerance();
  // The log-probabilities need v to ~1e-9, not the 1e-12 of a forward solve.
  static SolverOptions loose_value_tolerance() {
    SolverOptions s;
    s.value_tol = 1e-9;
    return s;
  }
};

struct FamilyScore {
  RewardFamily family;
  std::vector<double> fold_log_likelihood;  // mean log p per held-out bin, per fold (nats)
  double log_likelihood = 0.0;              // over all held-out bins (nats per bin)
  bool converged = true;                    // every forward solve converged
};

struct ModelChoice {
  std::vector<std::size_t> fold_begin;  // K + 1 bin boundaries
  std::vector<FamilyScore> scores;      // tabular, pairwise, global
  std::size_t best = 0;                 // index into scores
  double margin = 0.0;                  // best minus runner-up, nats per bin
  double margin_se = 0.0;               // standard error of the margin from the K paired fold differences
};

// The Gibbs stationary distribution of the optimal dynamics for `reward` (lambda = 1) with the
// marginals held at q (q_i(+1), clamped to [1e-12, 1 - 1e-12]).
Eigen::VectorXd operating_point_distribution(int n, const Eigen::VectorXd& reward, const std::vector<double>& q,
                                             const SolverOptions& solver, bool* converged = nullptr,
                                             const Eigen::VectorXd& v0 = {});

// The predicted stationary distribution of a family from a training histogram p_train
// (smoothed, length 2^n).
Eigen::VectorXd family_prediction(RewardFamily family, int n, const Eigen::VectorXd& p_train,
                                  const SolverOptions& solver, bool* converged = nullptr);

// The pieces, so that each (fold, family) can be a task of its own (the recording pipeline):
// bin boundaries of the K contiguous folds; the summed held-out log-probability of one fold
// under one family; the scores [family][fold] (families in all_reward_families() order)
// turned into the comparison.
struct FoldScore {
  double log_likelihood = 0.0;  // sum over the fold's bins (nats)
  bool converged = true;
};
std::vector<std::size_t> fold_boundaries(std::size_t bins, int folds);
FoldScore score_fold(const Raster& raster, const ModelChoiceOptions& options, int fold, RewardFamily family);
ModelChoice assemble_model_choice(const Raster& raster, const ModelChoiceOptions& options,
                                  const std::vector<std::vector<FoldScore>>& scores);

// All of it in this process.
ModelChoice choose_reward_model(const Raster& raster, const ModelChoiceOptions& options = {});

}  // namespace nirl
