// Fitting untied Ising parameters (h, J) to observed spin states by maximum
// pseudo-likelihood (docs/model.md section 5, inverse): minimise
//   (1/T) sum_t sum_i -log p(sigma_i(t) | sigma_/i(t)) + (ridge/2) (|h|^2 + sum_{i<j} J_ij^2),
//   p(sigma_i | sigma_/i) = sigmoid(2 sigma_i (h_i + sum_j J_ij sigma_j)),
// which is convex, with L-BFGS (LBFGS++). Identical states are counted once with their
// multiplicity; the sums run over fixed blocks of distinct states under OpenMP and are
// added in block order, so the fit does not depend on the thread count. With sigma =
// 2x - 1 the local fields are h - J 1 + 2 sum_{j active} J_j, so an evaluation costs
// about 2 U a n multiply-adds and U n sigmoids (U distinct states, a active per state).
// Stopping: the gradient norm below epsilon max(1, |x|), or an iteration that leaves the
// objective unchanged to within a few ulps (the line search finds no lower value: the
// gradient is at the floor its rounding allows, about 1e-7 on spikes15, where a further
// iteration would only divide rounding noise by itself). The default epsilon, 1e-6, is far
// below the sampling error of a gradient component (a mean over T samples, ~1/sqrt(T)).
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nirl/pairwise/active_sets.hpp"
#include "nirl/pairwise/ising_family.hpp"

namespace nirl {

// Distinct states of a raster (by their active neurons, in lexicographic order of the 0/1
// rows) and how often each occurs.
struct SpinCounts {
  ActiveSets states;
  Eigen::VectorXd counts;
  double total = 0.0;
  int n() const { return states.n(); }
};
// raster: steps x n, row-major, entries 0/1.
SpinCounts count_states(const std::vector<std::uint8_t>& raster, std::size_t steps, int n);

struct PseudoLikelihoodOptions {
  double ridge = 1e-3;
  double epsilon = 1e-6;  // gradient tolerance (absolute and relative to |x|)
  int max_iterations = 2000;
};

struct PseudoLikelihoodFit {
  IsingParams params;
  double objective = 0.0;  // the minimised objective above
  int evaluations = 0;     // of the objective and its gradient
  double gradient_norm = 0.0;  // of the objective at the returned parameters
  bool converged = false;
  std::string status;
};

// Refuses data of one distinct state, where every neuron is constant: no pairwise model
// describes them (only the penalty keeps the fitted fields finite, and moment matching with
// Gibbs chains does not settle). `nirl pairwise fit` and the Python fit call it on a user's
// raster; a study's sampled raster is fitted as it is.
void require_varied_states(const SpinCounts& data);

// progress, if given, is called after every evaluation with (evaluations, objective,
// gradient norm) at that point.
PseudoLikelihoodFit fit_pseudo_likelihood(const SpinCounts& data, const PseudoLikelihoodOptions& options = {},
                                          const std::function<void(int, double, double)>& progress = {});

// The objective and its gradient at untied parameters x = (h, J above the diagonal in
// pair_index order), for tests.
double pseudo_likelihood_objective(const SpinCounts& data, double ridge, const Eigen::VectorXd& x,
                                   Eigen::VectorXd& gradient);

}  // namespace nirl
