// nirl run CONFIG: a whole experiment described by one config file ([experiment] kind):
//   study - a grid of inference tasks of one pipeline over MPI ranks with checkpoint/resume,
//           its [study] and [pairwise] sections read by study_options.hpp (study_runner.hpp);
//   fig5  - the ring network in the pairwise family (pairwise_study.hpp).
#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "commands.hpp"
#include "study_options.hpp"
#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/study/mpi_tasks.hpp"
#include "nirl/io/output_files.hpp"
#include "nirl/io/parse_number.hpp"
#include "nirl/study/pairwise_study.hpp"
#include "nirl/study/progress.hpp"
#include "nirl/io/results_io.hpp"

namespace nirl::cli {
namespace {

po::options_description experiment_options() {
  po::options_description d("Experiment ([experiment] section)");
  d.add_options()
      ("experiment.kind", po::value<std::string>(), "study | fig5")
      ("experiment.samples", po::value<std::string>()->default_value("1000000"), "fig5: observed steps for inference")
      ("experiment.raster_steps", po::value<std::string>()->default_value("3000"), "fig5: raster length")
      ("experiment.lambda_high", po::value<std::string>()->default_value("1.5"), "fig5: higher coding cost")
      ("experiment.max_distance", po::value<std::string>()->default_value("3"), "fig5: couplings beyond this ring distance removed")
      ("experiment.pinned", po::value<std::string>()->default_value("0,1"), "fig5: neurons driven by an extra field")
      ("experiment.random_starts", po::value<std::string>()->default_value("6"), "fig5: random starts per changed-context solve")
      ("experiment.sample_interval", po::value<std::string>()->default_value("1"), "fig5: neuron updates between the recorded states the reward is inferred from")
      ("experiment.pin_field", po::value<std::string>()->default_value("1.0"), "fig5: the extra field of pinned neurons")
      ("experiment.pl_ridge", po::value<std::string>()->default_value("1e-3"), "fig5: pseudo-likelihood ridge")
      ("experiment.mu_relative", po::value<std::string>()->default_value("1e-3"), "fig5: sparse mu / mu_max");
  return d;
}

// The [experiment] keys each kind reads; a key given for another kind is refused.
const std::map<std::string, std::set<std::string>> kKindKeys = {
    {"study", {}},
    {"fig5", {"samples", "raster_steps", "lambda_high", "max_distance", "pinned", "random_starts", "sample_interval",
              "pin_field", "pl_ridge", "mu_relative"}},
};

// Fails on an [experiment] key that `kind` does not read (kind is known).
void refuse_other_kinds_keys(const po::variables_map& vm, const std::string& kind) {
  const std::set<std::string>& own = kKindKeys.at(kind);
  const po::options_description keys = experiment_options();
  for (const auto& option : keys.options()) {
    const std::string& key = option->long_name();
    const std::string name = key.substr(key.find('.') + 1);
    if (name != "kind" && has(vm, key) && !own.count(name))
      fail(key, " was given, but experiment.kind = ", kind, " does not use it");
  }
}

RingStudyOptions ring_study_from_options(const po::variables_map& vm, const Network& net) {
  if (get_string(vm, "reward.type") != "ring" || net.space.nx != 1)
    fail("experiment.kind = fig5 needs reward.type = ring and no input");
  RingStudyOptions o;
  o.n = net.n();
  o.m = int(get_int(vm, "reward.ring_m", -kIntMax - 1, kIntMax));
  o.lambda = net.lambda;
  o.lambda_high = get_double(vm, "experiment.lambda_high");
  if (!(o.lambda_high > 0.0)) fail("experiment.lambda_high must be > 0 (got ", o.lambda_high, ")");
  o.max_distance = int(get_int(vm, "experiment.max_distance", 1, kIntMax));
  o.pinned = get_int_list(vm, "experiment.pinned");
  o.pin_field = get_double(vm, "experiment.pin_field");
  o.random_starts = int(get_int(vm, "experiment.random_starts", 0, kIntMax));
  o.sample_interval = std::size_t(get_int(vm, "experiment.sample_interval", 1, LLONG_MAX));
  o.fit.ridge = get_double(vm, "experiment.pl_ridge");
  if (!(o.fit.ridge >= 0.0)) fail("experiment.pl_ridge must be >= 0");
  o.infer.mu_relative = get_double(vm, "experiment.mu_relative");
  if (!(o.infer.mu_relative > 0.0)) fail("experiment.mu_relative must be > 0");
  o.seed = get_uint(vm, "seed");
  if (o.n > kMaxExactIsingNeurons) fail("fig5 uses exact enumeration: network.n must be <= ", kMaxExactIsingNeurons);
  return o;
}

void run_fig5_job(const po::variables_map& vm, const Network& net, const std::string& config_text,
                  const std::string& out_path, const std::string& command) {
  const RingStudyOptions o = ring_study_from_options(vm, net);
  const long long samples = get_int(vm, "experiment.samples", 2, LLONG_MAX),
                  raster_steps = get_int(vm, "experiment.raster_steps", 1, LLONG_MAX);
  h5::OutputFile out(out_path);
  write_provenance(out, config_text, o.seed, command);
  const Fig5Summary s = run_fig5(o, std::size_t(raster_steps), std::size_t(samples), out);
  out.commit();
  std::printf("Fig 5: tied ring optimum F %.4f; hill visits %d of %d positions; sparse r2 %.4f from %lld steps\n", s.F,
              s.positions_visited, o.n, s.r2_sparse, samples);
  const char* names[] = {"higher lambda", "removed couplings", "pinned neurons"};
  for (std::size_t k = 0; k < s.kl.size(); ++k)
    std::printf("%s: KL(true || predicted) %.4g vs no-adaptation %.4g\n", names[k], s.kl[k], s.kl_baseline[k]);
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
  cli.add_options()("help,h", "show this help")("config", po::value<std::string>(), "experiment config (INI)")(
      "out", po::value<std::string>(), "result file (HDF5)")(
      "checkpoint", po::value<std::string>(), "study: checkpoint folder (default RESULT.h5.checkpoint)")(
      "part", po::value<std::string>(),
      "study: K/N runs part K (0 .. N-1) of a job array into the checkpoint only; the same command without --part "
      "then writes RESULT.h5");
  po::options_description keys;
  keys.add(model_options()).add(solver_options()).add(search_options()).add(prediction_options()).add(experiment_options())
      .add(study_options()).add(pairwise_study_options());
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
  { const h5::OutputFile probe(out_path); }  // an unwritable --out fails now, not after the tasks
  if (vm.count("checkpoint")) check_output_folder(get_string(vm, "checkpoint"));
  if (!vm.count("experiment.kind")) fail("experiment.kind is required (study or fig5)");
  const std::string kind = get_string(vm, "experiment.kind");
  if (!kKindKeys.count(kind))
    fail("experiment.kind: unknown kind '", kind, "' (expected study or fig5)");
  refuse_other_kinds_keys(vm, kind);
  if (kind != "study") {
    refuse_given(vm, study_options(), "experiment.kind = " + kind + " has no [study] section");
    refuse_given(vm, pairwise_study_options(), "experiment.kind = " + kind + " has no [pairwise] section");
    if (vm.count("part")) fail("--part was given, but experiment.kind = ", kind, " has no job-array parts");
    if (vm.count("checkpoint"))
      fail("--checkpoint was given, but experiment.kind = ", kind, " runs in one process without a checkpoint");
    refuse_given(vm, search_options(), "experiment.kind = " + kind + " does not use the optimum search");
    refuse_given(vm, prediction_options(), "experiment.kind = " + kind + " does not use the prediction rule");
  }
  const Network net = network_from_options(vm);
  const std::string config_text = render_ini(vm, keys), command = command_line(argc, argv);

  const MpiSession mpi;
  const auto start = std::chrono::steady_clock::now();
  if (kind == "fig5") {
    if (mpi.rank() == 0) run_fig5_job(vm, net, config_text, out_path, command);
  } else {
    const Study study = study_from_options(vm, keys);
    StudyRun run{out_path, vm.count("checkpoint") ? get_string(vm, "checkpoint") : out_path + ".checkpoint",
                 config_text, command, get_uint(vm, "seed")};
    if (vm.count("part")) std::tie(run.part, run.parts) = part_from_text(get_string(vm, "part"));
    run_study(mpi, study, run);
    if (run.parts > 1) {
      if (mpi.rank() == 0)
        std::printf("study: part %d of %d done in %.1f s on %d rank(s), journaled in %s; the same command without "
                    "--part writes %s once every part is done\n",
                    run.part, run.parts, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                    mpi.size(), run.checkpoint_dir.c_str(), out_path.c_str());
      return 0;
    }
    if (mpi.rank() == 0)
      std::printf("study: %llu tasks (%zu grid points x %d trials x %d) on %d rank(s), %.1f s\n",
                  (unsigned long long)study.grid.tasks(), study.grid.points(), study.grid.trials(),
                  study.grid.bootstraps() + 1, mpi.size(),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (mpi.rank() == 0) std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

}  // namespace nirl::cli
