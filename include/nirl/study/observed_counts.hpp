// What a task of a tabular pipeline observes (docs/studies.md): the transition counts of a
// raster of `samples` steps simulated from the true optimum (docs/model.md section 3b's data),
// a moving-block bootstrap resample of that raster, or the exact expected counts of an
// infinite recording scaled to `samples` steps. Streams: the raster (seed, kRasterStreams |
// raster index), shared by a raster's bootstrap resamples; a resample (seed,
// kBootstrapStreams | task id).
#pragma once
#include <cstdint>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/network.hpp"
#include "nirl/inverse/max_likelihood.hpp"
#include "nirl/study/study_grid.hpp"

namespace nirl {

// Stream ids: bits 40+ name the purpose, the rest the raster, task or point.
inline constexpr std::uint64_t kRasterStreams = std::uint64_t(1) << 40, kBootstrapStreams = std::uint64_t(2) << 40,
                               kExcerptStreams = std::uint64_t(3) << 40;

enum class Statistics { sampled, exact };

struct Observation {
  std::size_t samples = 0;         // observed steps
  std::size_t block_length = 100;  // bootstrap block, in steps
  Statistics statistics = Statistics::sampled;
  std::uint64_t seed = 0;
};

// Throws nirl::Error for a bootstrap task of exact statistics (nothing to resample).
TransitionCounts observed_counts(const Network& net, const Solution& truth, const Observation& observation,
                                 const StudyGrid& grid, const StudyTask& task);

// The inference options for the observation: as given for sampled data; for exact counts
// no prior to speak of (ridge 1e-6), a negligible pseudocount (1e-15) and the flip warm
// start, which is exact for such counts.
MaxLikelihoodOptions likelihood_for(const Observation& observation, MaxLikelihoodOptions given);

}  // namespace nirl
