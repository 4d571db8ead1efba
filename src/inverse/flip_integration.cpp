// Warm start of the ML inverse from the flip frequencies (docs/model.md 2 and 3b).
#include "nirl/inverse/flip_integration.hpp"

#include <Eigen/SparseCholesky>
#include <algorithm>
#include <cmath>
#include <vector>

#include "nirl/core/error.hpp"
#include "nirl/detail/parallel_reduce.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {
namespace {

// W (n_sigma x nx) -> V with W = V P^T.
Eigen::MatrixXd undo_input_chain(const InputChain& input, const Eigen::MatrixXd& W) {
  bool invertible = input.factored();
  for (const Eigen::Matrix2d& F : input.factors) invertible = invertible && std::fabs(F.determinant()) > 1e-12;
  if (invertible) {
    // (kron_j F_j)^-1 = kron_j F_j^-1, applied factor by factor.
    InputChain inverse;
    for (const Eigen::Matrix2d& F : input.factors) inverse.factors.push_back(F.inverse());
    Eigen::MatrixXd V(W.rows(), W.cols());
    inverse.apply_factored(std::size_t(W.rows()), W.data(), V.data(), false);
    return V;
  }
  // P V^T = W^T, least squares (minimum norm) where P is singular.
  return Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>(input.P).solve(W.transpose()).transpose();
}

}  // namespace

Eigen::VectorXd value_from_flips(const TransitionCounts& counts, const InputChain& input, double lambda,
                                 double pseudocount) {
  const StateSpace& space = counts.space;
  if (!(pseudocount > 0.0) || !std::isfinite(pseudocount))
    fail("the flip warm start needs a finite pseudocount > 0 (got ", pseudocount, ")");
  if (input.nx() != space.nx) fail("the input chain has ", input.nx(), " states but the counts use ", space.nx);
  const int n = space.n;
  const Eigen::Index ns = Eigen::Index(space.n_sigma);
  std::vector<double> q_on(counts.on), prior_logit;
  for (double p : q_on) prior_logit.push_back(std::log(p) - std::log1p(-p));
  // Steps at which each neuron was (in expectation) chosen, per state.
  const Eigen::VectorXd trials = (counts.stay + counts.flip.colwise().sum().transpose()) / double(n);

  Eigen::MatrixXd W(ns, space.nx);
  int failures = 0;
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(space.size), space.size >= kParallelMinStates);
#pragma omp parallel for schedule(dynamic) reduction(+ : failures) num_threads(call.threads())
  for (int x = 0; x < space.nx; ++x) {
    // Edge differences and weights; the Laplacian is grounded at its heaviest node.
    Eigen::VectorXd degree = Eigen::VectorXd::Zero(ns), b = Eigen::VectorXd::Zero(ns);
    std::vector<Eigen::Triplet<double>> edges;  // (off end, on end, weight)
    edges.reserve(std::size_t(ns) * std::size_t(n) / 2);
    for (Eigen::Index s0 = 0; s0 < ns; ++s0)
      for (int i = 0; i < n; ++i) {
        const Eigen::Index bit = Eigen::Index(1) << i;
        if (s0 & bit) continue;
        const Eigen::Index s1 = s0 | bit, a = s0 + ns * x, c = s1 + ns * x;
        const double f0 = counts.flip(i, a), f1 = counts.flip(i, c);
        const double on = q_on[std::size_t(i)];
        const double k_plus = f0 + std::max(0.0, trials[c] - f1) + 2.0 * pseudocount * on;
        const double k_minus = f1 + std::max(0.0, trials[a] - f0) + 2.0 * pseudocount * (1.0 - on);
        const double z = std::log(k_plus) - std::log(k_minus);
        const double weight = k_plus * k_minus / (k_plus + k_minus);
        const double delta = lambda * (z - prior_logit[std::size_t(i)]);  // w(s1) - w(s0)
        edges.emplace_back(int(s0), int(s1), weight);
        degree[s0] += weight;
        degree[s1] += weight;
        b[s1] += weight * delta;
        b[s0] -= weight * delta;
      }
    Eigen::Index ground = 0;
    degree.maxCoeff(&ground);
    auto node = [&](Eigen::Index s) { return s < ground ? s : s - 1; };
    std::vector<Eigen::Triplet<double>> entries;
    entries.reserve(3 * edges.size() + std::size_t(ns));
    for (Eigen::Index s = 0; s < ns; ++s)
      if (s != ground) entries.emplace_back(node(s), node(s), degree[s]);
    for (const auto& e : edges)
      if (e.row() != ground && e.col() != ground) {
        entries.emplace_back(node(e.row()), node(e.col()), -e.value());
        entries.emplace_back(node(e.col()), node(e.row()), -e.value());
      }
    Eigen::SparseMatrix<double> L(ns - 1, ns - 1);
    L.setFromTriplets(entries.begin(), entries.end());
    Eigen::VectorXd rhs(ns - 1);
    for (Eigen::Index s = 0; s < ns; ++s)
      if (s != ground) rhs[node(s)] = b[s];
    W(ground, x) = 0.0;
    if (ns == 1) continue;
    Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(L);
    const Eigen::VectorXd sol = solver.solve(rhs);
    if (solver.info() != Eigen::Success || !sol.allFinite()) {
      ++failures;
      continue;
    }
    for (Eigen::Index s = 0; s < ns; ++s)
      if (s != ground) W(s, x) = sol[node(s)];
  }
  if (failures > 0) fail("flip warm start: the hypercube least squares failed for ", failures, " inputs");

  Eigen::MatrixXd V = undo_input_chain(input, W);
  V.rowwise() -= V.colwise().mean();
  return Eigen::Map<const Eigen::VectorXd>(V.data(), V.size());
}

}  // namespace nirl
