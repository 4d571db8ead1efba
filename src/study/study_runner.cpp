#include "nirl/study/study_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "nirl/core/error.hpp"
#include "nirl/io/labelled_array.hpp"
#include "nirl/io/result_axes.hpp"
#include "nirl/io/results_io.hpp"
#include "nirl/study/mpi_solve_runner.hpp"
#include "nirl/study/progress.hpp"
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
  std::uint64_t pieces = 0;           // piece tasks per point
  std::vector<ValueAxis> value_axes;  // rank 0 only: those of the first point
};

std::string point_name(const StudyGrid& grid, std::size_t point) {
  std::string name;
  for (const auto& [k, v] : grid.settings(point)) name += (name.empty() ? "" : ", ") + k + " = " + v;
  return name.empty() ? "the study" : "grid point " + name;
}

// Whether any measure of the study runs along the value axis `name`.
bool measured_along(const Study& study, const std::string& name) {
  for (const std::string& m : study.measures)
    for (const std::string& axis : find_measure(*study.pipeline, m).axes)
      if (axis == name) return true;
  return false;
}

bool records(const Study& study, MeasureLevel level) {
  for (const std::string& m : study.measures)
    if (find_measure(*study.pipeline, m).level == level) return true;
  return false;
}

// What the measures need beyond their axes: a summary's inputs, bootstrap resamples, piece
// measures along the piece axes.
void check_measures(const Study& study) {
  const std::vector<std::string> piece_axes = study.pipeline->piece_axes();
  for (const std::string& name : study.measures) {
    const MeasureInfo& m = find_measure(*study.pipeline, name);
    const MeasureNeeds needs = study.pipeline->needs(name);
    for (const std::string& input : needs.inputs)
      if (std::find(study.measures.begin(), study.measures.end(), input) == study.measures.end())
        fail("study.measures: ", name, " is computed from ", input, ", which is not listed");
    if (study.grid.bootstraps() < needs.min_bootstraps)
      fail("study.measures: ", name, " needs study.bootstraps >= ", needs.min_bootstraps, " (got ",
           study.grid.bootstraps(), ")");
    if (m.level == MeasureLevel::piece &&
        (m.axes.size() < piece_axes.size() || !std::equal(piece_axes.begin(), piece_axes.end(), m.axes.begin())))
      fail("measure ", name, ": a piece measure's leading value axes must be the pipeline's piece axes");
  }
}

Schedule resolve_all(const Study& study) {
  check_measures(study);
  Schedule s;
  std::map<std::string, std::uint64_t> groups;
  for (std::size_t p = 0; p < study.grid.points(); ++p) {
    const Assignments settings = study.grid.settings(p);
    try {
      const std::shared_ptr<const PipelinePoint> point = study.pipeline->resolve(settings);
      std::vector<ValueAxis> axes = study.pipeline->value_axes(*point);
      if (p == 0) {
        for (const ValueAxis& axis : axes)
          if (axis.size == 0 && measured_along(study, axis.name))
            for (const std::string& m : study.measures)
              for (const std::string& along : find_measure(*study.pipeline, m).axes)
                if (along == axis.name)
                  fail("study.measures: ", m, " needs ", axis.source.empty() ? "a non-empty " + axis.name + " axis" : axis.source);
        s.value_axes = std::move(axes);
      } else {
        for (std::size_t k = 0; k < axes.size(); ++k) {
          if (!measured_along(study, axes[k].name)) continue;
          if (axes[k].size != s.value_axes[k].size)
            fail("the number of values along '", axes[k].name, "' differs between grid points (", s.value_axes[k].size,
                 " and ", axes[k].size, "), so measures along it cannot share one array: drop them from study.measures");
          if (axes[k].labels != s.value_axes[k].labels)
            fail("the values along '", axes[k].name, "' differ between grid points, so measures along it cannot share "
                 "one array: drop them from study.measures");
        }
      }
      s.samples.push_back(point->samples);
    } catch (const Error& e) {
      if (study.grid.points() == 1) throw;
      fail(point_name(study.grid, p), ": ", e.what());
    }
    s.group.push_back(groups.emplace(truth_key(settings), groups.size()).first->second);
  }
  if (records(study, MeasureLevel::piece)) {
    s.pieces = 1;
    for (const std::string& name : study.pipeline->piece_axes())
      for (const ValueAxis& axis : s.value_axes)
        if (axis.name == name) s.pieces *= axis.size;
  }
  return s;
}

