// Blahut-Arimoto alternation of MODEL.md sections 1-2.
#include "nirl/forward_solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nirl/error.hpp"
#include "nirl/numerics.hpp"
#include "nirl/soft_bellman.hpp"
#include "nirl/stationary.hpp"

namespace nirl {
namespace {

// Inner tolerances follow the outer progress: there is no point in solving v to 1e-12
// for a q that is about to change by 1e-3.
constexpr double kInnerTolFactor = 1e-2;

LogMarginals updated_marginals(const Network& net, const PolicyAverages& avg, const LogMarginals& old) {
  LogMarginals q = old;
  for (int i = 0; i < net.n(); ++i) {
    if (net.is_dead(i)) continue;
    const std::size_t k = std::size_t(i);
    const double total = avg.on[k] + avg.off[k];
    q.log_on[k] = std::log(avg.on[k] / total);
    q.log_off[k] = std::log(avg.off[k] / total);
  }
  return q;
}

double marginal_change(const LogMarginals& a, const LogMarginals& b) {
  double d = 0.0;
  for (std::size_t i = 0; i < a.log_on.size(); ++i) {
    if (std::isinf(a.log_on[i]) && std::isinf(b.log_on[i])) continue;  // dead or never firing
    d = std::max({d, std::fabs(a.log_on[i] - b.log_on[i]), std::fabs(a.log_off[i] - b.log_off[i])});
  }
  return d;
}

// SQUAREM (Varadhan & Roland 2008) on the logits theta_i = log q_i(+1) - log q_i(-1):
// from q0, q1 = F(q0), q2 = F(q1), r = q1 - q0, u = q2 - q1 - r, step
//   theta' = theta0 - 2 a r + a^2 u,  a = min(-1, -|r| / |u|).
// The Blahut-Arimoto map F converges linearly, slowly near a bifurcation; the squared
// extrapolation keeps its fixed points (r = u = 0 there) and cuts the iterations.
LogMarginals squarem_step(const Network& net, const LogMarginals& q0, const LogMarginals& q1, const LogMarginals& q2) {
  std::vector<double> r, u;
  std::vector<int> moving;
  for (int i = 0; i < net.n(); ++i) {
    const std::size_t k = std::size_t(i);
    const double t0 = q0.log_on[k] - q0.log_off[k], t1 = q1.log_on[k] - q1.log_off[k], t2 = q2.log_on[k] - q2.log_off[k];
    if (net.is_dead(i) || !std::isfinite(t0) || !std::isfinite(t1) || !std::isfinite(t2)) continue;
    moving.push_back(i);
    r.push_back(t1 - t0);
    u.push_back(t2 - t1 - (t1 - t0));
  }
  double rr = 0.0, uu = 0.0;
  for (std::size_t k = 0; k < r.size(); ++k) {
    rr += r[k] * r[k];
    uu += u[k] * u[k];
  }
  if (!(uu > 0.0)) return q2;
  const double a = std::min(-1.0, -std::sqrt(rr / uu));
  LogMarginals q = q2;
  for (std::size_t k = 0; k < moving.size(); ++k) {
    const std::size_t i = std::size_t(moving[k]);
    const double theta = (q0.log_on[i] - q0.log_off[i]) - 2.0 * a * r[k] + a * a * u[k];
    if (!std::isfinite(theta)) return q2;
    q.log_on[i] = log_sigmoid(theta);
    q.log_off[i] = log_sigmoid(-theta);
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
  if (!options.initial_q.empty()) {
    if (int(options.initial_q.size()) != net.n())
      fail("initial q needs ", net.n(), " entries (got ", options.initial_q.size(), ")");
    for (int i = 0; i < net.n(); ++i) {
      const double qi = options.initial_q[std::size_t(i)];
      if (!net.is_dead(i) && !(qi > 0.0 && qi < 1.0)) fail("initial q entries must be in (0, 1) (got ", qi, ")");
    }
    sol.q = LogMarginals::from_probabilities(net, options.initial_q);
  }

  Eigen::VectorXd& v = sol.value;
  Eigen::VectorXd& p = sol.stationary;
  Eigen::VectorXd scratch, w, p_new;
  v.setZero(Eigen::Index(S));
  // Start uniform over the states the dynamics can reach: dead neurons silent.
  std::uint64_t dead_mask = 0;
  for (int i = 0; i < net.n(); ++i)
    if (net.is_dead(i)) dead_mask |= std::uint64_t(1) << i;
  p.resize(Eigen::Index(S));
  for (std::size_t s = 0; s < S; ++s) p[Eigen::Index(s)] = (net.space.sigma_of(s) & dead_mask) ? 0.0 : 1.0;
  p /= p.sum();

  double dq = std::numeric_limits<double>::infinity();
  LogMarginals cycle_start;  // SQUAREM: q0 of the current cycle (empty between cycles)
  for (int outer = 1; outer <= options.max_outer; ++outer) {
    const double value_tol = std::max(options.value_tol, kInnerTolFactor * dq);
    const double stationary_tol = std::max(options.stationary_tol, kInnerTolFactor * dq);
    const bool final_tolerances = value_tol == options.value_tol && stationary_tol == options.stationary_tol;

    const ValueIterationResult vi =
        relative_value_iteration(net, sol.q, v, value_tol, options.max_sweeps, scratch, w);
    sol.bellman_sweeps += vi.sweeps;
    const double* wp = has_input ? w.data() : v.data();
    bool stationary_ok = true;
    if (has_input) {
      const StationaryResult st = stationary_power_iteration(net, sol.q, wp, p, stationary_tol,
                                                             options.max_sweeps, p_new, scratch);
      sol.stationary_sweeps += st.sweeps;
      sol.stationary_change = st.change;
      stationary_ok = st.converged;
    } else {
      gibbs_stationary(net, sol.q, v, p);
      sol.stationary_change = 0.0;
    }
    const PolicyAverages avg = policy_averages(net, sol.q, wp, p);
    const LogMarginals next = updated_marginals(net, avg, sol.q);
    dq = marginal_change(next, sol.q);

    sol.outer_iterations = outer;
    sol.L = vi.L;
    sol.value_span = vi.span;
    sol.mean_reward = avg.mean_reward;
    sol.coding_cost = avg.coding_cost;
    sol.q_residual = dq;
    if (progress) progress({outer, dq, vi.L});
    if (final_tolerances && dq < options.q_tol) {
      sol.converged = vi.converged && stationary_ok;
      break;  // keep the q that v and p were computed with
    }
    if (outer == options.max_outer) break;  // not converged; keep v, p and q consistent
    if (cycle_start.log_on.empty()) {
      cycle_start = sol.q;
      sol.q = next;
    } else {
      sol.q = squarem_step(net, cycle_start, sol.q, next);
      cycle_start = LogMarginals{};
    }
  }
  return sol;
}

Solution optimise_from(const Network& net, SolverOptions options, const std::vector<double>& q,
                       const std::function<void(const OuterProgress&)>& progress) {
  if (int(q.size()) != net.n()) fail("operating point needs ", net.n(), " entries (got ", q.size(), ")");
  options.initial_q = q;
  for (int i = 0; i < net.n(); ++i)
    if (!net.is_dead(i)) options.initial_q[std::size_t(i)] = std::min(std::max(q[std::size_t(i)], 1e-12), 1.0 - 1e-12);
  return optimise(net, options, progress);
}

Eigen::VectorXd expected_next_value(const Network& net, const Solution& sol) {
  if (net.space.nx == 1) return sol.value;
  Eigen::VectorXd w;
  expected_next_value(net, sol.value, w);
  return w;
}

}  // namespace nirl
