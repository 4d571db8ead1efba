#include "nirl/study/study_runner.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>

#include "nirl/core/error.hpp"
#include "nirl/io/labelled_array.hpp"
#include "nirl/io/perturbation_spec.hpp"
#include "nirl/io/results_io.hpp"
#include "nirl/study/study_measures.hpp"
#include "nirl/study/task_journal.hpp"
#include "nirl/study/task_runner.hpp"

namespace nirl {
namespace {

// Points with the same assignments outside [study] share their truth.
std::string truth_key(const Assignments& settings) {
  std::string key;
  for (const auto& [k, v] : settings)
    if (k.rfind("study.", 0) != 0) key += k + "=" + v + "\n";
  return key;
}

// What every rank needs to schedule: per point, its sample size and truth group.
struct Schedule {
  std::vector<std::uint64_t> samples, group;
  std::size_t states = 0;  // S of every point (state measures need one S)
};

std::string point_name(const StudyGrid& grid, std::size_t point) {
  std::string name;
  for (const auto& [k, v] : grid.settings(point)) name += (name.empty() ? "" : ", ") + k + " = " + v;
  return name.empty() ? "the study" : "grid point " + name;
}

Schedule resolve_all(const Study& study) {
  Schedule s;
  std::map<std::string, std::uint64_t> groups;
  bool state_measure = false;
  for (const std::string& m : study.measures) state_measure |= find_measure(m).extent == MeasureExtent::state;
  for (std::size_t p = 0; p < study.grid.points(); ++p) {
    const Assignments settings = study.grid.settings(p);
    try {
      const StudyPoint point = study.resolve(settings);
      if (point.samples < 2) fail("study.samples must be >= 2 (got ", point.samples, ")");
      if (point.block_length < 1) fail("study.block_length must be >= 1");
      if (!(point.threshold >= 0.0)) fail("study.threshold must be >= 0");
      for (const std::string& spec : study.perturbations) {
        try {
          apply_perturbation(point.net, parse_perturbation(spec));
        } catch (const Error& e) {
          fail("study.perturbations '", spec, "': ", e.what());
        }
      }
      if (p == 0) s.states = point.net.space.size;
      if (state_measure && point.net.space.size != s.states)
        fail("the number of states differs between grid points (", s.states, " and ", point.net.space.size,
             "), so per-state measures cannot share one array: drop them from study.measures");
      s.samples.push_back(point.samples);
    } catch (const Error& e) {
      if (study.grid.points() == 1) throw;
      fail(point_name(study.grid, p), ": ", e.what());
    }
    s.group.push_back(groups.emplace(truth_key(settings), groups.size()).first->second);
  }
  return s;
}

// Task ids truth group by truth group, largest sample sizes first within a group. A point's
// tasks have consecutive ids, so the points are ordered and their id ranges laid end to end.
std::vector<std::uint64_t> schedule_order(const StudyGrid& grid, const Schedule& s) {
  std::vector<std::size_t> points(grid.points());
  for (std::size_t p = 0; p < points.size(); ++p) points[p] = p;
  std::stable_sort(points.begin(), points.end(), [&](std::size_t a, std::size_t b) {
    if (s.group[a] != s.group[b]) return s.group[a] < s.group[b];
    return s.samples[a] > s.samples[b];
  });
  const std::uint64_t per_point = grid.tasks() / grid.points();
  std::vector<std::uint64_t> order;
  order.reserve(grid.tasks());
  for (const std::size_t p : points)
    for (std::uint64_t k = 0; k < per_point; ++k) order.push_back(std::uint64_t(p) * per_point + k);
  return order;
}

void broadcast(std::vector<std::uint64_t>& v, std::size_t size) {
  v.resize(size);
  MPI_Bcast(v.data(), int(size), MPI_UINT64_T, 0, MPI_COMM_WORLD);
}

// A rank's latest resolved points and truths (two of each).
class TruthCache {
 public:
  TruthCache(const Study& study, const Schedule& s) : study_(study), schedule_(s) {}
  const StudyPoint& point(std::size_t p) {
    for (const auto& [index, point] : points_)
      if (index == p) return *point;
    keep(points_, p, std::make_shared<StudyPoint>(study_.resolve(study_.grid.settings(p))));
    return *points_.back().second;
  }
  const StudyTruth& truth(std::size_t p) {
    const std::uint64_t g = schedule_.group[p];
    for (const auto& [group, truth] : truths_)
      if (group == g) return *truth;
    keep(truths_, g, std::make_shared<StudyTruth>(solve_truth(point(p), study_.perturbations)));
    return *truths_.back().second;
  }