// Task ids truth group by truth group, largest sample sizes first within a group. A point's
// tasks have consecutive ids, so the points are ordered and their id ranges laid end to end,
// each point's piece tasks (its long computations) first.
std::vector<std::uint64_t> schedule_order(const StudyGrid& grid, const Schedule& s) {
  std::vector<std::size_t> points(grid.points());
  for (std::size_t p = 0; p < points.size(); ++p) points[p] = p;
  std::stable_sort(points.begin(), points.end(), [&](std::size_t a, std::size_t b) {
    if (s.group[a] != s.group[b]) return s.group[a] < s.group[b];
    return s.samples[a] > s.samples[b];
  });
  const std::uint64_t per_point = grid.tasks_per_point(), samples = grid.samples_per_point();
  std::vector<std::uint64_t> order;
  order.reserve(grid.tasks());
  for (const std::size_t p : points) {
    for (std::uint64_t k = samples; k < per_point; ++k) order.push_back(std::uint64_t(p) * per_point + k);
    for (std::uint64_t k = 0; k < samples; ++k) order.push_back(std::uint64_t(p) * per_point + k);
  }
  return order;
}

void broadcast(std::vector<std::uint64_t>& v, std::size_t size) {
  v.resize(size);
  MPI_Bcast(v.data(), int(size), MPI_UINT64_T, 0, MPI_COMM_WORLD);
}

// Where truth group g's truth is stored, for a pipeline that stores its truths.
std::string truth_path(const std::string& checkpoint_dir, std::uint64_t g) {
  return (std::filesystem::path(checkpoint_dir) / ("truth." + std::to_string(g) + ".h5")).string();
}

