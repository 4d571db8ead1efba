// The forward problem of docs/model.md sections 1-2: the Blahut-Arimoto style alternation
//   1. relative value iteration for v with q fixed (soft_bellman.hpp);
//   2. the stationary distribution of the resulting policy (stationary.hpp);
//   3. q_i(+1) <- sum_s p(s) pi_i(+1 | s);
// repeated until q stops changing. Inner solves are warm-started and run to a
// tolerance that tightens with the change in q, and to full tolerance at the end.
// Memory: O(S) arrays only (4 for nx = 1, 6 otherwise, reward included).
// SQUAREM extrapolations of step 3 are kept only when they do not lower L (the
// monotonicity guard of marginal_iteration.hpp), so L rises at every accepted step, as
// with the plain map (the two may still end at different fixed points). It finds one;
// optimum_search.hpp compares several (docs/model.md 2, "Local optima and frozen networks").
#pragma once
#include <Eigen/Dense>
#include <functional>
#include <string>
#include <vector>

#include "nirl/core/network.hpp"
#include "nirl/core/policy.hpp"

namespace nirl {

struct SolverOptions {
  double value_tol = 1e-12;       // span of T(v) - v
  double stationary_tol = 1e-13;  // L1 change of one power-iteration sweep (nx > 1)
  double q_tol = 1e-12;           // max |change of log q_i(a)| between outer iterations
  long max_sweeps = 1000000;      // per inner solve
  int max_outer = 100000;
  std::vector<double> initial_q;  // q_i(+1) to start from; empty = 0.5 for every neuron
  // held[i]: neuron i keeps q_i(+1) = initial_q[i] (it still acts and pays its coding cost
  // against that q); its entry may then be 0 or 1. Empty: every living neuron is updated.
  // Used for frozen candidates and for a cell fading out (continuation.hpp).
  std::vector<bool> held;
};

// One distinct fixed point met by a search (optimum_search.hpp).
struct LocalOptimum {
  double L = 0.0;
  std::vector<double> q;  // q_i(+1)
  std::string start;      // the first start that reached it ("uniform", "random 2", ...)
  int hits = 0;           // how many starts reached it
};

struct Solution {
  Eigen::VectorXd value;       // v, relative to state 0 (v(0) = 0)
  Eigen::VectorXd stationary;  // p(s)
  LogMarginals q;              // the marginals v and p were computed with
  double L = 0.0;              // optimal average objective E[r] - lambda E[cost]
  double mean_reward = 0.0;
  double coding_cost = 0.0;    // mean per step, (1/n) sum_i E_p[KL(pi_i || q_i)], in nats
  int outer_iterations = 0;
  long bellman_sweeps = 0, stationary_sweeps = 0;
  double value_span = 0.0;         // final span(T(v) - v)
  double stationary_change = 0.0;  // final L1 change (0 for the exact nx = 1 form)
  double q_residual = 0.0;         // max |log q_marginal - log q| at exit
  bool converged = false;
  // The distinct fixed points of a search, best first (empty for a single solve).
  std::vector<LocalOptimum> optima;
};

struct OuterProgress {
  int outer;
  double q_change;
  double L;
};

Solution optimise(const Network& net, const SolverOptions& options = {},
                  const std::function<void(const OuterProgress&)>& progress = {});

// A re-solve that starts from an operating point q_i(+1) (e.g. the unperturbed network's
// marginals, docs/model.md section 4): a changed network adapts from where it was. Entries
// of living neurons are kept inside [1e-12, 1 - 1e-12] so a frozen neuron can move.
Solution optimise_from(const Network& net, SolverOptions options, const std::vector<double>& q,
                       const std::function<void(const OuterProgress&)>& progress = {});

// w = E_x'[v] for a solution's value (for samplers and predictions).
Eigen::VectorXd expected_next_value(const Network& net, const Solution& sol);

}  // namespace nirl
