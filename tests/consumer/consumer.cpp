// Ten lines that use nirl: the optimal network for a reward on neurons 0 and 1 together.
#include <cstdio>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/input_chain.hpp"
#include "nirl/version.hpp"

int main() {
  Eigen::VectorXd reward = Eigen::VectorXd::Zero(8);
  reward[3] = 1.0;  // sigma = 3: neurons 0 and 1 active
  const nirl::Network net = nirl::make_network(3, nirl::no_input(), reward, 1.0, {});
  const nirl::Solution sol = nirl::optimise(net);
  std::printf("nirl %s: L = %.6f, converged %d\n", nirl::kVersion, sol.L, int(sol.converged));
  return sol.converged ? 0 : 1;
}
