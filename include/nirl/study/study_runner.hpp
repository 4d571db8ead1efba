// Runs a study (docs/studies.md) over MPI ranks with checkpoint/resume, on the task runner
// (task_runner.hpp: dynamic scheduling, journal, resume), whatever its pipeline
// (study_pipeline.hpp):
//  1. rank 0 resolves every grid point (a bad value fails here, naming the point) and groups
//     the points by their truth (the keys outside [study]); every rank gets the grouping;
//  2. tasks are scheduled truth by truth, largest sample sizes first, a point's piece tasks
//     before its others; each rank keeps the truths of its two latest groups, so a truth is
//     solved once per rank that needs it;
//  3. a task's record is its task measures, and for (trial 0, bootstrap 0) also its point's
//     point measures; a piece task's record is its piece of the piece measures;
//  4. rank 0 streams the records from the journals into labelled arrays (labelled_array.hpp):
//     /study/MEASURE with axes [grid axes..., trial, bootstrap, value axes...] for task
//     measures and [grid axes..., value axes...] for the others, the axes in /study/axes.
//     It holds one record at a time, never the whole study; then it computes the summary
//     measures point by point from that point's stored values, read back from the file.
// The file depends on the configuration only: not on the ranks, threads or interruptions.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nirl/study/mpi_tasks.hpp"
#include "nirl/study/study_grid.hpp"
#include "nirl/study/study_pipeline.hpp"

namespace nirl {

struct Study {
  StudyGrid grid;
  std::shared_ptr<const StudyPipeline> pipeline;
  std::string pipeline_name;           // written to the file
  std::vector<std::string> measures;   // names of the pipeline's measures, in file order
};

struct StudyRun {
  std::string out_path, checkpoint_dir;
  std::string config_text;  // resolved configuration: provenance and checkpoint guard
  std::string command;
  std::uint64_t seed = 0;
  // One part of a job array (task_runner.hpp): its tasks are journaled, and the file is
  // written by a later whole run of the same config, which finds them done.
  int part = 0, parts = 1;
};

// Returns the number of tasks (the grid's with the pipeline's piece tasks) on every rank;
// throws nirl::Error (the same on all ranks) for user errors.
std::uint64_t run_study(const MpiSession& mpi, const Study& study, const StudyRun& run);

}  // namespace nirl
