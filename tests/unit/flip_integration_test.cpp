// The flip warm start (flip_integration.hpp) against the forward solver: from exact
// expected counts it returns the true value, hence the true reward up to g(x), with no
// optimisation at all, for a dense input chain (Fig 2) and a Kronecker pixel chain.
#include <gtest/gtest.h>

#include "nirl/core/error.hpp"
#include "nirl/inverse/flip_integration.hpp"
#include "nirl/core/forward_solver.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/core/reward.hpp"
#include "nirl/sample/sampler.hpp"
#include "test_networks.hpp"

using namespace nirl;

namespace {

// Aligned r2 over every state (threshold 0) of the warm start's reward against the truth.
AlignedFit warm_start_fit(const Network& net) {
  const Solution sol = optimise(net);
  const TransitionCounts counts = expected_transition_counts(net.space, net.lambda, expected_next_value(net, sol),
                                                             sol.q, sol.stationary, 1e6);
  const Eigen::VectorXd v = value_from_flips(counts, net.input, net.lambda, 1e-9);
  LogMarginals q;
  for (double p : counts.on) {
    q.log_on.push_back(std::log(p));
    q.log_off.push_back(std::log1p(-p));
  }
  return aligned_r2(net.space, net.reward, reward_from_value(net.space, net.input, net.lambda, q, v), sol.stationary,
                    1e-6);
}

}  // namespace

TEST(FlipIntegration, ExactCountsGiveTheRewardOfADenseChain) {
  for (double lambda : {0.15, 0.3, 1.0}) {
    const AlignedFit fit = warm_start_fit(nirl::testing::fig2(lambda, 0.05));
    // Exact up to the rounding of logits of probabilities down to ~1e-15.
    EXPECT_GT(fit.r2, 1.0 - 1e-8) << lambda;
    EXPECT_NEAR(fit.scale, 1.0, 1e-6) << lambda;
  }
}

TEST(FlipIntegration, ExactCountsGiveTheRewardOfAPixelChain) {
  // n = 4, 3 pixels: reward = spike count matches the number of pixels on.
  const InputChain input = pixel_input(3, 0.4, 0.3);
  const StateSpace space(4, input.nx());
  Eigen::VectorXd r(Eigen::Index(space.size));
  for (std::size_t s = 0; s < space.size; ++s)
    r[Eigen::Index(s)] = -0.5 * std::abs(spike_count(space.sigma_of(s)) - __builtin_popcount(unsigned(space.input_of(s))));
  const AlignedFit fit = warm_start_fit(make_network(4, input, r, 0.3, {}));
  EXPECT_GT(fit.r2, 1.0 - 1e-8);
  EXPECT_NEAR(fit.scale, 1.0, 1e-6);
}

TEST(FlipIntegration, RejectsANonPositivePseudocount) {
  const Network net = nirl::testing::fig2(0.3, 0.05);
  const Solution sol = optimise(net);
  const TransitionCounts counts = expected_transition_counts(net.space, net.lambda, expected_next_value(net, sol),
                                                             sol.q, sol.stationary, 1e3);
  EXPECT_THROW(value_from_flips(counts, net.input, net.lambda, 0.0), Error);
}

// Sampled data (unvisited edges rest on the pseudocount): the ML fit from the flip warm
// start ends where the fit from the histogram warm start ends (the same ridge-regularised
// optimum), and close to the truth (docs/model.md section 8 round trip: r2 ~ 0.56 at 1e5 steps).
TEST(FlipIntegration, SampledDataReachesTheSameOptimum) {
  const Network net = nirl::testing::fig2(0.3, 0.02);
  const Solution sol = optimise(net);
  const Raster raster = simulate(net, expected_next_value(net, sol), sol.q, sol.stationary, 100000, 1, 0);
  const TransitionCounts counts = count_transitions(raster, 2);
  MaxLikelihoodOptions options;
  const LikelihoodInference histogram = max_likelihood_reward(counts, net.input, net.lambda, options);
  options.warm_start = MaxLikelihoodOptions::Start::flips;
  const LikelihoodInference flips = max_likelihood_reward(counts, net.input, net.lambda, options);
  EXPECT_TRUE(flips.converged) << flips.status;
  ASSERT_TRUE(flips.reward.allFinite());
  const double r2_histogram = aligned_r2(net.space, net.reward, histogram.reward, sol.stationary).r2;
  const double r2_flips = aligned_r2(net.space, net.reward, flips.reward, sol.stationary).r2;
  RecordProperty("r2_flips", std::to_string(r2_flips));
  EXPECT_NEAR(r2_flips, r2_histogram, 1e-3);
  EXPECT_GT(r2_flips, 0.4);
  EXPECT_NEAR(flips.log_likelihood, histogram.log_likelihood, 1e-6 * std::fabs(histogram.log_likelihood));
}
