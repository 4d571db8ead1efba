// Blahut-Arimoto alternation of docs/model.md sections 1-2 for the network (marginal_iteration.hpp).
#include "nirl/core/forward_solver.hpp"

#include <algorithm>

#include "nirl/core/error.hpp"
#include "nirl/core/marginal_iteration.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/core/soft_bellman.hpp"
#include "nirl/core/stationary.hpp"

namespace nirl {
namespace {

// The network's marginals as categoricals (marginal_iteration.hpp): one group per neuron,
// actions (fire, silent), so the SQUAREM logit is log q_i(+1) - log q_i(-1).
LogCategoricals as_categoricals(const Network& net, const LogMarginals& q, const std::vector<bool>& held) {
  LogCategoricals c;
  c.groups = net.n();
  c.actions = 2;
  for (int i = 0; i < net.n(); ++i) {
    c.log_q.push_back(q.log_on[std::size_t(i)]);
    c.log_q.push_back(q.log_off[std::size_t(i)]);
    c.fixed.push_back(net.is_dead(i) || (i < int(held.size()) && held[std::size_t(i)]));
  }
  return c;
}

LogMarginals as_marginals(const LogCategoricals& c) {
  LogMarginals q;
  for (int i = 0; i < c.groups; ++i) {
    q.log_on.push_back(c.group(i)[0]);
    q.log_off.push_back(c.group(i)[1]);
  }
  return q;
}

}  // namespace

Solution optimise(const Network& net, const SolverOptions& options,
                  const std::function<void(const OuterProgress&)>& progress) {
  const std::size_t S = net.space.size;
  const bool has_input = net.space.nx > 1;
  Solution sol;
  sol.q = LogMarginals::uniform(net);
  if (!options.held.empty()) {
    if (int(options.held.size()) != net.n()) fail("held needs ", net.n(), " entries (got ", options.held.size(), ")");
    if (options.initial_q.empty()) fail("held neurons need initial_q");
  }
  if (!options.initial_q.empty()) {
    if (int(options.initial_q.size()) != net.n())
      fail("initial q needs ", net.n(), " entries (got ", options.initial_q.size(), ")");
    for (int i = 0; i < net.n(); ++i) {
      const double qi = options.initial_q[std::size_t(i)];
      const bool held = !options.held.empty() && options.held[std::size_t(i)];
      if (net.is_dead(i)) continue;
      if (held ? !(qi >= 0.0 && qi <= 1.0) : !(qi > 0.0 && qi < 1.0))
        fail("initial q entries must be in (0, 1) (got ", qi, ")");
    }
    sol.q = LogMarginals::from_probabilities(net, options.initial_q);
  }

  Eigen::VectorXd& v = sol.value;
  Eigen::VectorXd& p = sol.stationary;
  Eigen::VectorXd scratch, w, p_new;
  resize_on_huge_pages(v, Eigen::Index(S));
  v.setZero();
  // Start uniform over the states the dynamics can reach: dead neurons silent.
  const std::uint64_t dead_mask = net.dead_mask();
  resize_on_huge_pages(p, Eigen::Index(S));
  for (std::size_t s = 0; s < S; ++s) p[Eigen::Index(s)] = (net.space.sigma_of(s) & dead_mask) ? 0.0 : 1.0;
  p /= p.sum();

  // Steps 1-2 for given q; step 3 and the outer loop are iterate_marginals'.
  auto inner = [&](const LogCategoricals& c, const InnerTolerances& tol) {
    sol.q = as_marginals(c);
    const ValueIterationResult vi = relative_value_iteration(net, sol.q, v, tol.value, options.max_sweeps, scratch, w);
    sol.bellman_sweeps += vi.sweeps;
    const double* wp = has_input ? w.data() : v.data();
    bool stationary_ok = true;
    if (has_input) {
      const StationaryResult st = stationary_power_iteration(net, sol.q, wp, p, tol.stationary,
                                                             options.max_sweeps, p_new, scratch);
      sol.stationary_sweeps += st.sweeps;
      sol.stationary_change = st.change;
      stationary_ok = st.converged;
    } else {
      gibbs_stationary(net, sol.q, v, p);
      sol.stationary_change = 0.0;
    }
    const PolicyAverages avg = policy_averages(net, sol.q, wp, p);
    sol.L = vi.L;
    sol.value_span = vi.span;
    sol.mean_reward = avg.mean_reward;
    sol.coding_cost = avg.coding_cost;
    InnerResult res;
    for (int i = 0; i < net.n(); ++i) {
      res.averages.push_back(avg.on[std::size_t(i)]);
      res.averages.push_back(avg.off[std::size_t(i)]);
    }
    res.objective = vi.L;
    res.converged = vi.converged && stationary_ok;
    return res;
  };
  LogCategoricals q = as_categoricals(net, sol.q, options.held);
  const MarginalIterationResult outer = iterate_marginals(
      q, {options.value_tol, options.stationary_tol, options.q_tol, options.max_outer}, inner,
      [&](int k, double dq) {
        if (progress) progress({k, dq, sol.L});
      });
  sol.q = as_marginals(q);
  sol.outer_iterations = outer.outer_iterations;
  sol.q_residual = outer.q_residual;
  sol.converged = outer.converged;
  return sol;
}

Solution optimise_from(const Network& net, SolverOptions options, const std::vector<double>& q,
                       const std::function<void(const OuterProgress&)>& progress) {
  if (int(q.size()) != net.n()) fail("operating point needs ", net.n(), " entries (got ", q.size(), ")");
  options.initial_q = q;
  for (int i = 0; i < net.n(); ++i)
    if (!net.is_dead(i) && !(i < int(options.held.size()) && options.held[std::size_t(i)]))
      options.initial_q[std::size_t(i)] = std::min(std::max(q[std::size_t(i)], 1e-12), 1.0 - 1e-12);
  return optimise(net, options, progress);
}

Eigen::VectorXd expected_next_value(const Network& net, const Solution& sol) {
  if (net.space.nx == 1) return sol.value;
  Eigen::VectorXd w;
  expected_next_value(net, sol.value, w);
  return w;
}

}  // namespace nirl