// The truth groups of this run's tasks (of its part: positions part, part + parts, ... of
// the order) whose truth is not in the checkpoint folder yet, each with one of its points:
// rank 0 looks, every rank gets the list.
std::vector<std::pair<std::uint64_t, std::size_t>> missing_truths(const MpiSession& mpi, const StudyGrid& grid,
                                                                  const Schedule& s,
                                                                  const std::vector<std::uint64_t>& order,
                                                                  const StudyRun& run) {
  std::vector<std::uint64_t> groups, points;
  on_rank_zero(mpi, [&] {
    open_checkpoint(run.checkpoint_dir, run.config_text, run.parts > 1);
    std::error_code ec;
    std::set<std::uint64_t> seen;
    for (std::size_t k = std::size_t(run.part); k < order.size(); k += std::size_t(run.parts)) {
      const std::size_t p = std::size_t(grid.task(order[k]).point);
      if (seen.insert(s.group[p]).second && !std::filesystem::exists(truth_path(run.checkpoint_dir, s.group[p]), ec)) {
        groups.push_back(s.group[p]);
        points.push_back(p);
      }
    }
  });
  std::uint64_t count = groups.size();
  MPI_Bcast(&count, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  broadcast(groups, std::size_t(count));
  broadcast(points, std::size_t(count));
  std::vector<std::pair<std::uint64_t, std::size_t>> out;
  for (std::size_t k = 0; k < groups.size(); ++k) out.emplace_back(groups[k], std::size_t(points[k]));
  return out;
}

// Point p's truth, solved with `runner`.
std::shared_ptr<const PipelineTruth> truth_of_point(const Study& study, std::size_t p, const SolveRunner& runner) {
  return study.pipeline->solve_truth(*study.pipeline->resolve(study.grid.settings(p)), runner);
}

// Stores truth group g's truth in the checkpoint folder, where the tasks of its points load it.
void store_group_truth(const Study& study, const StudyRun& run, std::uint64_t group, const PipelineTruth& truth) {
  h5::OutputFile out(truth_path(run.checkpoint_dir, group));
  study.pipeline->store_truth(truth, out.id());
  out.commit();
}

// The missing truths solved one after the other by all ranks together, each one's
// independent solves shared out over the ranks (mpi_solve_runner.hpp), and stored by rank 0
// before any rank goes on. Every rank meets the same error, if any.
void solve_truths_together(const MpiSession& mpi, const Study& study, const StudyRun& run,
                           const std::vector<std::pair<std::uint64_t, std::size_t>>& missing) {
  const SolveRunner runner = mpi_solve_runner(MPI_COMM_WORLD);
  Progress progress("run");
  for (std::size_t k = 0; k < missing.size(); ++k) {
    const auto [group, p] = missing[k];
    progress.update(double(k) / double(missing.size()),
                    std::to_string(k) + " / " + std::to_string(missing.size()) + " true optima, on all ranks");
    std::shared_ptr<const PipelineTruth> truth;
    try {
      truth = truth_of_point(study, p, runner);
    } catch (const Error& e) {
      fail(point_name(study.grid, p), ", its true optimum: ", e.what());
    }
    on_rank_zero(mpi, [&, group = group] { store_group_truth(study, run, group, *truth); });
  }
}

// A rank's latest resolved points and truths (two of each). Truths are loaded from the
// checkpoint folder when the pipeline stores them (share_truths), else solved here.
class TruthCache {
 public:
  TruthCache(const Study& study, const Schedule& s, std::string checkpoint_dir)
      : study_(study), schedule_(s), checkpoint_dir_(std::move(checkpoint_dir)) {}
  const PipelinePoint& point(std::size_t p) {
    for (const auto& [index, point] : points_)
      if (index == p) return *point;
    keep(points_, p, study_.pipeline->resolve(study_.grid.settings(p)));
    return *points_.back().second;
  }
  const PipelineTruth& truth(std::size_t p) {
    const std::uint64_t g = schedule_.group[p];
    for (const auto& [group, truth] : truths_)
      if (group == g) return *truth;
    if (study_.pipeline->stores_truths()) {
      // Claimed before this task by some rank, which may still be solving it.
      const std::string path = truth_path(checkpoint_dir_, g);
      std::error_code ec;
      for (auto pause = std::chrono::milliseconds(1); !std::filesystem::exists(path, ec);
           pause = std::min(2 * pause, std::chrono::milliseconds(100)))
        std::this_thread::sleep_for(pause);
      keep(truths_, g, study_.pipeline->load_truth(point(p), h5::InputFile(path)));
    } else {
      keep(truths_, g, study_.pipeline->solve_truth(point(p), {}));
    }
    return *truths_.back().second;
  }

 private:
  template <typename T>
  static void keep(std::deque<std::pair<std::uint64_t, std::shared_ptr<const T>>>& q, std::uint64_t key,
                   std::shared_ptr<const T> v) {
    if (q.size() == 2) q.pop_front();
    q.emplace_back(key, std::move(v));
  }
  const Study& study_;
  const Schedule& schedule_;
  std::string checkpoint_dir_;
  std::deque<std::pair<std::uint64_t, std::shared_ptr<const PipelinePoint>>> points_;
  std::deque<std::pair<std::uint64_t, std::shared_ptr<const PipelineTruth>>> truths_;
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
  h5::write_axis(file, path, axis.name, numbers, "units of the key " + axis.name, "values of " + axis.name);
}

// One recorded measure: its array and the number of values it has per task or point.
struct Column {
  const MeasureInfo* info;
  std::size_t size;
  h5::LabelledArray array;
};

// One point's stored values, read back from the arrays being written.
class StoredColumns : public StoredPoint {
 public:
  StoredColumns(const StudyGrid& grid, const std::vector<Column>& columns, std::size_t point)
      : grid_(grid), columns_(columns), point_(point) {}
  std::vector<double> values(const std::string& measure) const override {
    for (const Column& c : columns_) {
      if (c.info->name != measure || c.info->level == MeasureLevel::summary) continue;
      if (c.info->level != MeasureLevel::task) return c.array.read_block(point_ * c.size, c.size);
      const std::uint64_t count = grid_.samples_per_point() * c.size;
      return count == 0 ? std::vector<double>{} : c.array.read_block(point_ * count, count);
    }
    fail("the summary needs measure ", measure, ", which is not recorded");
  }

 private:
  const StudyGrid& grid_;
  const std::vector<Column>& columns_;
  std::size_t point_;
};

// The summary measures of every point, one point at a time from its stored values.
void write_summaries(const Study& study, std::vector<Column>& columns) {
  std::vector<const MeasureInfo*> measures;
  for (const Column& c : columns)
    if (c.info->level == MeasureLevel::summary) measures.push_back(c.info);
  for (std::size_t p = 0; p < study.grid.points(); ++p) {
    std::vector<double> record;
    try {
      const std::shared_ptr<const PipelinePoint> point = study.pipeline->resolve(study.grid.settings(p));
      study.pipeline->summarise(*point, study.grid, StoredColumns(study.grid, columns, p), measures, record);
    } catch (const Error& e) {
      fail(point_name(study.grid, p), ", summary: ", e.what());
    }
    std::size_t at = 0;
    for (Column& c : columns) {
      if (c.info->level != MeasureLevel::summary) continue;
      if (at + c.size > record.size()) fail("the summary of ", point_name(study.grid, p), " has too few values");
      if (c.size > 0) c.array.write_block(p * c.size, record.data() + at, c.size);
      at += c.size;
    }
    if (at != record.size()) fail("the summary of ", point_name(study.grid, p), " has too many values");
  }
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
  std::vector<std::int64_t> trials(std::size_t(grid.trials())), bootstraps(std::size_t(grid.bootstraps() + 1));
  for (std::size_t k = 0; k < trials.size(); ++k) trials[k] = std::int64_t(k);
  for (std::size_t k = 0; k < bootstraps.size(); ++k) bootstraps[k] = std::int64_t(k);
  h5::write_axis(f, "/study/axes/trial", "trial", trials, "index", "simulation index (its own random stream)");
  h5::write_axis(f, "/study/axes/bootstrap", "bootstrap", bootstraps, "index",
                 "0: the sampled data; k > 0: bootstrap resample k of them");
  for (const ValueAxis& axis : s.value_axes) {
    if (!measured_along(study, axis.name)) continue;
    const std::string path = "/study/axes/" + axis.name;
    if (!axis.labels.empty()) {
      h5::write_axis(f, path, axis.name, axis.labels, axis.description);
    } else {
      std::vector<std::int64_t> index(axis.size);
      for (std::size_t k = 0; k < index.size(); ++k) index[k] = std::int64_t(k);
      h5::write_axis(f, path, axis.name, index, "index", axis.description);
    }
  }
  const ResultAxes study_axes(f, "/study");
  for (const ValueAxis& axis : s.value_axes)
    if (axis.neurons > 0 && measured_along(study, axis.name))
      study_axes.write_spikes("/study/axes/" + axis.name, axis.neurons, int(axis.size >> axis.neurons));

  // Arrays in measure order; each record is laid out in the same order.
  std::vector<Column> columns;
  for (const std::string& name : study.measures) {
    const MeasureInfo& m = find_measure(*study.pipeline, name);
    std::vector<std::string> axes = grid_axes;
    if (m.level == MeasureLevel::task) {
      axes.push_back("/study/axes/trial");
      axes.push_back("/study/axes/bootstrap");
    }
    for (const std::string& axis : m.axes) axes.push_back("/study/axes/" + axis);
    columns.push_back({&m, measure_size(m, s.value_axes),
                       h5::LabelledArray(f, "/study/" + name, axes, m.unit, m.description, m.whole)});
  }
  std::vector<bool> written(grid.tasks(), false);
  std::uint64_t count = 0;
  for_each_checkpoint_record(run.checkpoint_dir, [&](std::uint64_t id, const std::vector<double>& record) {
    if (id >= grid.tasks() || written[id]) return;
    const StudyTask task = grid.task(id);
    // A sample task's record holds its task measures, then (trial 0, bootstrap 0) its point's
    // point measures; a piece task's its piece of the piece measures.
    const std::vector<MeasureLevel> levels =
        task.piece >= 0 ? std::vector<MeasureLevel>{MeasureLevel::piece}
        : task.trial == 0 && task.bootstrap == 0 ? std::vector<MeasureLevel>{MeasureLevel::task, MeasureLevel::point}
                                                 : std::vector<MeasureLevel>{MeasureLevel::task};
    const auto block = [&](const Column& c) { return c.info->level == MeasureLevel::piece ? c.size / s.pieces : c.size; };
    std::size_t expected = 0;
    for (const MeasureLevel level : levels)
      for (const Column& c : columns)
        if (c.info->level == level) expected += block(c);
    if (record.size() != expected)
      fail(run.checkpoint_dir, ": task ", id, " has ", record.size(), " values, expected ", expected);
    std::size_t at = 0;
    for (const MeasureLevel level : levels)
      for (Column& c : columns) {
        if (c.info->level != level) continue;
        const std::uint64_t offset = level == MeasureLevel::task    ? grid.sample_row(task) * c.size
                                     : level == MeasureLevel::point ? task.point * c.size
                                                                    : task.point * c.size + std::uint64_t(task.piece) * block(c);
        if (block(c) > 0) c.array.write_block(offset, record.data() + at, block(c));
        at += block(c);
      }
    written[id] = true;
    ++count;
  });
  if (count != grid.tasks()) fail(run.checkpoint_dir, " holds ", count, " of ", grid.tasks(), " task records");
  if (records(study, MeasureLevel::summary)) write_summaries(study, columns);
  std::string measures;
  for (const std::string& m : study.measures) measures += (measures.empty() ? "" : ",") + m;
  h5::describe_group(f, "/study", "the " + study.pipeline_name +
                                     " study: one array per measure over the grid axes (task measures also over trial "
                                     "and bootstrap), then its value axes");
  h5::describe_group(f, "/study/axes", "the axes of the study arrays, as dimension scales");
  h5::set_attribute(f, "/study", "pipeline", study.pipeline_name);
  h5::set_attribute(f, "/study", "measures", measures);
  h5::set_attribute(f, "/study", "tasks", static_cast<long long>(grid.tasks()));
  out.commit();
}

}  // namespace

