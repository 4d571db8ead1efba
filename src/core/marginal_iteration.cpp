// Blahut-Arimoto alternation with SQUAREM (docs/model.md section 1).
#include "nirl/core/marginal_iteration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nirl/core/error.hpp"
#include "nirl/core/soft_backup.hpp"

namespace nirl {
namespace {

// Inner tolerances are this factor times the last change of q (down to their final values).
constexpr double kInnerTolFactor = 1e-2;

// Raises log q(a) to log_floor where it is below, and renormalises the group.
void apply_floor(LogCategoricals& q, double log_floor) {
  for (int g = 0; g < q.groups; ++g) {
    if (q.is_fixed(g)) continue;
    double* lq = q.log_q.data() + std::size_t(g) * std::size_t(q.actions);
    bool changed = false;
    for (int a = 0; a < q.actions; ++a)
      if (!(lq[a] >= log_floor)) {
        lq[a] = log_floor;
        changed = true;
      }
    if (!changed) continue;
    const double z = log_sum_exp(lq, q.actions).value();
    for (int a = 0; a < q.actions; ++a) lq[a] -= z;
  }
}

}  // namespace

LogCategoricals normalised_marginals(const std::vector<double>& averages, const LogCategoricals& old) {
  LogCategoricals q = old;
  const int m = old.actions;
  for (int g = 0; g < old.groups; ++g) {
    if (old.is_fixed(g)) continue;
    const double* avg = averages.data() + std::size_t(g) * std::size_t(m);
    double total = 0.0;
    for (int a = 0; a < m; ++a) total += avg[a];
    double* lq = q.log_q.data() + std::size_t(g) * std::size_t(m);
    for (int a = 0; a < m; ++a) lq[a] = std::log(avg[a] / total);
  }
  return q;
}

double marginal_change(const LogCategoricals& a, const LogCategoricals& b) {
  double d = 0.0;
  for (std::size_t k = 0; k < a.log_q.size(); ++k) {
    const double x = a.log_q[k], y = b.log_q[k];
    if (std::isinf(x) && std::isinf(y) && x == y) continue;  // impossible in both (dead, never chosen)
    d = std::max(d, std::fabs(x - y));
  }
  return d;
}

LogCategoricals squarem_step(const LogCategoricals& q0, const LogCategoricals& q1, const LogCategoricals& q2,
                             double max_step) {
  const int m = q0.actions, last = m - 1;
  std::vector<double> r, u;
  std::vector<int> moving;
  for (int g = 0; g < q0.groups; ++g) {
    if (q0.is_fixed(g)) continue;
    const double *a0 = q0.group(g), *a1 = q1.group(g), *a2 = q2.group(g);
    bool finite = true;
    for (int a = 0; a < last; ++a)
      finite = finite && std::isfinite(a0[a] - a0[last]) && std::isfinite(a1[a] - a1[last]) &&
               std::isfinite(a2[a] - a2[last]);
    if (!finite) continue;
    moving.push_back(g);
    for (int a = 0; a < last; ++a) {
      const double t0 = a0[a] - a0[last], t1 = a1[a] - a1[last], t2 = a2[a] - a2[last];
      r.push_back(t1 - t0);
      u.push_back(t2 - t1 - (t1 - t0));
    }
  }
  double rr = 0.0, uu = 0.0;
  for (std::size_t k = 0; k < r.size(); ++k) {
    rr += r[k] * r[k];
    uu += u[k] * u[k];
  }
  if (!(uu > 0.0)) return q2;
  double s = std::min(-1.0, -std::sqrt(rr / uu));
  if (max_step > 0.0) s = std::max(s, -max_step);
  LogCategoricals q = q2;
  std::vector<double> theta(std::size_t(m), 0.0);  // theta(last) = 0
  std::size_t k = 0;
  for (const int g : moving) {
    const double* a0 = q0.group(g);
    for (int a = 0; a < last; ++a, ++k) {
      theta[std::size_t(a)] = (a0[a] - a0[last]) - 2.0 * s * r[k] + s * s * u[k];
      if (!std::isfinite(theta[std::size_t(a)])) return q2;
    }
    // log q(a) = theta(a) - log sum_b exp(theta(b)): the log-sigmoids of a binary group.
    const LogSumExp z = log_sum_exp(theta.data(), m);
    double* lq = q.log_q.data() + std::size_t(g) * std::size_t(m);
    for (int a = 0; a < m; ++a) lq[a] = z.log_normalised(theta[std::size_t(a)]);
  }
  return q;
}

MarginalIterationResult iterate_marginals(
    LogCategoricals& q, const MarginalIterationOptions& options,
    const std::function<InnerResult(const LogCategoricals&, const InnerTolerances&)>& inner,
    const std::function<void(int, double)>& progress) {
  MarginalIterationResult res;
  double dq = std::numeric_limits<double>::infinity();
  LogCategoricals cycle_start;  // SQUAREM: q0 of the current cycle
  bool in_cycle = false;
  // The guard: after an extrapolation, the plain step q2 and the objective at q1.
  LogCategoricals plain_step;
  bool extrapolated = false;
  double reference = 0.0, reference_tol = 0.0;
  for (int outer = 1; outer <= options.max_outer; ++outer) {
    const InnerTolerances tol{std::max(options.value_tol, kInnerTolFactor * dq),
                              std::max(options.stationary_tol, kInnerTolFactor * dq)};
    const bool final_tolerances = tol.value == options.value_tol && tol.stationary == options.stationary_tol;
    InnerResult step;
    bool failed = false;
    try {
      step = inner(q, tol);
    } catch (const Error&) {
      if (!extrapolated) throw;
      failed = true;
    }
    res.outer_iterations = outer;
    // L is known to within half the span tolerance of each solve.
    if (extrapolated && (failed || !(step.objective >= reference - 0.5 * (reference_tol + tol.value))) &&
        outer < options.max_outer) {
      q = plain_step;  // the extrapolation lowered L: take the plain step, start a new cycle
      extrapolated = in_cycle = false;
      continue;
    }
    extrapolated = false;
    LogCategoricals next = normalised_marginals(step.averages, q);
    if (options.q_floor > 0.0) apply_floor(next, std::log(options.q_floor));
    dq = marginal_change(next, q);
    res.q_residual = dq;
    if (progress) progress(outer, dq);
    if (final_tolerances && dq < options.q_tol) {
      res.converged = step.converged;
      break;  // keep the q that v and p were computed with
    }
    if (outer == options.max_outer) break;  // not converged; keep v, p and q consistent
    if (!in_cycle) {
      cycle_start = q;
      q = next;
    } else {
      q = squarem_step(cycle_start, q, next, options.max_step);
      plain_step = next;
      extrapolated = true;
      reference = step.objective;
      reference_tol = tol.value;
    }
    in_cycle = !in_cycle;
  }
  return res;
}

}  // namespace nirl
