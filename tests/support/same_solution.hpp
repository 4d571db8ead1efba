// Expects two solutions to agree in every field, bit for bit (values compared with ==, so
// -inf entries of a dead neuron match), the list of optima included.
#pragma once
#include <gtest/gtest.h>

#include "nirl/core/forward_solver.hpp"

namespace nirl::testing {

inline void expect_same_solution(const Solution& a, const Solution& b) {
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.stationary, b.stationary);
  EXPECT_EQ(a.q.log_on, b.q.log_on);
  EXPECT_EQ(a.q.log_off, b.q.log_off);
  EXPECT_EQ(a.L, b.L);
  EXPECT_EQ(a.mean_reward, b.mean_reward);
  EXPECT_EQ(a.coding_cost, b.coding_cost);
  EXPECT_EQ(a.outer_iterations, b.outer_iterations);
  EXPECT_EQ(a.bellman_sweeps, b.bellman_sweeps);
  EXPECT_EQ(a.stationary_sweeps, b.stationary_sweeps);
  EXPECT_EQ(a.value_span, b.value_span);
  EXPECT_EQ(a.stationary_change, b.stationary_change);
  EXPECT_EQ(a.q_residual, b.q_residual);
  EXPECT_EQ(a.converged, b.converged);
  ASSERT_EQ(a.optima.size(), b.optima.size());
  for (std::size_t k = 0; k < a.optima.size(); ++k) {
    EXPECT_EQ(a.optima[k].L, b.optima[k].L);
    EXPECT_EQ(a.optima[k].q, b.optima[k].q);
    EXPECT_EQ(a.optima[k].start, b.optima[k].start);
    EXPECT_EQ(a.optima[k].hits, b.optima[k].hits);
  }
}

}  // namespace nirl::testing
