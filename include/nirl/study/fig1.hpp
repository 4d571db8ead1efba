// Fig 1F end to end (MODEL.md sections 1, 4, 7): the optimal maze agent, a sampled
// trajectory and its visit density; the reward inferred from observed (state, action)
// sequences of several lengths (r2 against the truth over the identified cells: true
// stationary probability above `threshold`), and from the exact policy; predictions with
// the inferred reward for a larger lambda and for moved walls, with KL(true re-optimised
// occupancy || predicted) against the no-adaptation baseline KL(true || the original
// policy's occupancy in the changed maze).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nirl/core/forward_solver.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/measures/measures.hpp"

namespace nirl {

struct Fig1Options {
  std::string map, moved_map;  // gridworld.hpp map texts
  double lambda = 0.05, goal_reward = 1.0;
  double larger_lambda = 0.2;             // prediction: coding cost grows
  std::vector<std::size_t> sample_sizes;  // observed steps for r2 vs data
  int trials = 3;                         // trajectories per sample size
  std::size_t trajectory_steps = 200;     // the trajectory drawn in panel F left
  double ridge = 1.0;                     // prior (ridge/2)||v||^2 of the inference
  double threshold = kIdentifiedProbability;  // identified cells: true p above this
  double damping = 0.5;                   // relative value iteration damping
  std::uint64_t seed = 0;
  SolverOptions solver;
};

struct Fig1Summary {
  int cells = 0, identified = 0;
  double exact_r2 = 0.0, exact_scale = 0.0;
  std::vector<double> mean_r2;   // per sample size, over trials
  double r2 = 0.0, scale = 0.0;  // the inference used for the predictions (largest size, trial 0)
  double kl_lambda = 0.0, kl_lambda_baseline = 0.0;
  double kl_walls = 0.0, kl_walls_baseline = 0.0;
  double L = 0.0, mean_reward = 0.0, coding_cost = 0.0;
  std::vector<double> q;
};

// Writes the /fig1 group (README "Fig 1"); `stage` names each stage as it starts.
Fig1Summary run_fig1(const Fig1Options& options, const h5::OutputFile& out,
                     const std::function<void(const std::string&)>& stage = {});

}  // namespace nirl