std::uint64_t run_study(const MpiSession& mpi, const Study& configured, const StudyRun& run) {
  Schedule schedule;
  on_rank_zero(mpi, [&] { schedule = resolve_all(configured); });
  broadcast(schedule.samples, configured.grid.points());
  broadcast(schedule.group, configured.grid.points());
  MPI_Bcast(&schedule.pieces, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  Study study = configured;
  study.grid = configured.grid.with_pieces(int(schedule.pieces));

  std::vector<const MeasureInfo*> task_measures, point_measures, piece_measures;
  for (const std::string& name : study.measures) {
    const MeasureInfo& m = find_measure(*study.pipeline, name);
    if (m.level == MeasureLevel::task) task_measures.push_back(&m);
    if (m.level == MeasureLevel::point) point_measures.push_back(&m);
    if (m.level == MeasureLevel::piece) piece_measures.push_back(&m);
  }
  const std::vector<std::uint64_t> order = schedule_order(study.grid, schedule);
  TruthCache cache(study, schedule, run.checkpoint_dir);
  TaskRun task_run;
  task_run.checkpoint_dir = run.checkpoint_dir;
  task_run.config_text = run.config_text;
  task_run.label = "run";
  task_run.part = run.part;
  task_run.parts = run.parts;
  if (study.pipeline->stores_truths()) {
    // Each missing truth is solved once and stored for the tasks of its group: with fewer
    // truths than ranks by all ranks together, else each by one rank.
    std::vector<std::pair<std::uint64_t, std::size_t>> missing = missing_truths(mpi, study.grid, schedule, order, run);
    if (mpi.size() > 1 && !missing.empty() && missing.size() < std::size_t(mpi.size())) {
      solve_truths_together(mpi, study, run, missing);
      missing.clear();
    }
    task_run.shared_steps = missing.size();
    task_run.shared_label = "true optima";
    task_run.shared_step = [&study, &run, missing](std::uint64_t k) {
      const auto [group, p] = missing[k];
      try {
        store_group_truth(study, run, group, *truth_of_point(study, p, {}));
      } catch (const Error& e) {
        fail(point_name(study.grid, p), ", its true optimum: ", e.what());
      }
    };
  }
  run_tasks_to_checkpoint(
      mpi, order,
      [&](std::uint64_t id) {
        const StudyTask task = study.grid.task(id);
        try {
          const PipelinePoint& point = cache.point(task.point);
          const PipelineTruth& truth = cache.truth(task.point);
          std::vector<double> record;
          if (task.piece >= 0) {
            study.pipeline->run_piece(point, truth, task, piece_measures, record);
            return record;
          }
          if (!task_measures.empty()) study.pipeline->run_task(point, truth, study.grid, task, task_measures, record);
          if (task.trial == 0 && task.bootstrap == 0 && !point_measures.empty())
            study.pipeline->point_measures(point, truth, task, point_measures, record);
          return record;
        } catch (const Error& e) {
          if (task.piece >= 0) fail(point_name(study.grid, task.point), ", piece ", task.piece, ": ", e.what());
          fail(point_name(study.grid, task.point), ", trial ", task.trial, ", bootstrap ", task.bootstrap, ": ", e.what());
        }
      },
      task_run);
  if (run.parts > 1) return study.grid.tasks();
  on_rank_zero(mpi, [&] {
    write_study(study, schedule, run);
    remove_checkpoint(run.checkpoint_dir);
  });
  return study.grid.tasks();
}

}  // namespace nirl
