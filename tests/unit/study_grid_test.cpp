// The study grid (study_grid.hpp): axis parsing, row-major points, task ids and raster
// indices, checked against loops written out here.
#include <gtest/gtest.h>

#include "error_matchers.hpp"
#include "nirl/study/study_grid.hpp"

namespace {

using nirl::Assignments;
using nirl::parse_points;
using nirl::parse_vary;
using nirl::StudyGrid;

TEST(StudyGrid, VaryAxisSplitsAtCommasOrAtSemicolonsWhenGiven) {
  const nirl::StudyAxis a = parse_vary(" network.lambda : 0.1, 0.3 ,1 ");
  EXPECT_EQ(a.name, "network.lambda");
  EXPECT_EQ(a.labels, (std::vector<std::string>{"0.1", "0.3", "1"}));
  EXPECT_EQ(a.settings[2], (Assignments{{"network.lambda", "1"}}));
  const nirl::StudyAxis counts = parse_vary("reward.counts: 2,6; 3,5");
  EXPECT_EQ(counts.labels, (std::vector<std::string>{"2,6", "3,5"}));
}

TEST(StudyGrid, BadAxesAreRefused) {
  EXPECT_THROW(parse_vary("network.lambda 0.1"), nirl::Error);
  EXPECT_THROW(parse_vary(": 0.1"), nirl::Error);
  EXPECT_THROW(parse_vary("network.lambda: 0.1,"), nirl::Error);
  EXPECT_THROW(parse_vary("network.lambda: 0.1, 0.1"), nirl::Error);
  EXPECT_THROW(parse_points({"network.lambda = 1; network.lambda = 2"}), nirl::Error);
  EXPECT_THROW(parse_points({"network.lambda"}), nirl::Error);
  EXPECT_THROW(StudyGrid({parse_vary("a: 1, 2"), parse_points({"a = 3"})}, 1, 0), nirl::Error);
  EXPECT_THROW(StudyGrid({}, 0, 0), nirl::Error);
  EXPECT_THROW(StudyGrid({}, 1, -1), nirl::Error);
}

TEST(StudyGrid, PointsAreRowMajorAndTaskIdsCountBootstrapsFastest) {
  const StudyGrid grid({parse_points({"x = 1; y = 2", "x = 3; y = 4"}), parse_vary("a: 1, 2, 3")}, 4, 2);
  ASSERT_EQ(grid.points(), 6u);
  ASSERT_EQ(grid.tasks(), 6u * 4u * 3u);
  std::uint64_t id = 0;
  for (std::size_t p = 0; p < 2; ++p)
    for (std::size_t q = 0; q < 3; ++q) {
      const std::size_t point = p * 3 + q;
      EXPECT_EQ(grid.coordinates(point), (std::vector<std::size_t>{p, q}));
      const Assignments expected = {{"x", p ? "3" : "1"}, {"y", p ? "4" : "2"}, {"a", std::to_string(q + 1)}};
      EXPECT_EQ(grid.settings(point), expected);
      for (int t = 0; t < 4; ++t)
        for (int b = 0; b < 3; ++b, ++id) {
          const nirl::StudyTask task = grid.task(id);
          EXPECT_EQ(task.point, point);
          EXPECT_EQ(task.trial, t);
          EXPECT_EQ(task.bootstrap, b);
          EXPECT_EQ(grid.raster_index(task), point * 4 + std::size_t(t));
        }
    }
  EXPECT_THROW(grid.task(id), nirl::Error);
}

TEST(StudyGrid, PiecesFollowEachPointsSampleTasks) {
  const StudyGrid grid = StudyGrid({parse_vary("a: 1, 2")}, 2, 1).with_pieces(3);
  ASSERT_EQ(grid.samples_per_point(), 4u);
  ASSERT_EQ(grid.tasks_per_point(), 7u);
  ASSERT_EQ(grid.tasks(), 14u);
  std::uint64_t id = 0;
  for (std::size_t point = 0; point < 2; ++point) {
    for (int t = 0; t < 2; ++t)
      for (int b = 0; b < 2; ++b, ++id) {
        const nirl::StudyTask task = grid.task(id);
        EXPECT_EQ(task.point, point);
        EXPECT_EQ(task.trial, t);
        EXPECT_EQ(task.bootstrap, b);
        EXPECT_EQ(task.piece, -1);
      }
    for (int k = 0; k < 3; ++k, ++id) {
      const nirl::StudyTask task = grid.task(id);
      EXPECT_EQ(task.point, point);
      EXPECT_EQ(task.piece, k);
      EXPECT_EQ(task.trial, -1);
    }
  }
  EXPECT_THROW(grid.task(id), nirl::Error);
  EXPECT_THROW(StudyGrid({}, 1, 0, -1), nirl::Error);
}

TEST(StudyGrid, NoAxesIsOnePoint) {
  const StudyGrid grid({}, 3, 0);
  EXPECT_EQ(grid.points(), 1u);
  EXPECT_EQ(grid.tasks(), 3u);
  EXPECT_TRUE(grid.settings(0).empty());
}

}  // namespace
