// The named measures a study records (docs/studies.md lists them with units). A task
// measure is taken by every task (axes: grid axes, trial, bootstrap); a point measure once
// per grid point (axes: grid axes), from its truth. Each has an extent: one value, one per
// perturbation, or one per state.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "nirl/study/synthetic_pipeline.hpp"

namespace nirl {

enum class MeasureLevel { task, point };
enum class MeasureExtent { one, perturbation, state };

struct MeasureInfo {
  const char* name;
  MeasureLevel level;
  MeasureExtent extent;
  const char* unit;
  const char* description;
};

// Every measure, in the order the result file lists them.
const std::vector<MeasureInfo>& study_measures();

// The measure of that name; throws nirl::Error listing the valid names otherwise.
const MeasureInfo& find_measure(const std::string& name);

// Values per task or point: 1, the number of perturbations or the number of states.
std::size_t measure_size(const MeasureInfo& m, std::size_t perturbations, std::size_t states);

// Appends the measure's values (task measures from a task outcome, point measures from the
// truth) to a record.
void append_task_measure(const MeasureInfo& m, const TaskOutcome& outcome, std::vector<double>& record);
void append_point_measure(const MeasureInfo& m, const StudyTruth& truth, std::vector<double>& record);

}  // namespace nirl
