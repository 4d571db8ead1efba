// nirl run CONFIG: a whole experiment described by one config file ([experiment] kind).
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "nirl/config.hpp"
#include "nirl/error.hpp"
#include "nirl/fig2.hpp"
#include "nirl/progress.hpp"
#include "nirl/results_io.hpp"

namespace nirl::cli {

int run_main(int argc, const char* const argv[]) {
  po::options_description cli("nirl run CONFIG.ini --out RESULT.h5 [--section.key value ...]");
  cli.add_options()("help,h", "show this help")("config", po::value<std::string>(), "experiment config (INI)")(
      "out", po::value<std::string>(), "result file (HDF5)");
  po::options_description experiment("Experiment");
  experiment.add_options()
      ("experiment.kind", po::value<std::string>(), "fig2")
      ("experiment.samples", po::value<std::string>()->default_value("1000000"), "fig2: observed steps for inference")
      ("experiment.raster_steps", po::value<std::string>()->default_value("3000"), "fig2: raster length of panel D")
      ("experiment.compare_lambda", po::value<std::string>()->default_value("1.0"), "fig2: second lambda of panel D")
      ("experiment.input_change", po::value<std::string>()->default_value("switch_up=0.035"), "fig2: panel F input change")
      ("experiment.cell_death", po::value<std::string>()->default_value("dead=3"), "fig2: panel F cell death")
      ("experiment.ridge", po::value<std::string>()->default_value("1"), "prior (ridge/2)||v||^2 of the inference");
  po::options_description keys;
  keys.add(model_options()).add(solver_options()).add(experiment);
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
  if (!vm.count("experiment.kind")) fail("experiment.kind is required (fig2)");
  const std::string kind = get_string(vm, "experiment.kind");
  if (kind != "fig2") fail("experiment.kind: unknown kind '", kind, "' (expected fig2)");

  const Network net = network_from_options(vm);
  Fig2Options options;
  const long long samples = get_int(vm, "experiment.samples"), raster_steps = get_int(vm, "experiment.raster_steps");
  if (samples < 2) fail("experiment.samples must be >= 2 (got ", samples, ")");
  if (raster_steps < 1) fail("experiment.raster_steps must be >= 1 (got ", raster_steps, ")");
  options.samples = std::size_t(samples);
  options.raster_steps = std::size_t(raster_steps);
  options.compare_lambda = get_double(vm, "experiment.compare_lambda");
  if (!(options.compare_lambda > 0.0)) fail("experiment.compare_lambda must be > 0 (got ", options.compare_lambda, ")");
  options.input_change = get_string(vm, "experiment.input_change");
  options.cell_death = get_string(vm, "experiment.cell_death");
  options.likelihood.ridge = get_double(vm, "experiment.ridge");
  if (!(options.likelihood.ridge >= 0.0)) fail("experiment.ridge must be >= 0");
  options.seed = get_uint(vm, "seed");
  options.solver = solver_from_options(vm);

  h5::OutputFile out(out_path);
  write_provenance(out, render_ini(vm, keys), options.seed, command_line(argc, argv));
  Progress progress("fig2");
  const Fig2Summary s = run_fig2(net, options, out, [&](const std::string& stage) { progress.update(-1.0, stage); });
  out.commit();
  std::printf("Fig 2: aligned r2 %.4f (probability-weighted %.4f, scale %.4f) from %zu steps, inference %.2f s\n",
              s.r2, s.r2_weighted, s.scale, options.samples, s.infer_seconds);
  std::printf("input change '%s': KL(true || predicted) %.4g vs no-adaptation %.4g\n", options.input_change.c_str(),
              s.kl_input, s.kl_input_baseline);
  std::printf("cell death '%s': KL(true || predicted) %.4g vs no-adaptation %.4g\n", options.cell_death.c_str(),
              s.kl_death, s.kl_death_baseline);
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

}  // namespace nirl::cli
