// The [study] section of `nirl run` (experiment.kind = study; docs/studies.md): its keys and
// the study they describe over the base configuration.
#pragma once
#include "config.hpp"
#include "nirl/study/study_runner.hpp"

namespace nirl::cli {

po::options_description study_options();

// The study of vm; `keys` are every config key of the command (an axis may vary any key of
// the model, solver, search and prediction sections, seed, and study.samples, study.ridge,
// study.threshold, study.block_length). Throws nirl::Error naming the key.
Study study_from_options(const po::variables_map& vm, const po::options_description& keys);

}  // namespace nirl::cli
