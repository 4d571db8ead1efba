// The data of the inverse (docs/model.md section 3) reduced to its sufficient statistics: the
// time spent in each state (the closed form of 3a) and the stay and single-flip counts per
// state (the likelihood of 3b). A raster is counted block by block as it streams past
// (from the sampler, from a file read in chunks, or from memory), so it is never held.
#pragma once
#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nirl/core/state_space.hpp"
#include "nirl/sample/raster.hpp"

namespace nirl {

struct TransitionCounts {
  StateSpace space;
  Eigen::VectorXd stay;      // [S] steps that left sigma unchanged (empty when only visits are counted)
  Eigen::MatrixXd flip;      // [n x S] steps that flipped neuron i (column s, row i; likewise)
  std::vector<double> on;    // empirical q_i(+1) = fraction of steps with neuron i on
  Eigen::MatrixXd visits;    // [2^n x nx] time spent in each state (warm start, closed form)
  double steps = 0.0;        // number of observed transitions
};

// Counts consecutive blocks of one raster. Errors (nirl::Error, one line): a spike value
// other than 0 or 1, an input index outside [0, nx), a block that does not follow the
// previous one, and (unless only visits are counted) a step that changes more than one
// neuron, which the asynchronous dynamics cannot. The arrays are checked against the
// available memory when the counter is made; a counter that has thrown is not used again.
class TransitionCounter {
 public:
  // visits_only: the time per state and the firing probabilities only, for the closed form
  // (any number of neurons may change per step; stay and flip stay empty).
  TransitionCounter(int n, int nx, bool visits_only = false);

  // Steps [first, first + count): rows[k * n + i] is neuron i at step first + k, input[k]
  // its input index (null when nx = 1). The signature of a RasterSink.
  void add(std::size_t first, std::size_t count, const std::uint8_t* rows, const std::int32_t* input);
  RasterSink sink();

  // The transition t -> t + 1, (sigma, x) -> sigma', taken out of sequence (a bootstrap
  // resample): counts the visit to (sigma, x) and the move; errors name step t.
  void add_transition(std::size_t t, std::uint64_t sigma, int x, std::uint64_t next);

  // The counts so far, with q_i(+1) = (steps with neuron i on + 1/2) / (steps + 1)
  // (a Jeffreys pseudocount: a neuron that never or always fires keeps finite logits).
  // Needs at least 2 observed steps. The counts move out: the counter is spent.
  TransitionCounts finish();

 private:
  void check_input(int x, std::size_t step) const;
  // Stay or single flip out of state index s at step t -> t + 1 (`changed` = the flipped bits).
  void count_move(std::size_t t, std::size_t s, std::uint64_t changed);

  TransitionCounts c_;
  bool visits_only_;
  std::size_t seen_ = 0;  // steps added through add()
  std::uint64_t last_sigma_ = 0;
  int last_x_ = 0;
};

// Counts of the T - 1 observed transitions of a raster (input indices in [0, nx)), or
// only of the transitions t -> t + 1 listed in `starts` (with repetition; bootstrap).
TransitionCounts count_transitions(const Raster& raster, int nx, const std::vector<std::size_t>* starts = nullptr);

}  // namespace nirl
