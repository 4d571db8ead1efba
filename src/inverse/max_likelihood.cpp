// Maximum-likelihood inverse with input (docs/model.md 3b).
#include "nirl/inverse/max_likelihood.hpp"


#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/inverse/flip_integration.hpp"
#include "nirl/detail/lbfgs_fit.hpp"
#include "nirl/detail/numerics.hpp"
#include "nirl/detail/parallel_reduce.hpp"
#include "nirl/core/soft_bellman.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {
namespace {

LogMarginals marginals_from(const std::vector<double>& on) {
  LogMarginals q;
  for (double p : on) {
    q.log_on.push_back(std::log(p));
    q.log_off.push_back(std::log1p(-p));
  }
  return q;
}

}  // namespace

TransitionCounts expected_transition_counts(const StateSpace& space, double lambda, const Eigen::VectorXd& w,
                                            const LogMarginals& q, const Eigen::VectorXd& p, double steps) {
  TransitionCounts c;
  c.space = space;
  const int n = space.n;
  const Eigen::Index S = Eigen::Index(space.size);
  c.stay.setZero(S);
  c.flip.setZero(n, S);
  c.visits.setZero(Eigen::Index(space.n_sigma), space.nx);
  for (Eigen::Index s = 0; s < S; ++s) {
    const std::uint64_t sigma = space.sigma_of(std::size_t(s));
    const double ps = p[s] * steps;
    c.visits(Eigen::Index(sigma), space.input_of(std::size_t(s))) += ps;
    for (int i = 0; i < n; ++i) {
      const double z = flip_logit(w.data(), std::size_t(s) - sigma, sigma, i, 1.0 / lambda, q);
      const double a = ((sigma >> i) & 1) ? z : -z;  // logit of keeping the current state
      // Both from the signed logit: 1 - sigmoid(a) would round flips below 1e-16 to 0.
      c.stay[s] += ps * sigmoid(a) / n;
      c.flip(i, s) += ps * sigmoid(-a) / n;
    }
  }
  c.on = q.on_probabilities();
  c.steps = steps;
  return c;
}

double negative_log_likelihood(const TransitionCounts& counts, const Eigen::MatrixXd& P, double lambda,
                               const LogMarginals& q, double ridge, const Eigen::VectorXd& v,
                               Eigen::VectorXd& gradient) {
  return negative_log_likelihood(counts, InputChain{P, {}}, lambda, q, ridge, v, gradient);
}

double negative_log_likelihood(const TransitionCounts& counts, const InputChain& input, double lambda,
                               const LogMarginals& q, double ridge, const Eigen::VectorXd& v,
                               Eigen::VectorXd& gradient) {
  const StateSpace& space = counts.space;
  const int n = space.n;
  const std::size_t S = space.size, N = std::size_t(n);
  const double inv_lambda = 1.0 / lambda, log_n = std::log(double(n));
  Eigen::VectorXd w;
  apply_input_chain(space, input, false, v, w);
  // dNLL/dz_i(s) for every neuron and state (the inverse keeps this n x S table).
  Eigen::MatrixXd dz = Eigen::MatrixXd::Zero(n, Eigen::Index(S));
  const double* flip = counts.flip.data();  // flip(i, s) = flip[s * n + i]
  // Restructured for speed: the observed states of a block are taken kChunk at a time,
  // neuron by neuron, so that every per-(state, neuron) loop runs over the chunk's states
  // and vectorises; each state's sums still run over the neurons in order, and the
  // block's sum over the states in state order, as a per-state loop would.
  constexpr int kChunk = 64;
  auto block = [&](std::size_t b, std::size_t e, double* acc) NIRL_VECTOR_CLONES {
    double* buf = thread_scratch(3 * N * kChunk);
    double *keep = buf, *ex = buf + N * kChunk, *ls = buf + 2 * N * kChunk;  // [neuron][state of the chunk]
    alignas(64) double on[kChunk], off[kChunk], lse[kChunk], ll[kChunk], stay[kChunk];
    std::size_t idx[kChunk];
    for (std::size_t s = b; s < e;) {
      int m = 0;  // the next (up to) kChunk states with observations
      for (; s < e && m < kChunk; ++s) {
        double flips = 0.0;
        for (std::size_t i = 0; i < N; ++i) flips += flip[s * N + i];
        if (counts.stay[Eigen::Index(s)] != 0.0 || flips != 0.0) idx[m++] = s;
      }
      for (int k = 0; k < m; ++k) {
        stay[k] = counts.stay[Eigen::Index(idx[k])];
        lse[k] = -std::numeric_limits<double>::infinity();
      }
      for (std::size_t i = 0; i < N; ++i) {
        const std::uint64_t bit = std::uint64_t(1) << i;
        for (int k = 0; k < m; ++k) {
          const std::uint64_t sigma = space.sigma_of(idx[k]);
          const std::size_t base = idx[k] - sigma;
          on[k] = w[Eigen::Index(base + (sigma | bit))];
          off[k] = w[Eigen::Index(base + (sigma & ~bit))];
        }
        const double dq = q.log_on[i] - q.log_off[i];
        double *a = keep + i * kChunk, *ei = ex + i * kChunk, *lsi = ls + i * kChunk;
#pragma omp simd
        for (int k = 0; k < m; ++k) {
          const double z = (on[k] - off[k]) * inv_lambda + dq;  // flip_logit
          a[k] = ((idx[k] >> i) & 1) ? z : -z;                   // logit of keeping the current state
          ei[k] = exp_nonpositive(-std::fabs(a[k]));
          lsi[k] = log_sigmoid_given(a[k], ei[k]);
        }
        log_sum_exp2_n(lse, lsi, lse, m);
      }
      for (int k = 0; k < m; ++k) ll[k] = stay[k] > 0.0 ? stay[k] * (lse[k] - log_n) : 0.0;
      for (std::size_t i = 0; i < N; ++i) {
        const double *a = keep + i * kChunk, *ei = ex + i * kChunk, *lsi = ls + i * kChunk;
        alignas(64) double d[kChunk];
#pragma omp simd
        for (int k = 0; k < m; ++k) {
          const double f = flip[idx[k] * N + i];
          // log sigmoid(-a) shares exp(-|a|) with log sigmoid(a); f = 0 adds exactly 0.
          ll[k] += f * (log_sigmoid_given(-a[k], ei[k]) - log_n);
          const double d_ll_da = -f * sigmoid_given(a[k], ei[k]) +
                                 stay[k] * exp_nonpositive(lsi[k] - lse[k]) * sigmoid_given(-a[k], ei[k]);
          d[k] = ((idx[k] >> i) & 1) ? -d_ll_da : d_ll_da;
        }
        for (int k = 0; k < m; ++k) dz(Eigen::Index(i), Eigen::Index(idx[k])) = d[k];
      }
      for (int k = 0; k < m; ++k) acc[0] += ll[k];
    }
  };
  const double log_likelihood = blocked_sums(S, 1, block)[0];
  // Pull the gradient onto w: z_i(s) = (w(s with i on) - w(s with i off))/lambda + const,
  // and z_i is shared by s and s^i, so state t collects from both.
  Eigen::VectorXd grad_w(static_cast<Eigen::Index>(S));
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(S) * n, S >= kParallelMinStates);
  team_for_static(call, S, [&](std::size_t t) {
    double acc = 0.0;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t bit = std::uint64_t(1) << i;
      const double both = dz(i, Eigen::Index(t)) + dz(i, Eigen::Index(t ^ bit));
      acc += (t & bit) ? both : -both;
    }
    grad_w[Eigen::Index(t)] = acc * inv_lambda;
  });
  // w = V P^T, so dNLL/dV = dNLL/dW P.
  apply_input_chain(space, input, true, grad_w, gradient);
  gradient += ridge * v;
  gradient /= counts.steps;
  return (-log_likelihood + 0.5 * ridge * v.squaredNorm()) / counts.steps;
}