 private:
  template <typename T>
  static void keep(std::deque<std::pair<std::uint64_t, std::shared_ptr<T>>>& q, std::uint64_t key, std::shared_ptr<T> v) {
    if (q.size() == 2) q.pop_front();
    q.emplace_back(key, std::move(v));
  }
  const Study& study_;
  const Schedule& schedule_;
  std::deque<std::pair<std::uint64_t, std::shared_ptr<StudyPoint>>> points_;
  std::deque<std::pair<std::uint64_t, std::shared_ptr<StudyTruth>>> truths_;
};

// An axis's values as numbers when every label is one, else as labels.
void write_grid_axis(hid_t file, const std::string& path, const StudyAxis& axis) {
  std::vector<double> numbers;
  for (const std::string& label : axis.labels) {
    char* end = nullptr;
    const double v = std::strtod(label.c_str(), &end);
    if (axis.name == "point" || end == label.c_str() || *end != '\0') {
      h5::write_axis(file, path, axis.name, axis.labels,
                     axis.name == "point" ? "explicit grid points: their key assignments" : "values of " + axis.name);
      return;
    }
    numbers.push_back(v);
  }
  h5::write_axis(file, path, axis.name, numbers, "", "values of " + axis.name);
}

void write_study(const Study& study, const Schedule& s, const StudyRun& run) {
  const StudyGrid& grid = study.grid;
  h5::OutputFile out(run.out_path);
  write_provenance(out, run.config_text, run.seed, run.command);
  const hid_t f = out.id();
  std::vector<std::string> grid_axes;
  for (const StudyAxis& axis : grid.axes()) {
    grid_axes.push_back("/study/axes/" + axis.name);
    write_grid_axis(f, grid_axes.back(), axis);
  }
  std::vector<std::int64_t> trials(std::size_t(grid.trials())), bootstraps(std::size_t(grid.bootstraps() + 1)),
      states(s.states);
  for (std::size_t k = 0; k < trials.size(); ++k) trials[k] = std::int64_t(k);
  for (std::size_t k = 0; k < bootstraps.size(); ++k) bootstraps[k] = std::int64_t(k);
  for (std::size_t k = 0; k < states.size(); ++k) states[k] = std::int64_t(k);
  h5::write_axis(f, "/study/axes/trial", "trial", trials, "", "simulation index (its own random stream)");
  h5::write_axis(f, "/study/axes/bootstrap", "bootstrap", bootstraps, "",
                 "0: the simulated raster; k > 0: moving-block bootstrap resample k");
  bool uses_perturbations = false, uses_states = false;
  for (const std::string& name : study.measures) {
    uses_perturbations |= find_measure(name).extent == MeasureExtent::perturbation;
    uses_states |= find_measure(name).extent == MeasureExtent::state;
  }
  if (uses_perturbations)
    h5::write_axis(f, "/study/axes/perturbation", "perturbation", study.perturbations, "nirl predict specifications");
  if (uses_states)
    h5::write_axis(f, "/study/axes/state", "state", states, "",
                   "state index s = sigma + 2^n x (bit i of sigma: neuron i active)");

  // Arrays in measure order; each record is laid out in the same order.
  struct Column {
    const MeasureInfo* info;
    std::size_t size;
    h5::LabelledArray array;
  };
  std::vector<Column> columns;
  for (const std::string& name : study.measures) {
    const MeasureInfo& m = find_measure(name);
    std::vector<std::string> axes = grid_axes;
    if (m.level == MeasureLevel::task) {
      axes.push_back("/study/axes/trial");
      axes.push_back("/study/axes/bootstrap");
    }
    if (m.extent == MeasureExtent::perturbation) axes.push_back("/study/axes/perturbation");
    if (m.extent == MeasureExtent::state) axes.push_back("/study/axes/state");
    columns.push_back({&m, measure_size(m, study.perturbations.size(), s.states),
                       h5::LabelledArray(f, "/study/" + name, axes, m.unit, m.description)});
  }
  std::vector<bool> written(grid.tasks(), false);
  std::uint64_t count = 0;
  for_each_checkpoint_record(run.checkpoint_dir, [&](std::uint64_t id, const std::vector<double>& record) {
    if (id >= grid.tasks() || written[id]) return;
    const StudyTask task = grid.task(id);
    const bool with_point = task.trial == 0 && task.bootstrap == 0;
    std::size_t expected = 0;
    for (const Column& c : columns)
      if (c.info->level == MeasureLevel::task || with_point) expected += c.size;
    if (record.size() != expected)
      fail(run.checkpoint_dir, ": task ", id, " has ", record.size(), " values, expected ", expected);
    std::size_t at = 0;  // the record holds the task measures, then the point measures
    for (const MeasureLevel level : {MeasureLevel::task, MeasureLevel::point})
      for (Column& c : columns) {
        if (c.info->level != level || (level == MeasureLevel::point && !with_point)) continue;
        const std::uint64_t row = level == MeasureLevel::task ? id : task.point;
        if (c.size > 0) c.array.write_row(row * c.size, record.data() + at, c.size);
        at += c.size;
      }
    written[id] = true;
    ++count;
  });
  if (count != grid.tasks()) fail(run.checkpoint_dir, " holds ", count, " of ", grid.tasks(), " task records");
  std::string specs, measures;
  for (const std::string& p : study.perturbations) specs += (specs.empty() ? "" : ";") + p;
  for (const std::string& m : study.measures) measures += (measures.empty() ? "" : ",") + m;
  h5::set_attribute(f, "/study", "perturbations", specs);
  h5::set_attribute(f, "/study", "measures", measures);
  h5::set_attribute(f, "/study", "tasks", static_cast<long long>(grid.tasks()));
  out.commit();
}

}  // namespace

void run_study(const MpiSession& mpi, const Study& study, const StudyRun& run) {
  Schedule schedule;
  on_rank_zero(mpi, [&] { schedule = resolve_all(study); });
  broadcast(schedule.samples, study.grid.points());
  broadcast(schedule.group, study.grid.points());
  std::uint64_t states = schedule.states;
  MPI_Bcast(&states, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  schedule.states = std::size_t(states);

  std::vector<const MeasureInfo*> task_measures, point_measures;
  for (const std::string& name : study.measures) {
    const MeasureInfo& m = find_measure(name);
    (m.level == MeasureLevel::task ? task_measures : point_measures).push_back(&m);
  }
  TruthCache cache(study, schedule);
  run_tasks_to_checkpoint(
      mpi, schedule_order(study.grid, schedule),
      [&](std::uint64_t id) {
        const StudyTask task = study.grid.task(id);
        try {
          const StudyPoint& point = cache.point(task.point);
          const StudyTruth& truth = cache.truth(task.point);
          std::vector<double> record;
          if (!task_measures.empty()) {
            const TaskOutcome outcome = run_synthetic_task(truth, point, study.perturbations, study.grid, task);
            for (const MeasureInfo* m : task_measures) append_task_measure(*m, outcome, record);
          }
          if (task.trial == 0 && task.bootstrap == 0)
            for (const MeasureInfo* m : point_measures) append_point_measure(*m, truth, record);
          return record;
        } catch (const Error& e) {
          fail(point_name(study.grid, task.point), ", trial ", task.trial, ", bootstrap ", task.bootstrap, ": ", e.what());
        }
      },
      TaskRun{run.checkpoint_dir, run.config_text, "run", run.part, run.parts});
  if (run.parts > 1) return;
  on_rank_zero(mpi, [&] {
    write_study(study, schedule, run);
    remove_checkpoint(run.checkpoint_dir);
  });
}

}  // namespace nirl
