// The grid of a study (docs/studies.md): axes over configuration keys, x trials x bootstrap
// resamples. An axis either varies one key over listed values (`vary = network.lambda: 0.1,
// 0.3`) or lists explicit points, each a set of key assignments (`point = network.lambda =
// 0.1; study.samples = 1000`, the axis named "point"). A grid point is one value of every
// axis (row-major, first axis slowest); a task is (point, trial, bootstrap), and its id is
// its row-major index over [points, trials, bootstraps + 1], so task ids, and the streams
// keyed by them, do not depend on how the tasks are scheduled.
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
  int trial = 0, bootstrap = 0;  // bootstrap 0 = the simulated raster itself
};

class StudyGrid {
 public:
  // Throws nirl::Error when two axes set the same key or the task count overflows.
  StudyGrid(std::vector<StudyAxis> axes, int trials, int bootstraps);
  const std::vector<StudyAxis>& axes() const { return axes_; }
  int trials() const { return trials_; }
  int bootstraps() const { return bootstraps_; }
  std::size_t points() const { return points_; }
  std::uint64_t tasks() const { return std::uint64_t(points_) * std::uint64_t(trials_) * std::uint64_t(bootstraps_ + 1); }
  std::vector<std::size_t> coordinates(std::size_t point) const;  // one index per axis
  Assignments settings(std::size_t point) const;                  // all axes' assignments
  StudyTask task(std::uint64_t id) const;
  // The raster of (point, trial): shared by its bootstrap resamples.
  std::uint64_t raster_index(const StudyTask& t) const { return std::uint64_t(t.point) * std::uint64_t(trials_) + std::uint64_t(t.trial); }

 private:
  std::vector<StudyAxis> axes_;
  int trials_, bootstraps_;
  std::size_t points_ = 1;
};

}  // namespace nirl
