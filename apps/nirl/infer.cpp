// nirl infer: a spike raster -> the reward the network optimises (docs/model.md section 3).
#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "recording_options.hpp"
#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/inverse/inverse.hpp"
#include "nirl/io/raster_io.hpp"
#include "nirl/io/recording_io.hpp"
#include "nirl/io/results_io.hpp"

namespace nirl::cli {
namespace {

// The most rewarded states among those observed often enough to be trusted.
void print_top_states(const TabularInference& inf, std::size_t top, double min_visits) {
  std::vector<std::size_t> states;
  for (std::size_t s = 0; s < inf.space.size; ++s)
    if (inf.visits[Eigen::Index(s)] >= min_visits) states.push_back(s);
  std::sort(states.begin(), states.end(),
            [&](std::size_t a, std::size_t b) { return inf.reward[Eigen::Index(a)] > inf.reward[Eigen::Index(b)]; });
  if (states.size() > top) states.resize(top);
  if (states.empty()) return;
  std::printf("most rewarded states observed >= %g times (reward up to an additive constant%s):\n", min_visits,
              inf.space.nx > 1 ? " per input" : "");
  for (std::size_t s : states) {
    std::string active;
    const std::uint64_t sigma = inf.space.sigma_of(s);
    for (int i = 0; i < inf.space.n; ++i)
      if ((sigma >> i) & 1) active += (active.empty() ? "" : ",") + std::to_string(i);
    std::printf("  state %-8zu x = %d  active {%s}  visits %.0f  reward %.6f\n", std::size_t(sigma), inf.space.input_of(s),
                active.c_str(), inf.visits[Eigen::Index(s)], inf.reward[Eigen::Index(s)]);
  }
}

}  // namespace

int infer_main(int argc, const char* const argv[]) {
  po::options_description cli("nirl infer --raster R.h5 --lambda L [input model] --out I.h5");
  cli.add_options()("help,h", "show this help");
  po::options_description keys("Inference");
  keys.add_options()
      ("raster", po::value<std::string>(), "HDF5 file with the spike raster")
      ("spikes-dataset", po::value<std::string>()->default_value("/raster/spikes"), "dataset of 0/1 spikes, time x neurons")
      ("input-dataset", po::value<std::string>()->default_value("/raster/input"),
       "dataset of input indices (used when it exists; empty = no input)")
      ("model", po::value<std::string>(), "optional optimise result: its input chain and n are used and checked")
      ("lambda", po::value<std::string>(), "coding cost lambda > 0 (a wrong lambda rescales the reward)")
      ("method", po::value<std::string>()->default_value("auto"),
       "auto | closed_form (no input) | max_likelihood")
      ("pseudocount", po::value<std::string>()->default_value("0.5"), "Dirichlet pseudocount per state (histograms)")
      ("ridge", po::value<std::string>()->default_value("1"), "Gaussian prior (ridge/2)||v||^2 (max_likelihood)")
      ("max-iterations", po::value<std::string>()->default_value("5000"), "L-BFGS iterations (max_likelihood)")
      ("cold-start", po::value<std::string>()->default_value("0"), "1 = start L-BFGS from v = 0 instead of the closed form")
      ("top", po::value<std::string>()->default_value("5"), "print the K most rewarded observed states")
      ("min-visits", po::value<std::string>()->default_value("10"), "... among states observed at least this often")
      ("out", po::value<std::string>(), "result file (HDF5)");
  po::options_description input_keys("Input model (default: /model/input_transition of the raster file)");
  {
    const po::options_description all = model_options();
    for (const auto& opt : all.options())
      if (opt->long_name().rfind("input.", 0) == 0) input_keys.add(opt);
  }
  po::options_description config_keys;
  config_keys.add(keys).add(input_keys).add(recording_options());
  po::variables_map vm;
  parse_with_config(argc, argv, cli, config_keys, nullptr, vm);
  if (vm.count("help")) {
    std::cout << cli << "\n" << keys << "\n" << input_keys << "\n" << recording_options() << "\n";
    return 0;
  }
  for (const char* key : {"raster", "lambda", "out"})
    if (!vm.count(key)) fail("--", key, " is required");
  const std::string raster_path = get_string(vm, "raster"), out_path = get_string(vm, "out");
  check_output_differs(out_path, raster_path, "--raster");
  if (vm.count("model")) check_output_differs(out_path, get_string(vm, "model"), "--model");
  const double lambda = get_double(vm, "lambda");
  if (!(lambda > 0.0) || !std::isfinite(lambda)) fail("--lambda must be > 0 (got ", lambda, ")");
  InferOptions options;
  options.method = get_string(vm, "method");
  options.pseudocount = get_double(vm, "pseudocount");
  if (!(options.pseudocount > 0.0)) fail("--pseudocount must be > 0 (got ", options.pseudocount, ")");
  options.likelihood.ridge = get_double(vm, "ridge");
  if (!(options.likelihood.ridge >= 0.0)) fail("--ridge must be >= 0 (got ", options.likelihood.ridge, ")");
  options.likelihood.pseudocount = options.pseudocount;
  options.likelihood.max_iterations = int(get_int(vm, "max-iterations", 1, kIntMax));
  if (get_int(vm, "cold-start", 0, 1) != 0) options.likelihood.warm_start = MaxLikelihoodOptions::Start::zero;
  const std::size_t top = std::size_t(get_int(vm, "top", 0, LLONG_MAX));
  const double min_visits = double(get_int(vm, "min-visits", 0, LLONG_MAX));

  // Recordings without input (h5 at any dataset, .mat, NWB) go through read_recording;
  // rasters with an input sequence are nirl's own h5 layout.
  const RecordingSource source = recording_source(vm, raster_path, "spikes-dataset");
  const bool plain_h5 = recording_format(source) == "h5";
  const std::string input_ds = get_string(vm, "input-dataset");
  bool has_input_sequence = false;
  if (plain_h5) {
    const h5::InputFile file(raster_path);
    has_input_sequence = !input_ds.empty() && h5::exists(file, input_ds);
  }
  InputChain input;
  int expected_n = -1;
  if (vm.count("model") && has(vm, "input.type")) fail("--model conflicts with input.type (both give the input model)");
  if (vm.count("model")) {
    const h5::InputFile model_file(get_string(vm, "model"));
    const StoredSolution model = read_solution(model_file);
    input = model.net.input;
    expected_n = model.net.n();
  } else if (has(vm, "input.type")) {
    input = input_from_options(vm);
  } else if (has_input_sequence) {
    const h5::InputFile file(raster_path);
    if (!h5::exists(file, "/model/input_transition"))
      fail(raster_path, " has an input sequence ", input_ds, " but no /model/input_transition: give --input.type ...");
    input = matrix_input(h5::read_matrix(file, "/model/input_transition"), raster_path + ":/model/input_transition");
  }
  if (input.nx() > 1 && !plain_h5) fail("an input model needs an h5 raster with an input sequence (format ", source.format, ")");
  if (input.nx() > 1 && !has_input_sequence)
    fail("the input model has nx = ", input.nx(), " states but ", raster_path, " has no input dataset ", input_ds);
  h5::OutputFile out(out_path);
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  const Clock::time_point start = Clock::now();
  TransitionCounts counts;
  if (has_input_sequence) {
    // nirl's raster layout (time x neurons, input index per step), read whatever nx is,
    // so input indices outside the input model's states are refused, never dropped.
    check_recording_source(source);
    for (const char* key : {"orientation", "bin-width", "t-start", "t-stop", "units"})
      if (has(vm, key))
        fail("--", key, " does not apply to ", raster_path, ": a raster with an input sequence (", input_ds,
             ") is read as nirl writes it (time x neurons); give --input-dataset '' to read it as a plain recording");
    // Streamed: the raster is counted a chunk at a time, never held.
    const h5::InputFile file(raster_path);
    const RasterReader reader(file, source.dataset, input_ds, input.nx(), expected_n);
    TransitionCounter counter = inference_counter(reader.n(), input, lambda, options);
    reader.for_each_block(counter.sink());
    counts = counter.finish();
  } else {
    const Raster raster = read_recording(source).raster;
    if (expected_n >= 0 && raster.n != expected_n)
      fail(raster_path, " has ", raster.n, " neurons, but the model has ", expected_n);
    TransitionCounter counter = inference_counter(raster.n, input, lambda, options);
    counter.add(0, raster.steps, raster.spikes.data(), raster.input.empty() ? nullptr : raster.input.data());
    counts = counter.finish();
  }
  const double counting = seconds_since(start);
  const TabularInference inf = infer_reward(counts, input, lambda, options);
  const double fitting = seconds_since(start) - counting;

  write_provenance(out, render_ini(vm, config_keys), 0, command_line(argc, argv));
  write_inference(out, inf);
  out.commit();
  std::printf("%s inverse of %zu steps of %d neurons (nx = %d), lambda = %g\n", inf.method.c_str(), inf.samples,
              inf.space.n, inf.space.nx, lambda);
  std::printf("log-likelihood %.6f, converged: %s (%s, %d iterations, %d likelihood passes)\n", inf.log_likelihood,
              inf.converged ? "yes" : "NO", inf.status.c_str(), inf.iterations, inf.evaluations);
  std::printf("time: reading and counting %.3f s, inverse %.3f s\n", counting, fitting);
  print_top_states(inf, top, min_visits);
  if (!inf.converged) std::fprintf(stderr, "nirl infer: warning: the optimiser did not converge (%s)\n", inf.status.c_str());
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

}  // namespace nirl::cli
