#include "nirl/inverse/transition_counts.hpp"

#include <cstring>
#include <string>
#include <utility>

#include "nirl/core/error.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/detail/numerics.hpp"

namespace nirl {
namespace {

// sigma of a row of n bytes, each 0 or 1, eight at a time: byte k of a little-endian load
// is bit 8k, and the multiplication moves it to bit 56 + k (the 64 partial products land
// on distinct bits, so nothing carries).
// `other` collects the bits of the row that no 0/1 byte has.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "state_of reads rows as little-endian words");
std::uint64_t state_of(const std::uint8_t* row, int n, std::uint64_t& other) {
  std::uint64_t sigma = 0;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t bytes;
    std::memcpy(&bytes, row + i, 8);
    other |= bytes & ~0x0101010101010101ULL;
    sigma |= ((bytes * 0x0102040810204080ULL) >> 56) << i;
  }
  for (; i < n; ++i) {
    other |= row[i] & ~1u;
    sigma |= std::uint64_t(row[i] & 1u) << i;
  }
  return sigma;
}

}  // namespace

TransitionCounter::TransitionCounter(int n, int nx, bool visits_only) : visits_only_(visits_only) {
  if (nx < 1) fail("counting transitions: the number of input states must be >= 1 (got ", nx, ")");
  c_.space = StateSpace(n, nx);
  const double arrays = visits_only ? 1.0 : double(n) + 2.0;
  check_memory(std::size_t(arrays * 8.0 * double(c_.space.size)),
               "the counts of a raster of " + std::to_string(n) + " neurons x " + std::to_string(nx) + " input states");
  c_.visits.setZero(Eigen::Index(c_.space.n_sigma), nx);
  if (!visits_only) {
    c_.stay.setZero(Eigen::Index(c_.space.size));
    c_.flip.setZero(n, Eigen::Index(c_.space.size));
  }
}

void TransitionCounter::check_input(int x, std::size_t step) const {
  if (x < 0 || x >= c_.space.nx) fail("input index ", x, " at step ", step, " is outside [0, ", c_.space.nx, ")");
}

void TransitionCounter::add_transition(std::size_t t, std::uint64_t sigma, int x, std::uint64_t next) {
  check_input(x, t);
  c_.visits(Eigen::Index(sigma), x) += 1.0;
  c_.steps += 1.0;
  if (!visits_only_) count_move(t, c_.space.index(sigma, x), sigma ^ next);
}

void TransitionCounter::count_move(std::size_t t, std::size_t s, std::uint64_t changed) {
  if (changed == 0) {
    c_.stay[Eigen::Index(s)] += 1.0;
  } else if ((changed & (changed - 1)) == 0) {
    c_.flip(__builtin_ctzll(changed), Eigen::Index(s)) += 1.0;
  } else {
    fail("raster step ", t, " -> ", t + 1, " changes ", spike_count(changed),
         " neurons at once; the asynchronous dynamics change at most one per step");
  }
}

void TransitionCounter::add(std::size_t first, std::size_t count, const std::uint8_t* rows, const std::int32_t* input) {
  if (first != seen_) fail("counting transitions: a block starts at step ", first, " where step ", seen_, " is next");
  if (c_.space.nx > 1 && count > 0 && !input) fail("counting transitions: a raster of nx = ", c_.space.nx, " needs its input");
  const int n = c_.space.n;
  const std::size_t N = std::size_t(n);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t t = first + k;
    std::uint64_t other = 0;
    const std::uint64_t sigma = state_of(rows + k * N, n, other);
    if (other != 0) fail("raster step ", t, " has a spike value other than 0 or 1");
    const int x = c_.space.nx > 1 ? input[k] : 0;
    check_input(x, t);
    c_.visits(Eigen::Index(sigma), x) += 1.0;
    if (t > 0) {
      c_.steps += 1.0;
      if (!visits_only_) count_move(t - 1, c_.space.index(last_sigma_, last_x_), last_sigma_ ^ sigma);
    }
    last_sigma_ = sigma;
    last_x_ = x;
  }
  seen_ += count;
}

RasterSink TransitionCounter::sink() {
  return [this](std::size_t first, std::size_t count, const std::uint8_t* rows, const std::int32_t* input) {
    add(first, count, rows, input);
  };
}

TransitionCounts TransitionCounter::finish() {
  const double observed = c_.visits.sum();
  if (observed < 2.0) fail("a raster needs at least 2 time steps (got ", observed, ")");
  // Steps with neuron i on, summed over the states: whole numbers, so exact in any order.
  const Eigen::VectorXd per_state = c_.visits.rowwise().sum();
  c_.on.assign(std::size_t(c_.space.n), 0.0);
  for (int i = 0; i < c_.space.n; ++i) {
    double on = 0.0;
    for (Eigen::Index sigma = 0; sigma < per_state.size(); ++sigma)
      if ((sigma >> i) & 1) on += per_state[sigma];
    c_.on[std::size_t(i)] = (on + 0.5) / (observed + 1.0);
  }
  return std::move(c_);
}

TransitionCounts count_transitions(const Raster& raster, int nx, const std::vector<std::size_t>* starts) {
  if (raster.steps < 2) fail("a raster needs at least 2 time steps (got ", raster.steps, ")");
  TransitionCounter counter(raster.n, nx);
  if (!starts) {
    counter.add(0, raster.steps, raster.spikes.data(), raster.input.empty() ? nullptr : raster.input.data());
    return counter.finish();
  }
  for (std::size_t t : *starts) {
    if (t + 1 >= raster.steps) fail("transition start ", t, " is outside the raster of ", raster.steps, " steps");
    counter.add_transition(t, raster.sigma(t), raster.x(t), raster.sigma(t + 1));
  }
  return counter.finish();
}

}  // namespace nirl
