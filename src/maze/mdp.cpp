// General tabular MDP: forward solve, sampling and inverse (docs/model.md section 1).
#include "nirl/maze/mdp.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <limits>

#include "nirl/core/error.hpp"
#include "nirl/detail/lbfgs_fit.hpp"
#include "nirl/core/marginal_iteration.hpp"
#include "nirl/detail/numerics.hpp"
#include "nirl/detail/parallel_reduce.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/core/soft_backup.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {
namespace {

// Floor on q(a) (marginal_iteration.hpp): the maze's unused directions stay at 1e-12.
constexpr double kQFloor = 1e-12;
// Longest SQUAREM step (marginal_iteration.hpp).
constexpr double kMaxSquaremStep = 4.0;

// The soft backup of state s: fills Q(s, .) and x(a) = log q(a) + Q(s,a)/lambda.
LogSumExp state_backup(const Mdp& mdp, const Eigen::VectorXd& v, const std::vector<double>& log_q, int s, double* Q,
                       double* x) {
  action_values(mdp, v, s, Q);
  return soft_backup(log_q.data(), Q, mdp.actions, 1.0 / mdp.lambda, x);
}

struct ValueIteration {
  double L = 0.0, span = 0.0;
  long sweeps = 0;
  bool converged = false;
};

// Relative value iteration (reference state 0) from the given v until span(T(v) - v) < tol.
ValueIteration mdp_value_iteration(const Mdp& mdp, const std::vector<double>& log_q, Eigen::VectorXd& v, double tol,
                                   long max_sweeps, double damping, Eigen::VectorXd& v_new) {
  const int S = mdp.states, A = mdp.actions;
  v_new.resize(S);
  ValueIteration res;
  std::vector<double> Q0(static_cast<std::size_t>(A)), x0(static_cast<std::size_t>(A));
  while (res.sweeps < max_sweeps) {
    const double offset = mdp.reward[0] + mdp.lambda * state_backup(mdp, v, log_q, 0, Q0.data(), x0.data()).value();
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    static ThreadTeam team;
    const ThreadTeam::Call call(team, double(S) * A, std::size_t(S) >= kParallelMinStates);
#pragma omp parallel num_threads(call.threads())
    {
      std::vector<double> Q(static_cast<std::size_t>(A)), x(static_cast<std::size_t>(A));
#pragma omp for schedule(static) reduction(min : lo) reduction(max : hi)
      for (int s = 0; s < S; ++s) {
        const double t = mdp.reward[s] + mdp.lambda * state_backup(mdp, v, log_q, s, Q.data(), x.data()).value();
        const double d = t - v[s];
        lo = std::min(lo, d);
        hi = std::max(hi, d);
        v_new[s] = (1.0 - damping) * v[s] + damping * (t - offset);
      }
    }
    std::swap(v, v_new);
    ++res.sweeps;
    res.span = hi - lo;
    res.L = 0.5 * (hi + lo);
    if (res.span < tol) {
      res.converged = true;
      break;
    }
  }
  return res;
}

}  // namespace

void check_mdp(const Mdp& mdp) {
  if (mdp.states < 1 || mdp.actions < 1) fail("an MDP needs at least one state and one action");
  const std::size_t pairs = std::size_t(mdp.states) * std::size_t(mdp.actions);
  if (mdp.first.size() != pairs + 1 || mdp.first.front() != 0 || mdp.first.back() != mdp.next.size() ||
      mdp.next.size() != mdp.prob.size())
    fail("MDP successor lists are inconsistent");
  for (std::size_t k = 0; k < pairs; ++k) {
    if (mdp.first[k + 1] <= mdp.first[k]) fail("MDP state-action pair ", k, " has no successor");
    double total = 0.0;
    for (std::size_t e = mdp.first[k]; e < mdp.first[k + 1]; ++e) {
      if (mdp.next[e] < 0 || mdp.next[e] >= mdp.states) fail("MDP successor ", mdp.next[e], " out of range");
      if (!(mdp.prob[e] >= 0.0)) fail("MDP transition probabilities must be >= 0");
      total += mdp.prob[e];
    }
    if (!(std::fabs(total - 1.0) < 1e-12)) fail("MDP transition probabilities of pair ", k, " sum to ", total);
  }
  if (mdp.reward.size() != mdp.states)
    fail("MDP reward has length ", mdp.reward.size(), " (expected ", mdp.states, ")");
  if (!mdp.reward.allFinite()) fail("MDP reward must be finite");
  if (!(mdp.lambda > 0.0) || !std::isfinite(mdp.lambda)) fail("lambda must be > 0 (got ", mdp.lambda, ")");
}

