// Efficient coding (docs/model.md section 6): the Kronecker pixel chain against its dense
// matrix, the information measures against hand-computable cases, the docs/model.md
// section 8 numbers (n = 7, 7 pixels), and the recovery of y from exact statistics.
#include <gtest/gtest.h>

#include <cmath>

#include "nirl/coding/efficient_coding.hpp"
#include "nirl/core/error.hpp"
#include "nirl/coding/feature_recovery.hpp"
#include "nirl/inverse/max_likelihood.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/core/soft_bellman.hpp"

using namespace nirl;

namespace {

// docs/model.md section 8: each pixel turns on and off with probability 0.1 per step.
Network pixel_network(int n, int pixels, double lambda, double on = 0.5, double redraw = 0.2) {
  const InputChain input = pixel_input(pixels, on, redraw);
  const StateSpace space(n, input.nx());
  return make_network(n, input, Eigen::VectorXd::Zero(Eigen::Index(space.size)), lambda, {});
}

}  // namespace

TEST(PixelChain, KroneckerProductMatchesDenseMatrix) {
  const InputChain pixels = pixel_input(4, 0.3, 0.4);
  ASSERT_TRUE(pixels.factored());
  // x = 0011 -> y = 0101 (up = 0.4 * 0.3, down = 0.4 * 0.7): stay on, off, on, stay off.
  EXPECT_NEAR(pixels.P(3, 5), 0.72 * 0.28 * 0.12 * 0.88, 1e-15);
  const InputChain dense{pixels.P, {}};
  const StateSpace space(3, 16);
  const Eigen::VectorXd v = Eigen::VectorXd::Random(Eigen::Index(space.size));
  for (bool transpose : {false, true}) {
    Eigen::VectorXd fast, slow;
    apply_input_chain(space, pixels, transpose, v, fast);
    apply_input_chain(space, dense, transpose, v, slow);
    // Independent check: the definition, sum over y of P[x, y] (or P[y, x]) v(sigma, y).
    for (std::size_t s = 0; s < space.size; ++s) {
      const int x = space.input_of(s);
      double expect = 0.0;
      for (int y = 0; y < 16; ++y)
        expect += (transpose ? pixels.P(y, x) : pixels.P(x, y)) * v[Eigen::Index(space.index(space.sigma_of(s), y))];
      EXPECT_NEAR(fast[Eigen::Index(s)], expect, 1e-14);
      EXPECT_NEAR(slow[Eigen::Index(s)], expect, 1e-14);
    }
  }
}

TEST(EfficientCoding, InformationOfDeterministicAndIndependentJoints) {
  // n = 1, two inputs, y = x, sigma copies x: I = H(y) = log 2; independent neurons with
  // the same p(sigma | x) give the same joint.
  const StateSpace space(1, 2);
  Eigen::VectorXd p(4);
  p << 0.5, 0.0, 0.0, 0.5;  // (sigma, x) = (0,0), (1,0), (0,1), (1,1)
  const std::vector<int> y = {0, 1};
  EXPECT_NEAR(feature_information(space, p, y), std::log(2.0), 1e-15);
  EXPECT_NEAR((independent_joint(space, p) - p).cwiseAbs().maxCoeff(), 0.0, 1e-15);
  // n = 2, both neurons copy x: the independent joint is the same (deterministic given x).
  // Neurons that agree with x only through their sum: sigma in {01, 10} at x = 1, {00, 11} at x = 0.
  const StateSpace two(2, 2);
  Eigen::VectorXd q(8);
  q << 0.25, 0.0, 0.0, 0.25, 0.0, 0.25, 0.25, 0.0;
  EXPECT_NEAR(feature_information(two, q, y), std::log(2.0), 1e-15);
  // Given x each neuron is a fair coin, so independent neurons carry nothing about y.
  EXPECT_NEAR(feature_information(two, independent_joint(two, q), y), 0.0, 1e-15);
  // log p(y | sigma) and the readout
  const Eigen::VectorXd r = log_posterior_reward(two, q, y);
  EXPECT_NEAR(r[0], 0.0, 1e-15);              // sigma = 00 at x = 0: surely y = -1
  EXPECT_NEAR(feature_readout(two, q, y)[1], 1.0, 1e-15);
  EXPECT_NEAR(readout_by_count(two, q, y)[1], 1.0, 1e-15);
  EXPECT_NEAR(readout_by_count(two, q, y)[2], 0.0, 1e-15);
}

TEST(EfficientCoding, ThresholdAndTableFeatures) {
  const std::vector<int> y = threshold_feature(7, 3);
  EXPECT_EQ(y[0b0000111], 0);
  EXPECT_EQ(y[0b1001011], 1);
  EXPECT_EQ(feature_from_table({-1, 1, 1, -1}, 4, "t"), (std::vector<int>{0, 1, 1, 0}));
  EXPECT_EQ(feature_from_table({0, 1, 1, 0}, 4, "t"), (std::vector<int>{0, 1, 1, 0}));
  EXPECT_THROW(feature_from_table({0, 2, 1, 0}, 4, "t"), Error);
  EXPECT_THROW(feature_from_table({1, 1}, 2, "t"), Error);
  EXPECT_THROW(threshold_feature(7, 7), Error);
}

