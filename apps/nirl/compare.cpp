// nirl compare: the measures of docs/model.md section 7 between result files.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>

#include "commands.hpp"
#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/io/parse_number.hpp"
#include "nirl/io/result_axes.hpp"
#include "nirl/io/results_io.hpp"

namespace nirl::cli {
namespace {

Eigen::VectorXd read_stationary(const h5::InputFile& f, std::size_t S) {
  const std::vector<double> p = h5::read_doubles(f, "/solution/stationary", 1);
  if (p.size() != S) fail(f.path(), ": /solution/stationary has length ", p.size(), ", expected ", S);
  return Eigen::Map<const Eigen::VectorXd>(p.data(), Eigen::Index(p.size()));
}

}  // namespace

int compare_main(int argc, const char* const argv[]) {
  po::options_description cli("nirl compare --truth T.h5 [--inferred I.h5] [--adapted A.h5 --predicted P.h5] [--out C.h5]");
  cli.add_options()("help,h", "show this help");
  po::options_description keys("Comparison");
  keys.add_options()
      ("truth", po::value<std::string>(), "optimise result with the true reward (unperturbed)")
      ("inferred", po::value<std::string>(), "infer result: aligned r2 of its reward against the truth")
      ("adapted", po::value<std::string>(), "the true adapted response (optimise / predict with the true reward)")
      ("predicted", po::value<std::string>(), "the predicted response (predict with the inferred reward)")
      ("threshold", po::value<std::string>()->default_value(number_text(kIdentifiedProbability)), "r2 over states with true p above this")
      ("out", po::value<std::string>(), "optional HDF5 file for the measures");
  po::variables_map vm;
  parse_with_config(argc, argv, cli, keys, nullptr, vm);
  if (vm.count("help")) {
    std::cout << cli << "\n" << keys << "\n";
    return 0;
  }
  if (!vm.count("truth")) fail("--truth is required");
  if (vm.count("adapted") != vm.count("predicted")) fail("--adapted and --predicted go together");
  if (!vm.count("inferred") && !vm.count("adapted")) fail("nothing to compare: give --inferred and/or --adapted with --predicted");
  const double threshold = get_double(vm, "threshold");
  if (!(threshold >= 0.0)) fail("--threshold must be >= 0");
  const std::string out_path = vm.count("out") ? get_string(vm, "out") : "";
  if (vm.count("out") && out_path.empty()) fail("--out is empty (leave it out to write no file)");
  for (const char* key : {"truth", "inferred", "adapted", "predicted"})
    if (!out_path.empty() && vm.count(key)) check_output_differs(out_path, get_string(vm, key), key);

  std::optional<h5::OutputFile> out;  // created now: an unwritable --out fails before any work
  if (!out_path.empty()) out.emplace(out_path);

  const h5::InputFile truth_file(get_string(vm, "truth"));
  const StoredSolution truth = read_solution(truth_file);
  const StateSpace& space = truth.net.space;
  std::vector<std::pair<std::string, double>> measures;
  Eigen::VectorXd aligned;
  if (vm.count("inferred")) {
    const h5::InputFile f(get_string(vm, "inferred"));
    const Network inferred = read_reward_network(f);
    if (inferred.space.size != space.size)
      fail(f.path(), " has S = ", inferred.space.size, " states but the truth has ", space.size);
    const AlignedFit fit = aligned_r2(space, truth.net.reward, inferred.reward, truth.sol.stationary, threshold);
    const AlignedFit wfit = aligned_r2(space, truth.net.reward, inferred.reward, truth.sol.stationary, threshold, true);
    measures.push_back({"r2", fit.r2});
    measures.push_back({"r2_weighted", wfit.r2});
    measures.push_back({"scale", fit.scale});
    measures.push_back({"states_used", double(fit.states)});
    aligned = aligned_reward(space, fit, inferred.reward);
  }
  if (vm.count("adapted")) {
    const h5::InputFile fa(get_string(vm, "adapted")), fp(get_string(vm, "predicted"));
    const Eigen::VectorXd adapted = read_stationary(fa, space.size), predicted = read_stationary(fp, space.size);
    measures.push_back({"kl_predicted", kl_divergence(adapted, predicted)});
    measures.push_back({"kl_baseline", kl_divergence(adapted, truth.sol.stationary)});
  }
  if (out) {
    write_provenance(*out, render_ini(vm, keys), 0, command_line(argc, argv));
    h5::describe_group(out->id(), "/compare", "measures comparing the truth with inferred and predicted results");
    for (const auto& [name, value] : measures) {
      if (name == "states_used") h5::set_attribute(out->id(), "/compare", name, static_cast<long long>(value));
      else h5::set_attribute(out->id(), "/compare", name, value);
    }
    h5::set_attribute(out->id(), "/compare", "threshold", threshold);
    if (aligned.size() > 0) {
      h5::write_doubles(out->id(), "/compare/aligned_inferred_reward", aligned.data(), {space.size},
                        {"reward per step", "inferred reward after the fit a r_hat + b(x) to the true reward", {"state"}});
      const ResultAxes axes(out->id(), "");
      axes.attach("/compare/aligned_inferred_reward", {axes.state(space)});
    }
    out->commit();
  }
  for (const auto& [name, value] : measures) std::printf("%-13s %.10g\n", name.c_str(), value);
  return 0;
}

}  // namespace nirl::cli
