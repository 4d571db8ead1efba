// Options that choose a recording and how to read it (recording_io.hpp): `nirl infer`'s
// command-line flags (--format, --bin-width, ...) and the [recording] section of a study with
// study.pipeline = recording (recording.format, recording.bin_width, ...), from one table.
#pragma once
#include <string>

#include "config.hpp"
#include "nirl/io/recording_io.hpp"
#include "nirl/study/recording_pipeline.hpp"

namespace nirl::cli {

// --format, --orientation, --bin-width, --t-start, --t-stop, --units.
po::options_description recording_options();
// The source described by vm, reading `path` and the dataset option `dataset_key`; a
// defaulted dataset is dropped for .mat files (the only variable is used).
RecordingSource recording_source(const po::variables_map& vm, const std::string& path, const std::string& dataset_key);

// The [recording] section: recording.path, recording.dataset, the keys above as
// recording.format, recording.bin_width, ..., and the analysis options.
po::options_description recording_study_options();
// The point of study.pipeline = recording that vm describes (not yet read).
RecordingPoint recording_point(const po::variables_map& vm);

}  // namespace nirl::cli
