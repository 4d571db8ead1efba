// nirl optimise: a config file -> the optimal dynamics (docs/model.md section 2) in HDF5.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "config.hpp"
#include "nirl/coding/efficient_coding.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/forward_solver.hpp"
#include "nirl/core/optimum_search.hpp"
#include "nirl/study/progress.hpp"
#include "nirl/io/results_io.hpp"

namespace nirl::cli {

int optimise_main(int argc, const char* const argv[]) {
  po::options_description cli("nirl optimise --config F.ini --out R.h5 [--section.key value ...]");
  cli.add_options()("help,h", "show this help")("config", po::value<std::string>(), "INI file describing the network")(
      "out", po::value<std::string>(), "result file (HDF5)");
  po::options_description keys;
  keys.add(model_options()).add(solver_options()).add(search_options());
  po::variables_map vm;
  parse_with_config(argc, argv, cli, keys, nullptr, vm, {"experiment", "study", "prediction"});
  if (vm.count("help")) {
    std::cout << cli << "\n" << keys << "\n";
    return 0;
  }
  if (!vm.count("out")) fail("--out is required");
  const std::string out_path = vm["out"].as<std::string>();
  if (vm.count("config")) check_output_differs(out_path, vm["config"].as<std::string>(), "--config");
  if (vm.count("input.file")) check_output_differs(out_path, get_string(vm, "input.file"), "input.file");
  if (vm.count("reward.file")) check_output_differs(out_path, get_string(vm, "reward.file"), "reward.file");

  Network net = network_from_options(vm);
  const SolverOptions options = solver_from_options(vm);
  const SearchOptions search = search_from_options(vm);
  const std::uint64_t seed = get_uint(vm, "seed");
  const bool feature = get_string(vm, "reward.type") == "feature";
  if (feature) refuse_given(vm, search_options(), "reward.type = feature runs the efficient-coding iteration, not the search");

  h5::OutputFile out(out_path);  // fails now, not after the solve, if --out is unwritable
  const auto start = std::chrono::steady_clock::now();
  Progress progress("optimise");
  Solution sol;
  EfficientCodingResult coding;
  std::vector<int> y;
  if (feature) {  // the efficient-coding fixed point (docs/model.md section 6)
    y = feature_from_options(vm, net.input);
    coding = efficient_coding(net, y, efficient_coding_from_options(vm), [&](const UpdateProgress& p) {
      char detail[128];
      std::snprintf(detail, sizeof detail, "reward update %d, max |change of r| %.2e", p.update, p.change);
      progress.update(-1.0, detail);
    });
    net = coding.net;
    sol = coding.solution;
  } else {
    sol = search_optimum(net, options, search, [&](const SearchProgress& p) {
      char detail[160];
      std::snprintf(detail, sizeof detail, "start %d of %d (%s), best L %.10f", p.start, p.starts, p.name.c_str(),
                    p.best_L);
      progress.update(double(p.start) / p.starts, detail);
    });
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  write_provenance(out, render_ini(vm, keys), seed, command_line(argc, argv));
  write_solution(out, net, sol);
  h5::set_attribute(out.id(), "/solution", "solve_seconds", seconds);
  if (feature) write_efficient_coding(out, net, y, coding);
  out.commit();
  if (feature)
    std::printf("efficient coding: I(y; sigma) = %.6f nats (independent neurons %.6f) after %d reward updates, "
                "max |change of r| %.2e, converged: %s\n",
                coding.information, coding.independent_information, coding.updates, coding.change,
                coding.converged ? "yes" : "NO");

  std::printf("n = %d, nx = %d, S = %zu, lambda = %g\n", net.n(), net.space.nx, net.space.size, net.lambda);
  std::printf("L = %.12g  E[r] = %.12g  coding cost = %.12g nats/step\n", sol.L, sol.mean_reward, sol.coding_cost);
  std::printf("outer iterations %d, Bellman sweeps %ld, stationary sweeps %ld, %.3f s\n", sol.outer_iterations,
              sol.bellman_sweeps, sol.stationary_sweeps, seconds);
  std::printf("residuals: value span %.3g, stationary L1 %.3g, log q %.3g; converged: %s\n", sol.value_span,
              sol.stationary_change, sol.q_residual, sol.converged ? "yes" : "NO");
  print_optimum_report(net, sol);
  if (!feature && net.space.size > search.max_states && search.frozen_starts > 0)
    std::printf("search: S = %zu > search.max_states = %zu, so the first start and the best frozen state only; raise search.max_states for the full search\n",
                net.space.size, search.max_states);
  else if (!feature && net.space.size > search.max_states)
    std::printf("search: S = %zu > search.max_states = %zu, so the first start only\n", net.space.size, search.max_states);
  if (!sol.converged || (feature && !coding.converged))
    std::fprintf(stderr, "nirl optimise: warning: the solver did not converge (see solver.* options)\n");
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

}  // namespace nirl::cli