// docs/model.md section 8: I(y; sigma) = 0.187 / 0.186 / 0.179 / 0.154 nats at lambda =
// 0.02 / 0.05 / 0.1 / 0.2 (NumPy reference), against 0.078 / 0.077 / 0.070 / 0.071 for
// independent neurons with matched p(sigma_i | x).
class Model8 : public ::testing::TestWithParam<std::pair<double, double>> {};

TEST_P(Model8, InformationMatchesReference) {
  const auto [lambda, reference] = GetParam();
  const Network net = pixel_network(7, 7, lambda);
  const EfficientCodingResult res = efficient_coding(net, threshold_feature(7, 3), {});
  RecordProperty("information", std::to_string(res.information));
  RecordProperty("independent", std::to_string(res.independent_information));
  RecordProperty("updates", res.updates);
  EXPECT_TRUE(res.converged);
  EXPECT_NEAR(res.information, reference, 0.03 * reference);
  EXPECT_GE(res.information, 2.0 * res.independent_information);
  EXPECT_LT(res.information, std::log(2.0));
}

INSTANTIATE_TEST_SUITE_P(Lambdas, Model8,
                         ::testing::Values(std::pair{0.02, 0.187}, std::pair{0.05, 0.186}, std::pair{0.1, 0.179},
                                           std::pair{0.2, 0.154}));

// A rare feature (p(y = +1) = 0.10: 5 pixels on with probability 0.25, y = [more than 2
// on]): the unweighted start r0 = y (count - n/2) / n makes the frequent y = -1 inputs
// pull the network silent, whose log posterior is the constant log p(y), a fixed point
// with I = 0 (measured 0 with that start). The balanced start must leave it and encode y
// better than independent neurons do.
TEST(EfficientCoding, BalancedStartEncodesARareFeature) {
  const Network net = pixel_network(5, 5, 0.05, 0.25);
  const std::vector<int> y = threshold_feature(5, 2);
  const Eigen::VectorXd px = input_stationary(net.input);
  double p_on = 0.0;
  for (int x = 0; x < net.space.nx; ++x) p_on += y[std::size_t(x)] ? px[x] : 0.0;
  ASSERT_NEAR(p_on, 0.103516, 1e-6);  // P(Binomial(5, 0.25) >= 3)
  const EfficientCodingResult res = efficient_coding(net, y, {});
  RecordProperty("information", std::to_string(res.information));
  EXPECT_TRUE(res.converged);
  EXPECT_GT(res.information, 0.05);
  EXPECT_GT(res.information, 1.5 * res.independent_information);
}

// The inverse on exact statistics recovers y at the docs/model.md section 8 setting (n = 7,
// 7 pixels, t = 3, lambda 0.1 as in jobs/fig4.ini): the two groups of reward curves are
// exactly [more than t on], and the inferred reward is log p(y | sigma) up to g(x), aligned
// r2 > 0.99 over the states with p > 1e-6 (docs/model.md 7) and probability-weighted. The flip
// warm start is exact for exact statistics; the ML fit must keep it there.
TEST(EfficientCoding, InverseFromExactStatisticsRecoversTheFeature) {
  const Network net = pixel_network(7, 7, 0.1);
  const std::vector<int> y = threshold_feature(7, 3);
  const EfficientCodingResult res = efficient_coding(net, y, {});
  const Eigen::VectorXd w = expected_next_value(res.net, res.solution);
  const TransitionCounts counts =
      expected_transition_counts(net.space, net.lambda, w, res.solution.q, res.solution.stationary, 1e6);
  MaxLikelihoodOptions options;
  options.ridge = 1e-6;  // exact statistics need no prior (as in max_likelihood_test.cpp)
  options.pseudocount = 1e-15;  // pseudo-trials per edge: below every flip count of the data
  options.warm_start = MaxLikelihoodOptions::Start::flips;
  const LikelihoodInference inv = max_likelihood_reward(counts, net.input, net.lambda, options);
  EXPECT_TRUE(inv.converged) << inv.status;
  const Eigen::VectorXd truth = log_posterior_reward(net.space, res.solution.stationary, y);
  const AlignedFit fit = aligned_r2(net.space, truth, inv.reward, res.solution.stationary, 1e-6);
  const AlignedFit weighted = aligned_r2(net.space, truth, inv.reward, res.solution.stationary, 1e-6, true);
  RecordProperty("r2", std::to_string(fit.r2));
  RecordProperty("r2_weighted", std::to_string(weighted.r2));
  RecordProperty("iterations", inv.iterations);
  EXPECT_GT(fit.r2, 0.99);
  EXPECT_GT(weighted.r2, 0.99);
  EXPECT_NEAR(fit.scale, 1.0, 0.01);
  const FeatureRecovery rec = recover_feature(net.space, inv.reward, res.solution.stationary);
  EXPECT_EQ(rec.threshold, 3);
  EXPECT_EQ(rec.agreement, 1.0);
  EXPECT_EQ(rec.group, y);
}
