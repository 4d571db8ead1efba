// A general tabular MDP and its entropy-regularised optimum (docs/model.md section 1):
// states s, actions a, sparse transitions p(s'|s,a) (successor lists in CSR form), a
// reward r(s) received in the current state, and the coding cost lambda.
//
// solve_mdp is the Blahut-Arimoto alternation of marginal_iteration.hpp with
//   1. relative value iteration (reference state 0) on
//        v(s) + L = r(s) + lambda log sum_a q(a) exp(Q(s,a)/lambda),  Q(s,a) = sum_s' p(s'|s,a) v(s'),
//      each state's backup by soft_backup.hpp, OpenMP over states; optionally damped,
//      v <- (1 - d) v + d T(v), which keeps the fixed points and makes a periodic chain
//      converge;
//   2. the stationary distribution of pi(a|s) = q(a) exp(Q(s,a)/lambda) / Z(s) by a direct
//      solve (exact, whatever the chain's mixing time; mdp_stationary);
//   3. q(a) <- sum_s p(s) pi(a|s), with the monotonicity guard, a SQUAREM step of at most 4
//      and a floor q(a) >= 1e-12 (marginal_iteration.hpp; unused directions sit at the floor).
// The chain must be unichain (one recurrent class), as an episodic maze with its reset is.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "nirl/core/forward_solver.hpp"

namespace nirl {

struct Mdp {
  int states = 0, actions = 0;
  // The successors of (s, a) are entries first[k] .. first[k + 1] - 1 of next / prob,
  // k = s * actions + a.
  std::vector<std::size_t> first;
  std::vector<int> next;
  std::vector<double> prob;
  Eigen::VectorXd reward;  // [states]
  double lambda = 1.0;

  std::size_t pair(int s, int a) const { return std::size_t(s) * std::size_t(actions) + std::size_t(a); }
};

// Throws nirl::Error naming the problem: sizes, successor indices, probabilities that are
// negative or do not sum to 1, a non-finite reward, lambda <= 0.
void check_mdp(const Mdp& mdp);

// Q(s, a) = sum_s' p(s'|s,a) v(s') for every action of s.
void action_values(const Mdp& mdp, const Eigen::VectorXd& v, int s, double* Q);

// pi(a|s) of the soft-optimal policy for v and log q, as an S x A matrix.
Eigen::MatrixXd mdp_policy(const Mdp& mdp, const Eigen::VectorXd& v, const std::vector<double>& log_q);

// The stationary distribution of a policy (S x A): up to dense_limit states by
// Grassmann-Taksar-Heyman elimination (O(S^3), every entry to full relative precision),
// above by a sparse LU solve of the balance equations. Throws if the chain has no unique
// stationary distribution.
inline constexpr int kDenseStationaryLimit = 1024;
Eigen::VectorXd mdp_stationary(const Mdp& mdp, const Eigen::MatrixXd& policy, int dense_limit = kDenseStationaryLimit);

struct MdpSolution {
  Eigen::VectorXd value;       // v, v(0) = 0
  Eigen::VectorXd stationary;  // p_pi(s)
  Eigen::MatrixXd policy;      // pi(a|s), S x A
  std::vector<double> log_q;   // log q(a)
  double L = 0.0;              // optimal average objective E[r] - lambda E[KL(pi || q)]
  double mean_reward = 0.0, coding_cost = 0.0;
  int outer_iterations = 0;
  long bellman_sweeps = 0;
  double value_span = 0.0, q_residual = 0.0;
  bool converged = false;
};

// options.initial_q, when given, is q(a) for each action (default uniform); damping d in (0, 1].
MdpSolution solve_mdp(const Mdp& mdp, const SolverOptions& options = {}, double damping = 1.0);

// The reward that makes v optimal for q: r(s) = v(s) - lambda log sum_a q(a) exp(Q(s,a)/lambda)
// (the Bellman equation read backwards, up to the constant L).
Eigen::VectorXd mdp_reward_from_value(const Mdp& mdp, const Eigen::VectorXd& v, const std::vector<double>& log_q);

// A sampled trajectory: states[t] and the action taken there, actions[t].
struct Trajectory {
  std::vector<std::int32_t> states, actions;
};

// `steps` steps of the policy from state `start`, from the Philox stream (seed, stream):
// step t draws the action from word 0 and the successor from word 1 of counter t.
Trajectory sample_trajectory(const Mdp& mdp, const Eigen::MatrixXd& policy, int start, std::size_t steps,
                             std::uint64_t seed, std::uint64_t stream);

// Counts n(s, a) of a trajectory (S x A).
Eigen::MatrixXd action_counts(const Mdp& mdp, const Trajectory& trajectory);

struct MdpInferenceOptions {
  double ridge = 1.0;         // prior (ridge/2)||v||^2 added to the summed negative log-likelihood
  int max_iterations = 5000;  // L-BFGS
  double epsilon = 1e-8;      // gradient tolerance relative to max(1, ||v||) (1e-10 is below
                              // the precision of the objective on 1e6 exact counts)
};

struct MdpInference {
  Eigen::VectorXd reward, value;  // reward up to an additive constant
  std::vector<double> log_q;      // empirical action frequencies used
  double log_likelihood = 0.0;    // sum over the data of log pi_v(a|s)
  bool converged = false;
  int iterations = 0;
  std::string status;
};

// Inverse RL of docs/model.md section 1: with q the empirical action frequencies, maximise
// sum_{s,a} n(s,a) log pi_v(a|s) - (ridge/2)||v||^2 over v (concave) with L-BFGS, then read
// the reward off the Bellman equation. counts: n(s, a), S x A (may be fractional: expected
// counts of an exact policy). The MDP's own reward is not used.
MdpInference infer_mdp_reward(const Mdp& mdp, const Eigen::MatrixXd& counts, const MdpInferenceOptions& options = {});

}  // namespace nirl
