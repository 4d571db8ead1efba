// The pipeline of a study (docs/studies.md): what one grid point's truth is, what one task
// does with it, and the named measures it records. The study runner (study_runner.hpp) owns
// the grid, the scheduling, the journal and the result file; a pipeline only computes.
//
// A task measure is taken by every task (axes: grid axes, trial, bootstrap, then its value
// axes); a point measure once per grid point from its truth (axes: grid axes, then its value
// axes); a piece measure, too, once per grid point, but piece by piece: its leading value
// axes are the pipeline's piece axes, and each combination of their indices is one task of
// its own (a long computation spread over ranks, e.g. one model fit per fold); a summary
// measure once per grid point by the rank that writes the file, from the point's stored
// values of other measures (e.g. bootstrap intervals from the resamples). A value axis (a
// perturbation, a state, an assumption, ...) has the same length at every grid point; the
// pipeline names and labels it.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "nirl/core/error.hpp"
#include "nirl/core/solve_runner.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/study/study_grid.hpp"

namespace nirl {

enum class MeasureLevel { task, point, piece, summary };

struct MeasureInfo {
  std::string name;
  MeasureLevel level;
  std::vector<std::string> axes;  // value axes, slowest first; empty: one value
  std::string unit, description;
  bool whole = false;  // whole numbers (counts, indices, 0/1 flags): stored as int64
};

// What a measure needs besides its value axes.
struct MeasureNeeds {
  std::vector<std::string> inputs;  // summary: the measures it is computed from
  int min_bootstraps = 0;           // study.bootstraps it needs
};

// A value axis: labelled (labels given) or numbered 0 .. size - 1.
struct ValueAxis {
  std::string name;
  std::size_t size = 0;
  std::vector<std::string> labels;
  std::string description;
  std::string source;  // the configuration key that sets it, if any (for errors)
  int neurons = 0;     // > 0: entry s is the state s = sigma + 2^n x of n neurons (the file spells it out)
};

// One grid point with every setting resolved (a pipeline derives its own).
struct PipelinePoint {
  virtual ~PipelinePoint() = default;
  std::size_t samples = 0;  // observed steps per task: larger points are scheduled first
};

// What every task of a point shares (a pipeline derives its own).
struct PipelineTruth {
  virtual ~PipelineTruth() = default;
};

// The stored values of one grid point's measures, for its summary measures.
class StoredPoint {
 public:
  virtual ~StoredPoint() = default;
  // Row-major [trials, bootstraps + 1, value axes...] for a task measure, [value axes...]
  // for a point or piece measure. Throws nirl::Error when the measure is not recorded.
  virtual std::vector<double> values(const std::string& measure) const = 0;
};

class StudyPipeline {
 public:
  virtual ~StudyPipeline() = default;
  virtual const std::vector<MeasureInfo>& measures() const = 0;
  // Recorded when the configuration names no measures.
  virtual std::vector<std::string> default_measures() const = 0;
  // The point that a grid point's assignments make of the base configuration, checked;
  // throws nirl::Error naming the bad setting.
  virtual std::shared_ptr<const PipelinePoint> resolve(const Assignments& settings) const = 0;
  // Every value axis the measures use, for this point.
  virtual std::vector<ValueAxis> value_axes(const PipelinePoint& point) const = 0;
  // `runner` runs the truth's independent forward solves (core/solve_runner.hpp; empty: on
  // this process); the truth must not depend on it.
  virtual std::shared_ptr<const PipelineTruth> solve_truth(const PipelinePoint& point, const SolveRunner& runner) const = 0;
  // A pipeline whose truths can be stored is solved once per truth group in a study and
  // shared with the ranks through the checkpoint folder (which also keeps it for a resumed
  // run): by one rank, or by all ranks together when the run has fewer truths to solve than
  // ranks (study_runner.hpp); other pipelines' truths are solved by each rank that needs them.
  // load_truth(point, file) must give the truth solve_truth(point, runner) gives, bit for bit.
  virtual bool stores_truths() const { return false; }
  virtual void store_truth(const PipelineTruth& truth, hid_t file) const;
  virtual std::shared_ptr<const PipelineTruth> load_truth(const PipelinePoint& point, const h5::InputFile& file) const;
  // Appends the values of `measures` (task measures, in that order) for one task. Its
  // random streams are keyed by (seed, task id or raster index) only.
  virtual void run_task(const PipelinePoint& point, const PipelineTruth& truth, const StudyGrid& grid,
                        const StudyTask& task, const std::vector<const MeasureInfo*>& measures,
                        std::vector<double>& record) const = 0;
  // Appends the values of `measures` (point measures, in that order) for one point; `first`
  // is the point's first task (trial 0, bootstrap 0), whose id keys any stream they draw.
  virtual void point_measures(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask& first,
                              const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const = 0;
  virtual MeasureNeeds needs(const std::string& /*measure*/) const { return {}; }
  // The value axes whose index combinations are a point's piece tasks (row-major); empty:
  // the pipeline has no piece measures.
  virtual std::vector<std::string> piece_axes() const { return {}; }
  // Appends the values of `measures` (piece measures, in that order) at piece task.piece.
  virtual void run_piece(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask& task,
                         const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const;
  // Appends the values of `measures` (summary measures, in that order) of one point.
  virtual void summarise(const PipelinePoint& point, const StudyGrid& grid, const StoredPoint& stored,
                         const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const;
};

// The pipeline's measure of that name; throws nirl::Error listing its measures otherwise.
const MeasureInfo& find_measure(const StudyPipeline& pipeline, const std::string& name);

// The number of values of a measure per task or point: the product of its value axes' sizes.
std::size_t measure_size(const MeasureInfo& measure, const std::vector<ValueAxis>& axes);

// Every perturbation spec parsed by `parse` (a text form of perturbation_spec.hpp); an
// error names the spec: "study.perturbations 'SPEC': ...".
template <typename Parse>
auto parse_perturbations(const std::vector<std::string>& specs, Parse parse) {
  std::vector<decltype(parse(std::string()))> parsed;
  for (const std::string& spec : specs) {
    try {
      parsed.push_back(parse(spec));
    } catch (const Error& e) {
      fail("study.perturbations '", spec, "': ", e.what());
    }
  }
  return parsed;
}

}  // namespace nirl
