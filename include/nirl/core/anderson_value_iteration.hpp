// Relative value iteration (soft_bellman.hpp, docs/model.md section 2) accelerated by Anderson
// mixing. The map is G(v) = T(v) - T(v)(0); its residual f(v) = G(v) - v vanishes at the
// solution. From the last m pairs of differences dF_j = f_{j+1} - f_j, dG_j = G_{j+1} - G_j
// the next iterate is
//   v_{k+1} = G(v_k) - dG gamma,   gamma = argmin_gamma || f_k - dF gamma ||_2,
// the combination of recent images whose linearised residual is smallest. Near the fixed
// point T is nearly affine and the plain iteration's error lives in a few slow modes (its
// rate is the mixing rate of the asynchronous dynamics, about 1 - c/n), which the mixing
// removes. Every image G(v_k) is a full Bellman sweep, so the stopping rule is that of
// relative_value_iteration, span(T(v_k) - v_k) < tol, and on exit v = G(v_k), exactly as
// there. Guard: when a mixed iterate's span exceeds twice the smallest span since the last
// restart, or no new smallest span came in 8 sweeps, the history is dropped and the plain
// step G(v_k) taken; after 20 restarts the plain iteration (whose span never grows, T being
// monotone and commuting with constants) runs to the end, so it converges whenever the
// plain iteration does.
// The Gram sums are added over fixed blocks (parallel_reduce.hpp), so v does not depend on
// the thread count.
#pragma once
#include <Eigen/Dense>

#include "nirl/core/network.hpp"
#include "nirl/core/policy.hpp"
#include "nirl/core/soft_bellman.hpp"

namespace nirl {

// `memory` (m >= 1) difference pairs are kept; `sweeps` in the result counts Bellman sweeps.
ValueIterationResult anderson_value_iteration(const Network& net, const LogMarginals& q, Eigen::VectorXd& v,
                                              double tol, long max_sweeps, int memory);

// Arrays of S doubles the iteration allocates: the 2 m differences, the image, the residual,
// the previous image and residual, and w when the network has input.
inline std::size_t anderson_value_iteration_arrays(int memory, bool has_input) {
  return 2 * std::size_t(memory) + 4 + (has_input ? 1 : 0);
}

}  // namespace nirl
