// Command-line options that choose a recording and how to read it (recording_io.hpp),
// shared by `nirl infer` and `nirl report`.
#pragma once
#include <string>

#include "config.hpp"
#include "nirl/io/recording_io.hpp"

namespace nirl::cli {

// --format, --orientation, --bin-width, --t-start, --t-stop, --units.
po::options_description recording_options();
// The source described by vm, reading `path` and the dataset option `dataset_key`; a
// defaulted dataset is dropped for .mat files (the only variable is used).
RecordingSource recording_source(const po::variables_map& vm, const std::string& path, const std::string& dataset_key);

}  // namespace nirl::cli
