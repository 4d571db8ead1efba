#include <gtest/gtest.h>

#include "nirl/core/error.hpp"
#include "nirl/core/reward.hpp"
#include "nirl/core/state_space.hpp"

using namespace nirl;

TEST(StateSpace, IndexRoundTrip) {
  const StateSpace space(5, 3);
  EXPECT_EQ(space.size, 96u);
  for (std::size_t s = 0; s < space.size; ++s) EXPECT_EQ(space.index(space.sigma_of(s), space.input_of(s)), s);
}

TEST(Reward, RingCountsContiguousArcs) {
  const StateSpace space(12, 1);
  const Eigen::VectorXd r = ring_reward(space, 4);
  EXPECT_EQ(r.sum(), 12.0);  // one arc per starting position
  EXPECT_EQ(r[0b1111], 1.0);
  EXPECT_EQ(r[0b100000000111], 1.0);  // wraps around
  EXPECT_EQ(r[0b10111], 0.0);
}

TEST(Reward, SpikeCountTargetsPerInput) {
  const StateSpace space(8, 2);
  const Eigen::VectorXd r = spike_count_reward(space, {2, 6});
  EXPECT_EQ(r.head(256).sum(), 28.0);  // C(8,2)
  EXPECT_EQ(r.tail(256).sum(), 28.0);  // C(8,6)
  EXPECT_THROW(spike_count_reward(space, {2}), Error);
}
