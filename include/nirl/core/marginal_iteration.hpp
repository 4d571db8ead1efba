// The Blahut-Arimoto alternation of docs/model.md section 1, shared by the network solver
// (forward_solver.hpp) and the general MDP (mdp.hpp):
//   1-2. for fixed marginals q an inner solve (relative value iteration, then the
//        stationary distribution of the policy) returns the action averages
//        sum_s p(s) pi(a|s);
//   3.   q(a) <- those averages, normalised;
// repeated until q stops changing (max |change of log q(a)| < q_tol). Inner tolerances
// follow the outer progress (no point in solving v to 1e-12 for a q about to change by
// 1e-3) and are at their final values for the last iteration. The map is accelerated by
// SQUAREM (Varadhan & Roland 2008) on the logits of q, with a monotonicity guard: the plain
// map never lowers the objective L of the inner solve, and an extrapolated q that lowers it
// (beyond the inner tolerances) is replaced by the plain step q2. Without the guard a long
// extrapolation can land near the boundary (an action with q(a) ~ 0) and the map then
// converges there (the maze at lambda 0.3; networks frozen at L = 0.5 where 1.2 is reached
// by the plain map).
#pragma once
#include <functional>
#include <vector>

namespace nirl {

// Marginals as `groups` categorical distributions over `actions` actions each, stored as
// log-probabilities log_q[g * actions + a]. The network has one group per neuron with the
// actions (fire, silent); the maze one group of moves. Fixed groups (dead neurons) are
// never updated.
struct LogCategoricals {
  int groups = 0, actions = 0;
  std::vector<double> log_q;
  std::vector<bool> fixed;  // empty: none fixed

  const double* group(int g) const { return log_q.data() + std::size_t(g) * std::size_t(actions); }
  bool is_fixed(int g) const { return !fixed.empty() && fixed[std::size_t(g)]; }
};

struct MarginalIterationOptions {
  double value_tol = 1e-12, stationary_tol = 1e-13, q_tol = 1e-12;
  int max_outer = 100000;
  // Lower bound on every q(a) after each update (then renormalised; 0 = none, the network
  // solver). An action the optimum abandons has q(a) -> 0 with log q(a) falling by a constant
  // step per iteration, so the plain map never meets q_tol; held at the floor it converges,
  // and every action keeps a positive probability (the chain stays irreducible).
  double q_floor = 0.0;
  // Longest SQUAREM step |s| (0 = unbounded, the network solver): an unbounded step can
  // throw q far onto the boundary, where the guard then has to reject it.
  double max_step = 0.0;
};

struct InnerTolerances {
  double value, stationary;
};

struct InnerResult {
  std::vector<double> averages;  // sum_s p(s) pi(a|s), laid out as log_q
  double objective = 0.0;        // L of the inner solve (for the monotonicity guard)
  bool converged = true;         // the inner solves reached their tolerances
};

struct MarginalIterationResult {
  int outer_iterations = 0;
  double q_residual = 0.0;  // max |change of log q(a)| of the last update
  bool converged = false;
};

// Step 3: q(a) = averages(a) / sum_b averages(b) within each group; fixed groups kept.
LogCategoricals normalised_marginals(const std::vector<double>& averages, const LogCategoricals& old);

// max over actions of |log a(a) - log b(a)| (an action impossible in both is skipped).
double marginal_change(const LogCategoricals& a, const LogCategoricals& b);

// One SQUAREM step from q0, q1 = F(q0), q2 = F(q1) on the logits theta(a) = log q(a) -
// log q(last action): r = theta1 - theta0, u = theta2 - theta1 - r, and
//   theta' = theta0 - 2 s r + s^2 u,  s = min(-1, -|r| / |u|)
// over all groups that are not fixed and have finite logits (the others keep q2). It keeps
// the fixed points of F (r = u = 0 there); q2 when the step is undefined.
LogCategoricals squarem_step(const LogCategoricals& q0, const LogCategoricals& q1, const LogCategoricals& q2,
                             double max_step = 0.0);

// Runs the alternation from q. inner(q, tolerances) performs steps 1-2 and returns step 3's
// sums; progress(outer, q_change) is called after each. On return q holds the marginals of
// the last inner solve, so the caller's v and p belong to it. An
// extrapolated q whose inner solve throws nirl::Error (e.g. a chain the extrapolation made
// reducible) is rejected like one that lowers L.
MarginalIterationResult iterate_marginals(
    LogCategoricals& q, const MarginalIterationOptions& options,
    const std::function<InnerResult(const LogCategoricals&, const InnerTolerances&)>& inner,
    const std::function<void(int, double)>& progress = {});

}  // namespace nirl
