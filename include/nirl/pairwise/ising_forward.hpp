// The forward problem in the pairwise family (docs/model.md sections 2 and 5): maximise
//   F(theta) = E_p[r] - (lambda/n) sum_i I_p(sigma_i ; sigma_/i) = E_p[r - r_theta],
//   r_theta(sigma) = (lambda/n) sum_i log[ p_theta(sigma_i | sigma_/i) / p_theta(sigma_i) ],
// over theta by natural gradient. dF/dtheta = Cov(r - r_theta, psi) with psi the family's
// (tied) features, and the natural-gradient step solves Cov(psi, psi) delta = dF/dtheta,
// i.e. regresses the residual reward on the features. Cov(psi, psi) is never formed: the
// step is conjugate gradient on Fisher-vector products Cov(psi, psi . v), each one a pass
// over the states, so P = 4950 couplings cost what one gradient costs.
//
// Expectations are weighted sums over a StateEnsemble: every state by enumeration
// (n <= kMaxExactIsingNeurons, weights p_theta), or samples from persistent Gibbs chains
// (weights 1/M). Passes run over fixed blocks of states under OpenMP and add the blocks in
// order, so results do not depend on the thread count. Randomness: chain c uses the
// Philox stream (seed, stream_base + c).
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nirl/pairwise/ising_family.hpp"

namespace nirl {

inline constexpr int kMaxExactIsingNeurons = 20;
// Up to this many parameters the natural-gradient solve forms the P x P Fisher matrix
// (from P Fisher-vector products); beyond, conjugate gradient without a matrix.
inline constexpr int kDenseFisherParameters = 100;

// A weighted set of spin states (rows of ±1): all 2^n states in index order (enumeration)
// or given states. Weights are normalised to sum 1.
class StateEnsemble {
 public:
  static StateEnsemble enumeration(int n);
  static StateEnsemble from_states(Eigen::MatrixXd spins, Eigen::VectorXd weights);
  // Sets the weights of an enumeration to p_theta (returns log Z).
  double set_gibbs_weights(const IsingParams& params);
  // Sets the weights of an enumeration to w / sum(w) (w >= 0, length 2^n, positive sum).
  void set_weights(const Eigen::VectorXd& w);

  int n() const { return n_; }
  std::size_t size() const { return size_; }
  bool enumerated() const { return enumerated_; }
  const Eigen::VectorXd& weights() const { return weights_; }
  // Spins of states [begin, begin + rows) into S (rows x n).
  void fill(std::size_t begin, std::size_t rows, Eigen::MatrixXd& S) const;
  // body(begin, S, partial) per block of states; partial (length m) is summed over blocks
  // in block order. Returns the m sums.
  std::vector<double> blocked(int m, const std::function<void(std::size_t, const Eigen::MatrixXd&, double*)>& body) const;

 private:
  int n_ = 0;
  std::size_t size_ = 0;
  bool enumerated_ = false;
  Eigen::MatrixXd spins_;  // given states (empty for an enumeration)
  Eigen::VectorXd weights_;
};

// A reward of spin states: a table over sigma indices (n <= 30), or a pairwise function
// c + sum a_i sigma_i + sum_{i<j} b_ij sigma_i sigma_j (any n).
struct IsingReward {
  Eigen::VectorXd table;  // length 2^n, or empty
  IsingParams pairwise;   // used when table is empty
  double constant = 0.0;
  // r of the states in S (rows).
  Eigen::VectorXd evaluate(const Eigen::MatrixXd& S) const;
};

// Energies sum h_i s_i + sum_{i<j} J_ij s_i s_j of the rows of S.
Eigen::VectorXd ising_energies(const IsingParams& params, const Eigen::MatrixXd& S);

// Per-state quantities of a family point on an ensemble (weights already set).
struct IsingEvaluation {
  double F = 0.0, mean_reward = 0.0, cost = 0.0;  // cost = E[r_theta] = (lambda/n) sum_i I_i
  Eigen::VectorXd magnetisation;                  // E[sigma_i]
  Eigen::VectorXd r_theta, residual;              // per state: r_theta and r - r_theta
};
IsingEvaluation evaluate_ising(const IsingParams& params, const StateEnsemble& ensemble, const IsingReward& reward,
                               double lambda);

// r_theta(sigma) of docs/model.md section 5 for the rows of S, given the magnetisation m.
Eigen::VectorXd ising_r_theta(const IsingParams& params, const Eigen::VectorXd& magnetisation,
                              const Eigen::MatrixXd& S, double lambda);

// Cov(psi_a, u) over the ensemble for every parameter a of the family (u per state).
Eigen::VectorXd feature_covariance(const IsingFamily& family, const StateEnsemble& ensemble, const Eigen::VectorXd& u);
// Cov(psi, psi . v) (a Fisher-vector product).
Eigen::VectorXd fisher_vector(const IsingFamily& family, const StateEnsemble& ensemble, const Eigen::VectorXd& v);

struct Regression {
  Eigen::VectorXd coefficients;
  int iterations = 0;
  double relative_residual = 0.0;
  bool converged = false;
};
// Least-squares regression of u on the family's features under the ensemble weights:
// solves (Cov(psi, psi) + damping * mean diag) x = Cov(psi, u), densely for at most
// kDenseFisherParameters parameters, else by conjugate gradient on Fisher-vector products.
Regression regress_on_features(const IsingFamily& family, const StateEnsemble& ensemble, const Eigen::VectorXd& u,
                               double damping = 1e-9, int max_iterations = 500, double tolerance = 1e-10);

// Persistent Gibbs chains for p_theta (systematic-scan heat-bath sweeps).
class GibbsChains {
 public:
  GibbsChains(int n, int chains, std::uint64_t seed, std::uint64_t stream_base = 0);
  // Runs burn_in sweeps, then records `samples` states per chain, `thin` sweeps apart.
  // Rows are chain-major: chain c's samples are rows [c * samples, (c + 1) * samples).
  Eigen::MatrixXd sample(const IsingParams& params, int burn_in, int samples, int thin);
  int chains() const { return chains_; }

