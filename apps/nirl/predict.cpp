// nirl predict: a reward + a changed context -> the adapted dynamics (docs/model.md section 4).
#include <chrono>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/continuation.hpp"
#include "nirl/core/forward_solver.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/io/perturbation_spec.hpp"
#include "nirl/study/progress.hpp"
#include "nirl/io/results_io.hpp"

namespace nirl::cli {
namespace {

std::vector<double> read_operating_point(const h5::InputFile& in, const std::string& source, const Network& net) {
  std::vector<double> q = h5::read_doubles(in, source + "/q", 1);
  if (q.size() != std::size_t(net.n())) fail(in.path(), ": ", source, "/q has length ", q.size(), ", expected ", net.n());
  for (int i = 0; i < net.n(); ++i) {
    double& qi = q[std::size_t(i)];
    if (net.is_dead(i)) continue;
    if (!(qi >= 0.0 && qi <= 1.0)) fail(in.path(), ": ", source, "/q[", i, "] = ", qi, " is not a probability");
  }
  return q;
}

}  // namespace

int predict_main(int argc, const char* const argv[]) {
  po::options_description cli("nirl predict --reward I.h5 --perturb SPEC --out P.h5");
  cli.add_options()("help,h", "show this help");
  po::options_description keys("Prediction");
  keys.add_options()
      ("reward", po::value<std::string>(), "nirl infer result (/inferred) or optimise result (/solution)")
      ("perturb", po::value<std::string>(),
       "comma-separated changes: lambda=L, dead=K[+K2], switch_up=P, switch_down=P, input=FILE:DATASET, none")
      ("out", po::value<std::string>(), "result file (HDF5, the optimise layout)");
  po::options_description config_keys;
  config_keys.add(keys).add(solver_options()).add(search_options()).add(prediction_options());
  po::variables_map vm;
  parse_with_config(argc, argv, cli, config_keys, nullptr, vm);
  if (vm.count("help")) {
    std::cout << cli << "\n" << config_keys << "\n";
    return 0;
  }
  for (const char* key : {"reward", "perturb", "out"})
    if (!vm.count(key)) fail("--", key, " is required");
  const std::string reward_path = get_string(vm, "reward"), out_path = get_string(vm, "out");
  check_output_differs(out_path, reward_path, "--reward");
  const Perturbation change = parse_perturbation(get_string(vm, "perturb"));
  SolverOptions options = solver_from_options(vm);
  const PredictionOptions prediction = prediction_from_options(vm);

  const h5::InputFile in(reward_path);
  std::string source;
  const Network base = read_reward_network(in, &source);
  const Network net = apply_perturbation(base, change);
  // The network adapts from its current operating point: the optimum of the original
  // context reached from the firing marginals of the reward file (or solver.initial_q).
  const std::vector<double> start_q =
      options.initial_q.empty() ? read_operating_point(in, source, base) : options.initial_q;
  if (!options.initial_q.empty()) {
    if (start_q.size() != std::size_t(base.n()))
      fail("solver.initial_q has ", start_q.size(), " entries, but the network has n = ", base.n(), " neurons");
    for (int i = 0; i < base.n(); ++i)
      if (!base.is_dead(i) && !(start_q[std::size_t(i)] > 0.0 && start_q[std::size_t(i)] < 1.0))
        fail("solver.initial_q entries must be in (0, 1) (got ", start_q[std::size_t(i)], " for neuron ", i, ")");
  }
  check_memory(solver_bytes(net.space), "the prediction");
  h5::OutputFile out(out_path);
  const auto start = std::chrono::steady_clock::now();
  Progress progress("predict");
  if (prediction.target == PredictionTarget::follow) progress.update(0.0, "the original context");
  const Solution sol = predict_adapted(base, start_q, net, options, prediction, source == "/inferred", [&](const FollowProgress& p) {
    char detail[96];
    std::snprintf(detail, sizeof detail, "following the optimum: t = %.4f, %d solves", p.t, p.solves);
    progress.update(p.t, detail);
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_provenance(out, render_ini(vm, config_keys), 0, command_line(argc, argv));
  write_solution(out, net, sol);
  h5::set_attribute(out.id(), "/solution", "perturbation", get_string(vm, "perturb"));
  h5::set_attribute(out.id(), "/solution", "prediction_target", get_string(vm, "prediction.target"));
  h5::set_attribute(out.id(), "/solution", "reward_source", reward_path + ":" + source + "/reward");
  h5::set_attribute(out.id(), "/solution", "solve_seconds", seconds);
  out.commit();
  std::printf("predicted under '%s': L = %.10g, E[r] = %.10g, coding cost = %.10g; converged: %s\n",
              get_string(vm, "perturb").c_str(), sol.L, sol.mean_reward, sol.coding_cost, sol.converged ? "yes" : "NO");
  print_optimum_report(net, sol);
  if (!sol.converged) std::fprintf(stderr, "nirl predict: warning: the solver did not converge\n");
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

}  // namespace nirl::cli
