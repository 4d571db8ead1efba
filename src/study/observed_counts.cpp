#include "nirl/study/observed_counts.hpp"

#include "nirl/core/error.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/sample/bootstrap.hpp"
#include "nirl/sample/sampler.hpp"

namespace nirl {

TransitionCounts observed_counts(const Network& net, const Solution& truth, const Observation& o,
                                 const StudyGrid& grid, const StudyTask& task) {
  const Eigen::VectorXd w = expected_next_value(net, truth);
  if (o.statistics == Statistics::exact) {
    if (task.bootstrap != 0) fail("exact statistics have no bootstrap resamples (study.bootstraps must be 0)");
    return expected_transition_counts(net.space, net.lambda, w, truth.q, truth.stationary, double(o.samples));
  }
  const std::uint64_t stream = kRasterStreams | grid.raster_index(task);
  if (task.bootstrap == 0) {  // counted as it is sampled, never held
    TransitionCounter counter(net.n(), net.space.nx);
    simulate_into(net, w, truth.q, truth.stationary, o.samples, o.seed, stream, counter.sink());
    return counter.finish();
  }
  const Raster raster = simulate(net, w, truth.q, truth.stationary, o.samples, o.seed, stream);
  const std::vector<std::size_t> starts =
      moving_block_resample(o.samples - 1, o.block_length, RandomStream(o.seed, kBootstrapStreams | task.id));
  return count_transitions(raster, net.space.nx, &starts);
}

MaxLikelihoodOptions likelihood_for(const Observation& o, MaxLikelihoodOptions given) {
  if (o.statistics == Statistics::exact) {
    given.ridge = 1e-6;
    given.pseudocount = 1e-15;
    given.warm_start = MaxLikelihoodOptions::Start::flips;
  }
  return given;
}

}  // namespace nirl