 private:
  int n_, chains_;
  std::uint64_t seed_, stream_base_;
  std::vector<std::uint64_t> counters_;
  Eigen::MatrixXd states_;  // chains x n
};

// The asynchronous dynamics of docs/model.md section 2 for p_theta (random-scan Glauber): a
// raster of `steps` states (uint8 0/1, steps x n) recorded every `interval` neuron
// updates (1: after every update), starting after `burn_in` updates from all neurons
// silent. Stream (seed, stream): update k draws counter k, whatever the interval.
std::vector<std::uint8_t> glauber_raster(const IsingParams& params, std::size_t steps, std::size_t burn_in,
                                         std::uint64_t seed, std::uint64_t stream, std::size_t interval = 1);

// i.i.d. samples of an exact distribution p over 2^n states (inverse CDF), as a raster.
std::vector<std::uint8_t> iid_raster(const Eigen::VectorXd& p, int n, std::size_t samples, std::uint64_t seed,
                                     std::uint64_t stream);

struct IsingForwardOptions {
  double lambda = 1.0;
  int max_iterations = 500;
  double tolerance = 1e-10;  // stop when the predicted gain g . delta falls below this
  double max_step = 2.0;     // largest |change| of one parameter per step
  double damping = 1e-9;     // relative Tikhonov term of the natural-gradient solve
  bool exact = true;         // enumeration (n <= kMaxExactIsingNeurons) or Gibbs chains
  // Sampling mode: step size (no line search on a noisy F) and chain settings.
  double step = 0.5;
  int chains = 16, burn_in = 50, samples_per_chain = 200, thin = 1;
  std::uint64_t seed = 1, stream_base = 0;
};

struct IsingForwardResult {
  Eigen::VectorXd theta;
  IsingParams params;       // expanded, extra field included
  double F = 0.0, mean_reward = 0.0, cost = 0.0;
  double F_error = 0.0;     // sampling: standard error of F from the chain means (0 when exact)
  double predicted_gain = 0.0;  // g . delta at the last point
  int iterations = 0;
  bool converged = false;
  std::string status;
  std::vector<double> trace;     // F per iteration
  Eigen::VectorXd distribution;  // exact mode: p_theta over 2^n states
};

// Natural-gradient ascent of F from theta0. Exact mode: backtracking line search on F
// (Armijo), converged when g . delta < tolerance. Sampling mode: fixed step with fresh
// chain samples per iteration; converged when g . delta is below twice its noise level.
IsingForwardResult optimise_ising(const IsingFamily& family, const IsingReward& reward, const Eigen::VectorXd& theta0,
                                  const IsingForwardOptions& options,
                                  const std::function<void(int, double)>& progress = {});

// Several starts; returns the best F (ties: the first). progress(k) after start k (1-based).
IsingForwardResult optimise_ising_multistart(const IsingFamily& family, const IsingReward& reward,
                                             const std::vector<Eigen::VectorXd>& starts,
                                             const IsingForwardOptions& options,
                                             const std::function<void(int)>& progress = {});

// The starts used for a ring-tied family: two ring-shaped starts, J(d) = a cos(2 pi d / n),
// h = -a for a = 1, 2 (docs/model.md 5: from theta = 0 the ring task stalls in a disordered
// optimum, F = 0.007 at lambda 1.3).
std::vector<Eigen::VectorXd> default_ring_starts(const IsingFamily& family);

// The starts of a solve in a changed context: `first` (the network where it was), the ring
// starts when `ring` (a ring-tied family) and `random` random starts of the Philox stream
// (seed, 0) (random_starts). From `first` alone a change can leave the network frozen with
// a vanishing gradient although a better, active optimum exists.
std::vector<Eigen::VectorXd> context_starts(const IsingFamily& family, const Eigen::VectorXd& first, bool ring,
                                            int random, std::uint64_t seed);

// The exact optimum at `lambda` in a changed context: the best F over context_starts(family,
// first, true, random, seed) (F is not concave, docs/model.md 5). From `first` alone a network
// with couplings removed under a strong negative field stays silent (F = 0, zero gradient)
// although an active optimum with F > 0 exists. A parameter no feature is tied to any more
// (a removed coupling) has no effect and is returned as 0.
IsingForwardResult optimise_in_context(const IsingFamily& family, const IsingReward& reward, double lambda,
                                       const Eigen::VectorXd& first, int random, std::uint64_t seed,
                                       IsingForwardOptions options);

}  // namespace nirl
