// The [study] section of `nirl run` (experiment.kind = study; docs/studies.md): its keys and
// the study they describe over the base configuration.
#pragma once
#include "config.hpp"
#include "nirl/study/study_runner.hpp"

namespace nirl::cli {

po::options_description study_options();
// The [pairwise] section of study.pipeline = pairwise.
po::options_description pairwise_study_options();
// The [maze] section of study.pipeline = maze.
po::options_description maze_study_options();

// The study of vm; `keys` are every config key of the command. An axis may vary any key of
// the sections its pipeline reads (kPipelines in study_options.cpp: e.g. synthetic: network,
// input, reward, solver, search, prediction; recording: recording), seed and the [study] keys
// that set a point (e.g. study.samples). Throws nirl::Error naming the key.
Study study_from_options(const po::variables_map& vm, const po::options_description& keys);

}  // namespace nirl::cli