Eigen::VectorXd reward_from_value(const StateSpace& space, const InputChain& input, double lambda,
                                  const LogMarginals& q, const Eigen::VectorXd& v) {
  Eigen::VectorXd w, r(v.size());
  apply_input_chain(space, input, false, v, w);
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(space.size) * space.n, space.size >= kParallelMinStates);
  team_for_static(call, space.size, [&](std::size_t s) {
    r[Eigen::Index(s)] = v[Eigen::Index(s)] - soft_value_sum(space, lambda, q, w.data(), s);
  });
  return r;
}

LikelihoodInference max_likelihood_reward(const TransitionCounts& counts, const InputChain& input, double lambda,
                                    const MaxLikelihoodOptions& options) {
  const StateSpace& space = counts.space;
  if (input.nx() != space.nx) fail("the input chain has ", input.nx(), " states but the counts use ", space.nx);
  if (!(lambda > 0.0)) fail("lambda must be > 0 (got ", lambda, ")");
  if (!(options.ridge >= 0.0)) fail("ridge must be >= 0 (got ", options.ridge, ")");
  const LogMarginals q = marginals_from(counts.on);

  Eigen::VectorXd v = Eigen::VectorXd::Zero(Eigen::Index(space.size));
  if (options.warm_start == MaxLikelihoodOptions::Start::flips) {
    v = value_from_flips(counts, input, lambda, options.pseudocount);
  } else if (options.warm_start == MaxLikelihoodOptions::Start::histogram) {
    // Closed form (docs/model.md 3a) per input value: v(sigma, x) = lambda [log p(sigma|x) - sum_i log q_i(sigma_i)].
    const double pc = options.pseudocount;
    for (int x = 0; x < space.nx; ++x) {
      const double total = counts.visits.col(x).sum() + pc * double(space.n_sigma);
      for (std::size_t sigma = 0; sigma < space.n_sigma; ++sigma) {
        double lq = 0.0;
        for (int i = 0; i < space.n; ++i)
          lq += ((sigma >> i) & 1) ? q.log_on[std::size_t(i)] : q.log_off[std::size_t(i)];
        v[Eigen::Index(space.index(sigma, x))] =
            lambda * (std::log((counts.visits(Eigen::Index(sigma), x) + pc) / total) - lq);
      }
    }
    v.array() -= v.mean();
  }

  LikelihoodInference result;
  const LbfgsOutcome fit = minimise_lbfgs(
      [&](const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
        return negative_log_likelihood(counts, input, lambda, q, options.ridge, x, grad);
      },
      v, options.max_iterations, options.epsilon);
  result.iterations = fit.iterations;
  result.evaluations = fit.evaluations;
  result.converged = fit.converged;
  result.status = fit.status;
  result.log_likelihood = -(fit.value * counts.steps - 0.5 * options.ridge * v.squaredNorm());
  result.reward = reward_from_value(space, input, lambda, q, v);
  result.value = std::move(v);
  return result;
}

}  // namespace nirl
