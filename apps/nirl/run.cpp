// nirl run CONFIG: a study described by one config file (experiment.kind = study): a grid of
// inference tasks of one pipeline over MPI ranks with checkpoint/resume (study_runner.hpp),
// its [study], [pairwise], [maze] and [recording] sections read by study_options.hpp. Every
// figure of the paper, and the report of a recording, is such a config under jobs/.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <tuple>

#include "commands.hpp"
#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/io/output_files.hpp"
#include "nirl/io/parse_number.hpp"
#include "nirl/study/mpi_tasks.hpp"
#include "recording_options.hpp"
#include "study_options.hpp"

namespace nirl::cli {
namespace {

po::options_description experiment_options() {
  po::options_description d("Experiment ([experiment] section)");
  d.add_options()("experiment.kind", po::value<std::string>(), "study");
  return d;
}

// --part K/N: part K of N (0 <= K < N).
std::pair<int, int> part_from_text(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) fail("--part '", text, "': expected K/N, e.g. 0/4");
  const int parts = int(parse_integer(text.substr(slash + 1), "--part N", 1, kIntMax));
  const int part = int(parse_integer(text.substr(0, slash), "--part K", 0, parts - 1));
  return {part, parts};
}

}  // namespace

int run_main(int argc, const char* const argv[]) {
  po::options_description cli("nirl run CONFIG.ini --out RESULT.h5 [--checkpoint DIR] [--section.key value ...]");
  cli.add_options()("help,h", "show this help")("config", po::value<std::string>(), "study config (INI)")(
      "out", po::value<std::string>(), "result file (HDF5)")(
      "checkpoint", po::value<std::string>(), "checkpoint folder (default RESULT.h5.checkpoint)")(
      "part", po::value<std::string>(),
      "K/N runs part K (0 .. N-1) of a job array into the checkpoint only; the same command without --part "
      "then writes RESULT.h5");
  po::options_description keys;
  keys.add(model_options()).add(solver_options()).add(search_options()).add(prediction_options()).add(experiment_options())
      .add(study_options()).add(pairwise_study_options()).add(maze_study_options()).add(recording_study_options());
  po::positional_options_description positional;
  positional.add("config", 1);
  po::variables_map vm;
  parse_with_config(argc, argv, cli, keys, &positional, vm);
  if (vm.count("help")) {
    std::cout << cli << "\n" << keys << "\n";
    return 0;
  }
  if (!vm.count("config")) fail("a config file is required (nirl run CONFIG.ini --out RESULT.h5)");
  if (!vm.count("out")) fail("--out is required");
  const std::string out_path = get_string(vm, "out");
  check_output_differs(out_path, get_string(vm, "config"), "config");
  if (vm.count("recording.path")) check_output_differs(out_path, get_string(vm, "recording.path"), "recording.path");
  { const h5::OutputFile probe(out_path); }  // an unwritable --out fails now, not after the tasks
  if (vm.count("checkpoint")) check_output_folder(get_string(vm, "checkpoint"));
  if (!vm.count("experiment.kind")) fail("experiment.kind is required (study)");
  const std::string kind = get_string(vm, "experiment.kind");
  if (kind != "study") fail("experiment.kind: unknown kind '", kind, "' (expected study)");
  const std::string config_text = render_ini(vm, keys), command = command_line(argc, argv);
  const Study study = study_from_options(vm, keys);

  const MpiSession mpi;
  const auto start = std::chrono::steady_clock::now();
  StudyRun run{out_path, vm.count("checkpoint") ? get_string(vm, "checkpoint") : out_path + ".checkpoint", config_text,
               command, get_uint(vm, "seed")};
  if (vm.count("part")) std::tie(run.part, run.parts) = part_from_text(get_string(vm, "part"));
  const std::uint64_t tasks = run_study(mpi, study, run);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (mpi.rank() != 0) return 0;
  if (run.parts > 1) {
    std::printf("study: part %d of %d done in %.1f s on %d rank(s), journaled in %s; the same command without "
                "--part writes %s once every part is done\n",
                run.part, run.parts, seconds, mpi.size(), run.checkpoint_dir.c_str(), out_path.c_str());
    return 0;
  }
  const std::uint64_t pieces = tasks / study.grid.points() - study.grid.samples_per_point();
  std::printf("study: %llu tasks (%zu grid point(s) x (%d trial(s) x %d%s)) on %d rank(s), %.1f s\n",
              (unsigned long long)tasks, study.grid.points(), study.grid.trials(), study.grid.bootstraps() + 1,
              pieces > 0 ? (" + " + std::to_string(pieces) + " pieces").c_str() : "", mpi.size(), seconds);
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

}  // namespace nirl::cli
