// Refining a pairwise fit by moment matching (Boltzmann learning; docs/model.md section 5,
// inverse). Maximises the penalised log-likelihood of the untied family,
//   L(x) = x . mu_data - log Z(x) - (ridge/2) (|J|^2 + |h_fixed|^2),   x = (h, J_{i<j}),
// whose gradient is the mismatch of the first and second moments, less the penalty's.
// Pseudo-likelihood is consistent but, on finite data, biased in directions no single
// moment shows: a coupling bias of +0.006 common to 1225 pairs leaves every pair within
// its error bar and broadens the distribution of the number of active neurons K beyond the
// data's. Moment matching removes it. The penalty keeps finite the couplings of pairs
// never active together and the fields of neurons that never change (h_fixed); other
// fields are free: a field penalty moves every rate the same way (towards 1/2), on 60
// neurons at 8% by half a standard error each, which adds up to a bias of E[K^2] many
// times its standard error.
//
// Model moments are exact (enumeration, n <= exact_up_to <= kMaxExactIsingNeurons) or
// means over persistent Gibbs chains (chain c: Philox stream (seed, stream_base + c);
// OpenMP across chains; sums in chain order, so results do not depend on the thread
// count), with standard errors se_model from the spread of the chain means (batch means,
// autocorrelation included).
//
// Step, in activity coordinates (log p = a . x + sum_{i<j} b_ij x_i x_j, x = (sigma + 1)/2;
// the rate and the co-activations of a sparse neuron are nearly independent directions
// there, almost parallel in spin coordinates): the mismatch of each activity feature
// divided by its model variance (Jacobi) and by the largest eigenvalue of the scaled
// Fisher matrix (power iteration on Fisher-vector products), re-estimated at every stage;
// plus a Newton tilt exp(d1 K + d2 K^2) chosen so that the step leaves no first-order
// mismatch in E[K] and E[K^2], the population statistics Jacobi steps move slowly; at most
// 0.5 in any parameter. A stage draws `samples` sweeps per chain per iteration; the next
// stage doubles them, once the mismatch is no larger than its own sampling noise
// (mean (g / se_model)^2 <= 2) or after stage_iterations.
//
// Stopping rule, tied to the data's sampling error se_data (independent bins:
// sqrt(p (1 - p) / T) for a 0/1 feature of mean p, at least 1/T):
//  - the model's moments are resolved twice as finely as the data's:
//    median se_model / se_data <= 1/2 (the chains' sample is then about 4 T);
//  - the RMS mismatch over rates <x_i> and co-activations <x_i x_j>, in data standard
//    errors with the sampling noise removed, D = sqrt(mean[(g^2 - se_model^2) / se_data^2]),
//    is at most `tolerance`;
//  - the collective check: the mismatch of E[K] and E[K^2] is at most
//    tolerance x se_data + 2 se_model for each.
// A fit that does not meet it within max_iterations, or whose D has not reached a new
// minimum in 100 iterations, stops with the parameters of the smallest D seen (a pairwise
// model of data with strong common input can have a sparse and a dense mode; the chains
// then alternate between them and the mismatch does not fall).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "nirl/pairwise/ising_family.hpp"
#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/pairwise/pseudo_likelihood.hpp"

namespace nirl {

struct MomentMatchingOptions {
  double ridge = 1e-3;        // the same penalty as the pseudo-likelihood fit's
  double tolerance = 0.5;     // D and the count mismatches, in data standard errors
  int exact_up_to = kMaxExactIsingNeurons;  // exact moments for n up to this, else chains
  int chains = 16;            // persistent Gibbs chains
  int burn_in = 200;          // sweeps per chain before the first iteration
  int samples = 64;           // sweeps per chain per iteration in the first stage
  int max_samples = 1 << 16;  // ... doubled per stage up to this
  int stage_iterations = 25;  // iterations before a stage ends regardless
  int max_iterations = 400;
  // Chain c draws the Philox stream (seed, stream_base + c), apart from the streams
  // (seed, c) of the goodness-of-fit check's chains.
  std::uint64_t seed = 1, stream_base = std::uint64_t(1) << 32;
};

// What an iteration measured, for progress and the result.
struct MomentMismatch {
  double rms = 0.0;               // D above (0 when noise exceeds the mismatch)
  double noise = 0.0;             // mean (g / se_model)^2 (0 when exact)
  double resolution = 0.0;        // median se_model / se_data (0 when exact)
  double count_mean = 0.0;        // E[K] mismatch, in data standard errors
  double count_square = 0.0;      // E[K^2] mismatch, in data standard errors
};

struct MomentMatchingFit {
  IsingParams params;
  bool exact = true;              // exact model moments (no chains)
  int iterations = 0;
  long long sweeps = 0;           // per chain, burn-in included
  int samples = 0;                // sweeps per chain per iteration at the end
  MomentMismatch mismatch;        // measured at the returned parameters
  bool converged = false;
  std::string status;
};

// Starts from `start` (a pseudo-likelihood fit). progress, if given, is called after every
// iteration with (iteration, samples per chain, mismatch).
MomentMatchingFit match_moments(const SpinCounts& data, const IsingParams& start,
                                const MomentMatchingOptions& options = {},
                                const std::function<void(int, int, const MomentMismatch&)>& progress = {});

}  // namespace nirl