void action_values(const Mdp& mdp, const Eigen::VectorXd& v, int s, double* Q) {
  for (int a = 0; a < mdp.actions; ++a) {
    const std::size_t k = mdp.pair(s, a);
    double acc = 0.0;
    for (std::size_t e = mdp.first[k]; e < mdp.first[k + 1]; ++e) acc += mdp.prob[e] * v[mdp.next[e]];
    Q[a] = acc;
  }
}

Eigen::MatrixXd mdp_policy(const Mdp& mdp, const Eigen::VectorXd& v, const std::vector<double>& log_q) {
  const int S = mdp.states, A = mdp.actions;
  Eigen::MatrixXd pi(S, A);
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(S) * A, std::size_t(S) >= kParallelMinStates);
#pragma omp parallel num_threads(call.threads())
  {
    std::vector<double> Q(static_cast<std::size_t>(A)), x(static_cast<std::size_t>(A));
#pragma omp for schedule(static)
    for (int s = 0; s < S; ++s) {
      const LogSumExp z = state_backup(mdp, v, log_q, s, Q.data(), x.data());
      for (int a = 0; a < A; ++a) pi(s, a) = std::exp(z.log_normalised(x[std::size_t(a)]));
    }
  }
  return pi;
}

Eigen::VectorXd mdp_stationary(const Mdp& mdp, const Eigen::MatrixXd& policy, int dense_limit) {
  const int S = mdp.states;
  if (S <= dense_limit) {
    // Grassmann-Taksar-Heyman elimination on the dense P_pi: only sums of non-negative
    // terms, so every p(s) comes out to full relative precision, however tiny (a
    // near-deterministic policy leaves cells with p ~ 1e-80).
    Eigen::MatrixXd P = Eigen::MatrixXd::Zero(S, S);
    for (int s = 0; s < S; ++s)
      for (int a = 0; a < mdp.actions; ++a) {
        const std::size_t k = mdp.pair(s, a);
        for (std::size_t e = mdp.first[k]; e < mdp.first[k + 1]; ++e) P(s, mdp.next[e]) += policy(s, a) * mdp.prob[e];
      }
    for (int n = S - 1; n > 0; --n) {
      const double out = P.row(n).head(n).sum();
      if (!(out > 0.0)) fail("the policy's chain has no unique stationary distribution");
      P.col(n).head(n) /= out;
      P.topLeftCorner(n, n).noalias() += P.col(n).head(n) * P.row(n).head(n);
    }
    Eigen::VectorXd p(S);
    p[0] = 1.0;
    for (int n = 1; n < S; ++n) p[n] = p.head(n).dot(P.col(n).head(n));
    return p / p.sum();
  }
  // p(0) = 1 and, for s' > 0, p(s') - sum_{s > 0} P(s -> s') p(s) = P(0 -> s'): the balance
  // equations without state 0's, a non-singular M-matrix for an irreducible chain.
  std::vector<Eigen::Triplet<double>> t;
  Eigen::VectorXd b = Eigen::VectorXd::Zero(S - 1);
  for (int s = 0; s < S; ++s) {
    if (s > 0) t.emplace_back(s - 1, s - 1, 1.0);
    for (int a = 0; a < mdp.actions; ++a) {
      const double pa = policy(s, a);
      if (pa == 0.0) continue;
      const std::size_t k = mdp.pair(s, a);
      for (std::size_t e = mdp.first[k]; e < mdp.first[k + 1]; ++e) {
        const int to = mdp.next[e];
        if (to == 0) continue;
        if (s == 0)
          b[to - 1] += pa * mdp.prob[e];
        else
          t.emplace_back(to - 1, s - 1, -pa * mdp.prob[e]);
      }
    }
  }
  Eigen::SparseMatrix<double> M(S - 1, S - 1);
  M.setFromTriplets(t.begin(), t.end());
  M.makeCompressed();
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
  lu.compute(M);
  if (lu.info() != Eigen::Success) fail("the policy's chain has no unique stationary distribution");
  Eigen::VectorXd p(S);
  p[0] = 1.0;
  p.tail(S - 1) = lu.solve(b);
  // Rounding leaves entries of order -1e-17 where p vanishes; more means lost precision.
  if (!p.allFinite() || p.minCoeff() < -1e-9 * p.maxCoeff())
    fail("the sparse stationary solve lost precision (probabilities spanning too many orders of magnitude)");
  p = p.cwiseMax(0.0);
  return p / p.sum();
}

