// nirl maze --config jobs/fig1.ini --out fig1.h5: Fig 1F, the maze agent (fig1.hpp).
#include <climits>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/study/fig1.hpp"
#include "nirl/maze/gridworld.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/io/parse_number.hpp"
#include "nirl/study/progress.hpp"
#include "nirl/io/results_io.hpp"

namespace nirl::cli {
namespace {

po::options_description maze_options() {
  auto text = [] { return po::value<std::string>(); };
  po::options_description d("Maze (config file sections or --section.key on the command line)");
  d.add_options()
      ("seed", text()->default_value("0"), "base random seed recorded with the result")
      ("maze.map", text(), "rows top to bottom separated by spaces: X wall, . free, S start, G rewarded")
      ("maze.moved_map", text(), "the same maze with walls moved (prediction)")
      ("maze.lambda", text(), "coding cost lambda > 0")
      ("maze.goal_reward", text()->default_value("1"), "reward of a rewarded cell")
      ("fig1.larger_lambda", text(), "prediction: the larger coding cost")
      ("fig1.sample_sizes", text()->default_value("100,1000,10000,100000"), "observed steps for r2 vs data")
      ("fig1.trials", text()->default_value("3"), "trajectories per sample size")
      ("fig1.trajectory_steps", text()->default_value("200"), "length of the drawn trajectory")
      ("fig1.ridge", text()->default_value("1"), "prior (ridge/2)||v||^2 of the inference")
      ("fig1.threshold", text()->default_value(number_text(kIdentifiedProbability)), "identified cells: true stationary p above this")
      ("solver.value_tol", text()->default_value("1e-12"), "span of T(v) - v at convergence")
      ("solver.q_tol", text()->default_value("1e-12"), "max change of log q(a) at convergence")
      ("solver.max_sweeps", text()->default_value("1000000"), "sweeps per value iteration")
      ("solver.max_outer", text()->default_value("100000"), "outer (q) iterations")
      ("solver.damping", text()->default_value("0.5"), "relative value iteration v <- (1-d) v + d T(v), d in (0, 1]");
  return d;
}

Fig1Options fig1_from_options(const po::variables_map& vm) {
  Fig1Options o;
  for (const char* key : {"maze.map", "maze.moved_map", "maze.lambda", "fig1.larger_lambda"})
    if (!vm.count(key)) fail(key, " is required");
  o.map = get_string(vm, "maze.map");
  o.moved_map = get_string(vm, "maze.moved_map");
  o.lambda = get_double(vm, "maze.lambda");
  if (!(o.lambda > 0.0)) fail("maze.lambda must be > 0 (got ", o.lambda, ")");
  o.goal_reward = get_double(vm, "maze.goal_reward");
  o.larger_lambda = get_double(vm, "fig1.larger_lambda");
  if (!(o.larger_lambda > 0.0)) fail("fig1.larger_lambda must be > 0 (got ", o.larger_lambda, ")");
  for (int size : get_int_list(vm, "fig1.sample_sizes")) {
    if (size < 1) fail("fig1.sample_sizes entries must be >= 1 (got ", size, ")");
    o.sample_sizes.push_back(std::size_t(size));
  }
  if (o.sample_sizes.empty()) fail("fig1.sample_sizes needs at least one size");
  o.trials = int(get_int(vm, "fig1.trials", 1, kIntMax));
  o.trajectory_steps = std::size_t(get_int(vm, "fig1.trajectory_steps", 1, LLONG_MAX));
  o.ridge = get_double(vm, "fig1.ridge");
  if (!(o.ridge >= 0.0)) fail("fig1.ridge must be >= 0 (got ", o.ridge, ")");
  o.threshold = get_double(vm, "fig1.threshold");
  if (!(o.threshold >= 0.0)) fail("fig1.threshold must be >= 0 (got ", o.threshold, ")");
  o.seed = get_uint(vm, "seed");
  o.solver.value_tol = get_double(vm, "solver.value_tol");
  o.solver.q_tol = get_double(vm, "solver.q_tol");
  o.solver.max_sweeps = long(get_int(vm, "solver.max_sweeps", 1, LLONG_MAX));
  o.solver.max_outer = int(get_int(vm, "solver.max_outer", 1, kIntMax));
  if (!(o.solver.value_tol > 0.0) || !(o.solver.q_tol > 0.0)) fail("solver tolerances must be > 0");
  o.damping = get_double(vm, "solver.damping");
  if (!(o.damping > 0.0 && o.damping <= 1.0)) fail("solver.damping must be in (0, 1] (got ", o.damping, ")");
  return o;
}

}  // namespace

int maze_main(int argc, const char* const argv[]) {
  po::options_description cli("nirl maze --config CONFIG.ini --out RESULT.h5 [--section.key value ...]");
  cli.add_options()("help,h", "show this help")("config", po::value<std::string>(), "maze config (INI)")(
      "out", po::value<std::string>(), "result file (HDF5)");
  const po::options_description keys = maze_options();
  po::positional_options_description positional;
  positional.add("config", 1);
  po::variables_map vm;
  parse_with_config(argc, argv, cli, keys, &positional, vm);
  if (vm.count("help")) {
    std::cout << cli << "\n" << keys << "\n";
    return 0;
  }
  if (!vm.count("out")) fail("--out is required");
  const std::string out_path = get_string(vm, "out");
  if (vm.count("config")) check_output_differs(out_path, get_string(vm, "config"), "config");
  const Fig1Options options = fig1_from_options(vm);

  h5::OutputFile out(out_path);
  write_provenance(out, render_ini(vm, keys), options.seed, command_line(argc, argv));
  Progress progress("maze");
  const Fig1Summary s = run_fig1(options, out, [&](const std::string& stage) { progress.update(-1.0, stage); });
  out.commit();
  std::printf("maze: %d cells, %d identified (p > %g); L %.4f, E[r] %.4f, coding cost %.4f nats\n", s.cells,
              s.identified, options.threshold, s.L, s.mean_reward, s.coding_cost);
  std::printf("q:");
  for (int a = 0; a < kMazeActions; ++a) std::printf(" %s %.4g", kMazeActionNames[a], s.q[std::size_t(a)]);
  std::printf("\n");
  std::printf("inverse from the exact policy: r2 %.8f (scale %.6f)\n", s.exact_r2, s.exact_scale);
  for (std::size_t k = 0; k < options.sample_sizes.size(); ++k)
    std::printf("r2 from %zu steps: %.4f (mean of %d)\n", options.sample_sizes[k], s.mean_r2[k], options.trials);
  std::printf("larger lambda %g: KL(true || predicted) %.4g vs no-adaptation %.4g\n", options.larger_lambda,
              s.kl_lambda, s.kl_lambda_baseline);
  std::printf("moved walls: KL(true || predicted) %.4g vs no-adaptation %.4g\n", s.kl_walls, s.kl_walls_baseline);
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

}  // namespace nirl::cli
