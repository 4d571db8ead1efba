// Fig 5 (FIGURES.md): the ring network in the pairwise family.
//   Fig 5: n neurons on a ring, reward 1 when exactly m adjacent neurons are on, tied
//   parameters (MODEL.md 5); the optimum J(d), a raster of the drifting hill, the reward
//   inferred from a raster of the dynamics, and predictions (higher lambda, distant
//   couplings removed, pinned neurons) with the inferred vs the true reward.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "nirl/io/hdf5_io.hpp"
#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/pairwise/pseudo_likelihood.hpp"
#include "nirl/pairwise/reward_assumptions.hpp"

namespace nirl {

struct RingStudyOptions {
  int n = 12, m = 4;
  double lambda = 1.3, lambda_high = 1.5;
  int max_distance = 3;                  // Fig 5 C: couplings beyond this ring distance removed
  std::vector<int> pinned = {0, 1};      // Fig 5 D: neurons driven by an extra field
  double pin_field = 1.0;
  int random_starts = 6;                 // per changed-context solve, besides the structured ones
  std::size_t sample_interval = 1;       // neuron updates between the states the reward is inferred from
  std::uint64_t seed = 1;
  IsingForwardOptions forward;           // lambda is set per solve
  PseudoLikelihoodOptions fit;
  AssumptionOptions infer;
};

// The tied optimum of the ring task at lambda (multistart, exact).
IsingForwardResult ring_optimum(const RingStudyOptions& o, double lambda);

struct Fig5Summary {
  double F = 0.0, r2_sparse = 0.0;
  int positions_visited = 0;
  std::vector<double> kl, kl_baseline;  // per prediction: higher lambda, removed couplings, pinned
};
// raster_steps: length of the plotted raster; infer_steps: raster the reward is inferred from.
Fig5Summary run_fig5(const RingStudyOptions& o, std::size_t raster_steps, std::size_t infer_steps,
                     const h5::OutputFile& out);

// Hill centre per raster row (circular mean of the active neurons, rounded to a neuron;
// -1 when none is active).
std::vector<int> hill_positions(const std::vector<std::uint8_t>& raster, int n);

}  // namespace nirl
