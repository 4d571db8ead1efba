// The grid of a study (docs/studies.md): axes over configuration keys, x trials x bootstrap
// resamples. An axis either varies one key over listed values (`vary = network.lambda: 0.1,
// 0.3`) or lists explicit points, each a set of key assignments (`point = network.lambda =
// 0.1; study.samples = 1000`, the axis named "point"). A grid point is one value of every
// axis (row-major, first axis slowest); a task is (point, trial, bootstrap), or one of the
// point's `pieces` (tasks of a pipeline that computes a point measure piece by piece, e.g. one
// model fit per fold). A point's tasks are its trials x (bootstraps + 1) in row-major order,
// then its pieces; ids run point by point, so task ids, and the streams keyed by them, do not
// depend on how the tasks are scheduled (and a study without pieces numbers its tasks
// [points, trials, bootstraps + 1] row-major).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nirl {

// Key assignments (key, value as text) that turn the base configuration into one point.
using Assignments = std::vector<std::pair<std::string, std::string>>;

struct StudyAxis {
  std::string name;                  // the varied key, or "point"
  std::vector<std::string> labels;   // one per value: the value, or the point's assignments
  std::vector<Assignments> settings; // one per value
};

// `text` is "KEY: V1, V2, ..." (values separated by ';' instead when any value contains a
// comma, e.g. "reward.counts: 2,6; 3,5"). Throws nirl::Error on an empty key, no values or
// a repeated value.
StudyAxis parse_vary(const std::string& text);

// The explicit points axis: each line "KEY = VALUE; KEY = VALUE ...".
StudyAxis parse_points(const std::vector<std::string>& lines);

struct StudyTask {
  std::uint64_t id = 0;
  std::size_t point = 0;
  int trial = 0, bootstrap = 0;  // bootstrap 0 = the simulated raster itself; -1 in a piece
  int piece = -1;                // >= 0: the point's piece task of that index
};

class StudyGrid {
 public:
  // Throws nirl::Error when two axes set the same key or the task count overflows.
  StudyGrid(std::vector<StudyAxis> axes, int trials, int bootstraps, int pieces = 0);
  // The same grid with `pieces` piece tasks per point.
  StudyGrid with_pieces(int pieces) const { return StudyGrid(axes_, trials_, bootstraps_, pieces); }
  const std::vector<StudyAxis>& axes() const { return axes_; }
  int trials() const { return trials_; }
  int bootstraps() const { return bootstraps_; }
  int pieces() const { return pieces_; }
  std::size_t points() const { return points_; }
  // Trial x bootstrap tasks per point, and all tasks of a point.
  std::uint64_t samples_per_point() const { return std::uint64_t(trials_) * std::uint64_t(bootstraps_ + 1); }
  std::uint64_t tasks_per_point() const { return samples_per_point() + std::uint64_t(pieces_); }
  std::uint64_t tasks() const { return std::uint64_t(points_) * tasks_per_point(); }
  std::vector<std::size_t> coordinates(std::size_t point) const;  // one index per axis
  Assignments settings(std::size_t point) const;                  // all axes' assignments
  StudyTask task(std::uint64_t id) const;
  // The raster of (point, trial): shared by its bootstrap resamples.
  std::uint64_t raster_index(const StudyTask& t) const { return std::uint64_t(t.point) * std::uint64_t(trials_) + std::uint64_t(t.trial); }
  // A sample task's row among the [points, trials, bootstraps + 1] rows of the task measures
  // (its id when the grid has no pieces).
  std::uint64_t sample_row(const StudyTask& t) const {
    return raster_index(t) * std::uint64_t(bootstraps_ + 1) + std::uint64_t(t.bootstrap);
  }

 private:
  std::vector<StudyAxis> axes_;
  int trials_, bootstraps_, pieces_;
  std::size_t points_ = 1;
};

}  // namespace nirl