MdpSolution solve_mdp(const Mdp& mdp, const SolverOptions& options, double damping) {
  check_mdp(mdp);
  if (!(damping > 0.0 && damping <= 1.0)) fail("damping must be in (0, 1] (got ", damping, ")");
  const int S = mdp.states, A = mdp.actions;
  LogCategoricals q;
  q.groups = 1;
  q.actions = A;
  q.log_q.assign(std::size_t(A), -std::log(double(A)));
  if (!options.initial_q.empty()) {
    if (int(options.initial_q.size()) != A)
      fail("initial q needs ", A, " entries, one per action (got ", options.initial_q.size(), ")");
    double total = 0.0;
    for (double x : options.initial_q) {
      if (!(x > 0.0)) fail("initial q entries must be > 0 (got ", x, ")");
      total += x;
    }
    for (int a = 0; a < A; ++a) q.log_q[std::size_t(a)] = std::log(options.initial_q[std::size_t(a)] / total);
  }

  MdpSolution sol;
  sol.value.setZero(S);
  Eigen::VectorXd scratch;
  auto inner = [&](const LogCategoricals& c, const InnerTolerances& tol) {
    const ValueIteration vi =
        mdp_value_iteration(mdp, c.log_q, sol.value, tol.value, options.max_sweeps, damping, scratch);
    sol.bellman_sweeps += vi.sweeps;
    sol.L = vi.L;
    sol.value_span = vi.span;
    sol.policy = mdp_policy(mdp, sol.value, c.log_q);
    sol.stationary = mdp_stationary(mdp, sol.policy);
    // Step 3's sums, the mean reward and the coding cost E_p[KL(pi(.|s) || q)], in fixed blocks.
    const std::vector<double> sums =
        blocked_sums(std::size_t(S), A + 2, [&](std::size_t b, std::size_t e, double* acc) {
          for (std::size_t s = b; s < e; ++s) {
            const double ps = sol.stationary[Eigen::Index(s)];
            for (int a = 0; a < A; ++a) {
              const double pa = sol.policy(Eigen::Index(s), a);
              acc[a] += ps * pa;
              acc[A + 1] += ps * kl_term(pa, std::log(pa), c.log_q[std::size_t(a)]);
            }
            acc[A] += ps * mdp.reward[Eigen::Index(s)];
          }
        });
    sol.mean_reward = sums[std::size_t(A)];
    sol.coding_cost = sums[std::size_t(A) + 1];
    InnerResult res;
    res.averages.assign(sums.begin(), sums.begin() + A);
    res.objective = vi.L;
    res.converged = vi.converged;
    return res;
  };
  const MarginalIterationResult outer =
      iterate_marginals(q,
                        {options.value_tol, options.stationary_tol, options.q_tol, options.max_outer, kQFloor, kMaxSquaremStep},
                        inner);
  sol.log_q = q.log_q;
  sol.outer_iterations = outer.outer_iterations;
  sol.q_residual = outer.q_residual;
  sol.converged = outer.converged;
  return sol;
}

Eigen::VectorXd mdp_reward_from_value(const Mdp& mdp, const Eigen::VectorXd& v, const std::vector<double>& log_q) {
  const int S = mdp.states, A = mdp.actions;
  Eigen::VectorXd r(S);
  std::vector<double> Q(static_cast<std::size_t>(A)), x(static_cast<std::size_t>(A));
  for (int s = 0; s < S; ++s) r[s] = v[s] - mdp.lambda * state_backup(mdp, v, log_q, s, Q.data(), x.data()).value();
  return r;
}

