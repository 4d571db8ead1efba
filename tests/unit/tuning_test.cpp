// Cell types (tuning_groups, measures/tuning.hpp): single linkage over tuning curves with
// NaN entries skipped, groups numbered in the order of their first member; checked on
// hand-built curves whose grouping follows from the definition.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nirl/measures/tuning.hpp"

using namespace nirl;

namespace {

Eigen::MatrixXd curve(double a, double b, double c, double d) {
  Eigen::MatrixXd m(2, 2);
  m << a, b, c, d;
  return m;
}

}  // namespace

TEST(TuningGroups, SingleLinkageJoinsChainsAndSkipsUndefinedEntries) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double tol = 0.02;
  // 0 and 2 differ by 0.03 (not close), but 1 lies within 0.015 of both: one chain {0, 1, 2}.
  // 3 differs from 0 only where 3 is undefined (NaN), elsewhere by 0.1: its own group.
  // 4 equals 3 except at the entry where 3 is NaN: joins 3. 5 is far from all.
  const std::vector<Eigen::MatrixXd> tuning = {
      curve(0.10, 0.20, 0.30, 0.40), curve(0.115, 0.20, 0.30, 0.40), curve(0.13, 0.20, 0.30, 0.40),
      curve(nan, 0.30, 0.30, 0.40),  curve(0.9, 0.30, 0.30, 0.40),   curve(0.5, 0.5, 0.5, 0.5)};
  EXPECT_EQ(tuning_groups(tuning, tol), (std::vector<int>{0, 0, 0, 1, 1, 2}));
  // Below the chain's step size every neuron of the chain is alone.
  EXPECT_EQ(tuning_groups(tuning, 0.01), (std::vector<int>{0, 1, 2, 3, 3, 4}));
  // A difference of exactly tol is not close (strictly less than tol).
  EXPECT_EQ(tuning_groups({curve(0, 0, 0, 0), curve(0.25, 0, 0, 0)}, 0.25), (std::vector<int>{0, 1}));
  // Numbering follows the first member: a later neuron joining the first group keeps 0.
  EXPECT_EQ(tuning_groups({curve(0, 0, 0, 0), curve(1, 1, 1, 1), curve(0, 0, 0, 0.001)}, tol),
            (std::vector<int>{0, 1, 0}));
}
