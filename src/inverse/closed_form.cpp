#include "nirl/inverse/closed_form.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "nirl/core/error.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/detail/numerics.hpp"
#include "nirl/detail/parallel_reduce.hpp"
#include "nirl/core/state_space.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {

Eigen::VectorXd state_histogram(const Raster& raster, double pseudocount) {
  if (raster.n < 1 || raster.n > kMaxNeurons)
    fail("state histogram: n must be in [1, ", kMaxNeurons, "] (got ", raster.n, ")");
  if (!(pseudocount >= 0.0) || !std::isfinite(pseudocount))
    fail("state histogram: the pseudocount must be finite and >= 0 (got ", pseudocount, ")");
  if (raster.steps == 0 && pseudocount == 0.0) fail("state histogram: empty raster and zero pseudocount");
  const StateSpace space(raster.n, 1);
  check_memory(space.n_sigma * sizeof(double), "a histogram over 2^" + std::to_string(raster.n) + " states");

  Eigen::VectorXd p = Eigen::VectorXd::Constant(Eigen::Index(space.n_sigma), pseudocount);
  for (std::size_t t = 0; t < raster.steps; ++t) p[Eigen::Index(raster.sigma(t))] += 1.0;
  return p / (double(raster.steps) + pseudocount * double(space.n_sigma));
}

Eigen::VectorXd closed_form_reward(int n, const Eigen::VectorXd& p, double lambda) {
  if (n < 1 || n > kMaxNeurons) fail("closed-form reward: n must be in [1, ", kMaxNeurons, "] (got ", n, ")");
  if (!(lambda > 0.0) || !std::isfinite(lambda))
    fail("closed-form reward: lambda must be finite and > 0 (got ", lambda, ")");
  const StateSpace space(n, 1);
  if (std::size_t(p.size()) != space.n_sigma)
    fail("closed-form reward: p has length ", p.size(), ", expected 2^", n, " = ", space.n_sigma);
  for (std::size_t s = 0; s < space.n_sigma; ++s)
    if (!(p[Eigen::Index(s)] > 0.0) || !std::isfinite(p[Eigen::Index(s)]))
      fail("closed-form reward: p(sigma = ", s, ") = ", p[Eigen::Index(s)],
           "; p must be strictly positive and finite (use a pseudocount)");

  // mass[2i] = sum of p over sigma_i = -1, mass[2i + 1] over sigma_i = +1 (no cancellation
  // from 1 - p(sigma_i = +1)).
  const std::vector<double> mass = blocked_sums(space.n_sigma, 2 * n, [&](std::size_t begin, std::size_t end, double* acc) {
    for (std::size_t s = begin; s < end; ++s)
      for (int i = 0; i < n; ++i) acc[2 * i + int((s >> i) & 1)] += p[Eigen::Index(s)];
  });
  std::vector<double> log_marginal(mass.size());
  for (int i = 0; i < n; ++i) {
    const double total = mass[std::size_t(2 * i)] + mass[std::size_t(2 * i + 1)];
    for (int a = 0; a < 2; ++a) log_marginal[std::size_t(2 * i + a)] = std::log(mass[std::size_t(2 * i + a)] / total);
  }

  Eigen::VectorXd r(Eigen::Index(space.n_sigma));
  const double scale = lambda / n;
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(space.n_sigma) * n, space.n_sigma >= kParallelMinStates);
  team_for_static(call, space.n_sigma, [&](std::size_t s) {
    const double log_p = std::log(p[Eigen::Index(s)]);
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
      const double log_flipped = std::log(p[Eigen::Index(s ^ (std::size_t(1) << i))]);
      // log p(sigma_i | sigma_/i) = log sigmoid(log p(sigma) - log p(sigma with i flipped))
      sum += log_sigmoid(log_p - log_flipped) - log_marginal[std::size_t(2 * i + int((s >> i) & 1))];
    }
    r[Eigen::Index(s)] = scale * sum;
  });
  return r;
}

}  // namespace nirl