Trajectory sample_trajectory(const Mdp& mdp, const Eigen::MatrixXd& policy, int start, std::size_t steps,
                             std::uint64_t seed, std::uint64_t stream) {
  if (start < 0 || start >= mdp.states) fail("start state ", start, " out of range");
  const RandomStream rng(seed, stream);
  Trajectory tr;
  tr.states.reserve(steps);
  tr.actions.reserve(steps);
  int s = start;
  for (std::size_t t = 0; t < steps; ++t) {
    const auto w = rng.words(t);
    // Inverse CDF; rounding can leave u above the last partial sum: take the last possible action.
    const double u = RandomStream::uniform(w[0]);
    int a = 0;
    double cum = 0.0;
    for (int b = 0; b < mdp.actions; ++b) {
      if (policy(s, b) > 0.0) a = b;
      cum += policy(s, b);
      if (u < cum) break;
    }
    tr.states.push_back(s);
    tr.actions.push_back(a);
    const std::size_t k = mdp.pair(s, a);
    std::size_t e = mdp.first[k];
    const double u2 = RandomStream::uniform(w[1]);
    for (double c = mdp.prob[e]; e + 1 < mdp.first[k + 1] && !(u2 < c); c += mdp.prob[e]) ++e;
    s = mdp.next[e];
  }
  return tr;
}

Eigen::MatrixXd action_counts(const Mdp& mdp, const Trajectory& trajectory) {
  Eigen::MatrixXd n = Eigen::MatrixXd::Zero(mdp.states, mdp.actions);
  for (std::size_t t = 0; t < trajectory.states.size(); ++t) n(trajectory.states[t], trajectory.actions[t]) += 1.0;
  return n;
}

MdpInference infer_mdp_reward(const Mdp& mdp, const Eigen::MatrixXd& counts, const MdpInferenceOptions& options) {
  const int S = mdp.states, A = mdp.actions;
  if (counts.rows() != S || counts.cols() != A) fail("action counts must be ", S, " x ", A);
  if (!(counts.minCoeff() >= 0.0)) fail("action counts must be >= 0");
  if (!(mdp.lambda > 0.0)) fail("lambda must be > 0 (got ", mdp.lambda, ")");
  if (!(options.ridge >= 0.0)) fail("ridge must be >= 0 (got ", options.ridge, ")");
  const double steps = counts.sum();
  if (!(steps > 0.0)) fail("no observed steps");
  MdpInference result;
  for (int a = 0; a < A; ++a) result.log_q.push_back(std::log(counts.col(a).sum() / steps));
  const std::vector<double>& log_q = result.log_q;
  const double lambda = mdp.lambda, inv_lambda = 1.0 / lambda;

  // Negative log-likelihood + prior, per observed step; dNLL/dQ(s,a) = -(n(s,a) - n(s) pi(a|s)) / lambda
  // flows to v through Q(s,a) = sum_s' p(s'|s,a) v(s'). (A serial scatter: the sums stay in a fixed order.)
  auto nll = [&](const Eigen::VectorXd& v, Eigen::VectorXd& grad) {
    grad = options.ridge * v;
    double f = 0.5 * options.ridge * v.squaredNorm();
    std::vector<double> Q(static_cast<std::size_t>(A)), x(static_cast<std::size_t>(A));
    for (int s = 0; s < S; ++s) {
      const double ns = counts.row(s).sum();
      if (ns == 0.0) continue;
      const LogSumExp z = state_backup(mdp, v, log_q, s, Q.data(), x.data());
      for (int a = 0; a < A; ++a) {
        const double log_pi = z.log_normalised(x[std::size_t(a)]);
        if (counts(s, a) > 0.0) f -= counts(s, a) * log_pi;
        const double g = -(counts(s, a) - ns * std::exp(log_pi)) * inv_lambda;
        const std::size_t k = mdp.pair(s, a);
        for (std::size_t e = mdp.first[k]; e < mdp.first[k + 1]; ++e) grad[mdp.next[e]] += g * mdp.prob[e];
      }
    }
    grad /= steps;
    return f / steps;
  };

  Eigen::VectorXd v = Eigen::VectorXd::Zero(S);
  const LbfgsOutcome fit = minimise_lbfgs(nll, v, options.max_iterations, options.epsilon);
  result.iterations = fit.iterations;
  result.converged = fit.converged;
  result.status = fit.status;
  result.log_likelihood = -(fit.value * steps - 0.5 * options.ridge * v.squaredNorm());
  result.reward = mdp_reward_from_value(mdp, v, log_q);
  result.value = std::move(v);
  return result;
}

}  // namespace nirl
