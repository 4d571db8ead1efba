#include "nirl/core/perturbation.hpp"

#include "nirl/core/error.hpp"

namespace nirl {

Network apply_perturbation(const Network& base, const Perturbation& change) {
  const int nx = base.space.nx;
  InputChain input = base.input;
  if (change.input) {
    if (change.input->rows() != nx || change.input->cols() != nx)
      fail("--perturb input: the matrix is ", change.input->rows(), " x ", change.input->cols(),
           " but the network has nx = ", nx, " input states");
    if (change.switch_up || change.switch_down) fail("--perturb: input conflicts with switch_up/switch_down");
    input = matrix_input(*change.input, "--perturb input");
  }
  if (change.switch_up || change.switch_down) {
    if (nx != 2) fail("--perturb switch_up/switch_down need a binary input (nx = 2); this network has nx = ", nx);
    const double up = change.switch_up.value_or(input.P(0, 1));
    const double down = change.switch_down.value_or(input.P(1, 0));
    input = telegraph_input(up, down);
  }
  std::vector<int> dead = change.dead;
  for (int i = 0; i < base.n(); ++i)
    if (base.is_dead(i)) {
      bool listed = false;
      for (int k : dead) listed = listed || k == i;
      if (!listed) dead.push_back(i);
    }
  return make_network(base.n(), input, base.reward, change.lambda.value_or(base.lambda), dead);
}

}  // namespace nirl
