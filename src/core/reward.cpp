#include "nirl/core/reward.hpp"

#include <cmath>

#include "nirl/core/error.hpp"

namespace nirl {

Eigen::VectorXd spike_count_reward(const StateSpace& space, const std::vector<int>& targets) {
  if (int(targets.size()) != space.nx)
    fail("reward.counts needs one target per input state (", space.nx, "), got ", targets.size());
  for (int t : targets)
    if (t < 0 || t > space.n) fail("reward.counts entries must be in [0, ", space.n, "] (got ", t, ")");
  Eigen::VectorXd r(space.size);
  for (std::size_t s = 0; s < space.size; ++s)
    r[s] = spike_count(space.sigma_of(s)) == targets[space.input_of(s)] ? 1.0 : 0.0;
  return r;
}

Eigen::VectorXd ring_reward(const StateSpace& space, int m) {
  const int n = space.n;
  if (m < 1 || m > n) fail("reward.ring_m must be in [1, ", n, "] (got ", m, ")");
  Eigen::VectorXd r(space.size);
  for (std::size_t s = 0; s < space.size; ++s) {
    const std::uint64_t sigma = space.sigma_of(s);
    bool hit = false;
    if (spike_count(sigma) == m) {
      if (m == n) {
        hit = true;
      } else {
        int run_starts = 0;  // active neurons whose left neighbour is silent
        for (int i = 0; i < n; ++i)
          if (((sigma >> i) & 1) && !((sigma >> ((i + n - 1) % n)) & 1)) ++run_starts;
        hit = run_starts == 1;
      }
    }
    r[s] = hit ? 1.0 : 0.0;
  }
  return r;
}

void validate_reward(const Eigen::VectorXd& reward, const StateSpace& space, const std::string& what) {
  if (std::size_t(reward.size()) != space.size)
    fail(what, ": reward has length ", reward.size(), " but the state space has S = 2^", space.n,
         " x ", space.nx, " = ", space.size, " states");
  for (Eigen::Index s = 0; s < reward.size(); ++s)
    if (!std::isfinite(reward[s])) fail(what, ": reward of state ", s, " is not finite (", reward[s], ")");
}

}  // namespace nirl
