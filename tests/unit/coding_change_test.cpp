// Changes of an efficient-coding network's context (coding/coding_change.hpp) and their
// text form (io/perturbation_spec.hpp): the changed pixel chain against one built here
// entry by entry from the pixel probabilities, and every malformed item refused.
#include <gtest/gtest.h>

#include "nirl/coding/coding_change.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/perturbation_spec.hpp"

using namespace nirl;

namespace {

// p(x -> y) of k independent pixels, each redrawn from Bernoulli(on) with probability redraw.
double pixel_transition(int k, double on, double redraw, int x, int y) {
  double p = 1.0;
  for (int j = 0; j < k; ++j) {
    const bool from = (x >> j) & 1, to = (y >> j) & 1;
    const double stay = 1.0 - redraw + redraw * (from ? on : 1.0 - on);
    p *= from == to ? stay : redraw * (to ? on : 1.0 - on);
  }
  return p;
}

Network pixel_network(double on, double redraw) {
  return make_network(3, pixel_input(3, on, redraw), Eigen::VectorXd::Zero(8 * 8), 0.1, {1});
}

}  // namespace

TEST(CodingChange, TextFormSetsEachChange) {
  const CodingChange a = parse_coding_change("pixel_on=0.15");
  ASSERT_TRUE(a.pixel_on.has_value());
  EXPECT_EQ(*a.pixel_on, 0.15);
  EXPECT_FALSE(a.pixel_redraw.has_value());
  EXPECT_FALSE(a.lambda.has_value());
  const CodingChange b = parse_coding_change("pixel_redraw=0.5, lambda=0.2");
  EXPECT_FALSE(b.pixel_on.has_value());
  EXPECT_EQ(*b.pixel_redraw, 0.5);
  EXPECT_EQ(*b.lambda, 0.2);
  EXPECT_FALSE(parse_coding_change("none").pixel_on.has_value());
  for (const char* bad : {"", "pixel_on", "pixel_on=0", "pixel_on=1", "pixel_on=x", "pixel_redraw=0",
                          "pixel_redraw=1.5", "lambda=0", "lambda=-1", "switch_up=0.1", "dead=1"})
    EXPECT_THROW(parse_coding_change(bad), Error) << "'" << bad << "'";
}

TEST(CodingChange, NewPixelStatisticsKeepTheOtherParameterAndTheNetwork) {
  const Network base = pixel_network(0.4, 0.2);
  const struct {
    const char* spec;
    double on, redraw, lambda;
  } cases[] = {{"pixel_on=0.15", 0.15, 0.2, 0.1},
               {"pixel_redraw=0.05", 0.4, 0.05, 0.1},
               {"pixel_on=0.3,pixel_redraw=0.6,lambda=0.25", 0.3, 0.6, 0.25},
               {"none", 0.4, 0.2, 0.1}};
  for (const auto& c : cases) {
    const Network changed = apply_coding_change(base, parse_coding_change(c.spec));
    ASSERT_EQ(changed.space.nx, 8) << c.spec;
    ASSERT_EQ(changed.input.factors.size(), 3u) << c.spec;
    // The unchanged parameter is read back from the chain: exact to a few ulps.
    for (int x = 0; x < 8; ++x)
      for (int y = 0; y < 8; ++y)
        EXPECT_NEAR(changed.input.P(x, y), pixel_transition(3, c.on, c.redraw, x, y), 1e-15)
            << c.spec << " P(" << x << ", " << y << ")";
    EXPECT_EQ(changed.lambda, c.lambda) << c.spec;
    EXPECT_TRUE(changed.is_dead(1)) << c.spec;
    EXPECT_FALSE(changed.is_dead(0)) << c.spec;
    EXPECT_EQ(changed.reward.size(), base.reward.size()) << c.spec;
  }
}

TEST(CodingChange, RefusesAnInputThatIsNotIdenticalPixels) {
  const Network telegraph = make_network(2, telegraph_input(0.1, 0.1), Eigen::VectorXd::Zero(8), 0.1, {});
  EXPECT_THROW(apply_coding_change(telegraph, parse_coding_change("pixel_on=0.2")), Error);
  Network mixed = pixel_network(0.4, 0.2);
  mixed.input.factors[1] = pixel_input(1, 0.3, 0.2).factors[0];
  EXPECT_THROW(apply_coding_change(mixed, parse_coding_change("pixel_on=0.2")), Error);
}
