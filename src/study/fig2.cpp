// Fig 2 end to end: forward -> simulate -> infer -> predict (MODEL.md sections 2-4, 7).
#include "nirl/study/fig2.hpp"

#include <chrono>

#include "nirl/core/continuation.hpp"
#include "nirl/inverse/inverse.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/io/perturbation_spec.hpp"
#include "nirl/io/results_io.hpp"
#include "nirl/sample/sampler.hpp"
#include "nirl/measures/tuning.hpp"

namespace nirl {
namespace {

// Random streams of the figure: one per raster, derived from (seed, stream id).
constexpr std::uint64_t kStreamPanelD = 0, kStreamPanelE = 10;

}  // namespace

Fig2Summary run_fig2(const Network& net, const Fig2Options& options, const h5::OutputFile& out,
                     const std::function<void(const std::string&)>& stage) {
  auto announce = [&](const std::string& s) {
    if (stage) stage(s);
  };
  Fig2Summary summary;
  announce("optimal network");
  const Solution sol = search_optimum(net, options.solver, options.prediction.search);
  write_solution(out, net, sol);
  const std::vector<Eigen::MatrixXd> tuning = tuning_curves(net, sol);

  announce("panel C");
  write_tuning_curves(out, "/fig2/C/tuning", tuning);

  announce("panel D");
  const double lambdas[2] = {net.lambda, options.compare_lambda};
  for (int k = 0; k < 2; ++k) {
    Perturbation change;
    change.lambda = lambdas[k];
    const Network net_k = apply_perturbation(net, change);
    const Solution sol_k = k == 0 ? sol : adapted_optimum(net, sol, net_k, options.solver, options.prediction);
    const Raster raster = simulate(net_k, expected_next_value(net_k, sol_k), sol_k.q, sol_k.stationary,
                                   options.raster_steps, options.seed, kStreamPanelD + std::uint64_t(k));
    const std::string group = "/fig2/D/" + std::to_string(k);
    write_raster(out, raster, group);
    h5::write_matrix(out.id(), group + "/count_distribution", count_distribution(net_k.space, sol_k.stationary));
    h5::set_attribute(out.id(), group, "lambda", lambdas[k]);
    h5::set_attribute(out.id(), group, "mean_reward", sol_k.mean_reward);
  }

  announce("panel E");
  const Raster observed = simulate(net, expected_next_value(net, sol), sol.q, sol.stationary, options.samples,
                                   options.seed, kStreamPanelE);
  InferOptions infer_options;
  infer_options.method = "max_likelihood";
  infer_options.likelihood = options.likelihood;
  const auto start = std::chrono::steady_clock::now();
  const Inference inf = infer_reward(observed, net.input, net.lambda, infer_options);
  summary.infer_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const AlignedFit fit = aligned_r2(net.space, net.reward, inf.reward, sol.stationary);
  const AlignedFit wfit = aligned_r2(net.space, net.reward, inf.reward, sol.stationary, kIdentifiedProbability, true);
  summary.r2 = fit.r2;
  summary.r2_weighted = wfit.r2;
  summary.scale = fit.scale;
  Eigen::VectorXd aligned = fit.scale * inf.reward;
  for (std::size_t s = 0; s < net.space.size; ++s) aligned[Eigen::Index(s)] += fit.offset[std::size_t(net.space.input_of(s))];
  const hsize_t S = net.space.size;
  h5::write_doubles(out.id(), "/fig2/E/true_reward", net.reward.data(), {S});
  h5::write_doubles(out.id(), "/fig2/E/inferred_reward", inf.reward.data(), {S});
  h5::write_doubles(out.id(), "/fig2/E/aligned_inferred_reward", aligned.data(), {S});
  h5::write_doubles(out.id(), "/fig2/E/stationary", sol.stationary.data(), {S});
  h5::set_attribute(out.id(), "/fig2/E", "r2", fit.r2);
  h5::set_attribute(out.id(), "/fig2/E", "r2_weighted", wfit.r2);
  h5::set_attribute(out.id(), "/fig2/E", "scale", fit.scale);
  h5::set_attribute(out.id(), "/fig2/E", "r2_threshold", kIdentifiedProbability);
  h5::set_attribute(out.id(), "/fig2/E", "states_used", static_cast<long long>(fit.states));
  h5::set_attribute(out.id(), "/fig2/E", "samples", static_cast<long long>(options.samples));
  h5::set_attribute(out.id(), "/fig2/E", "converged", static_cast<long long>(inf.converged));
  h5::set_attribute(out.id(), "/fig2/E", "infer_seconds", summary.infer_seconds);

  Network inferred_net = net;
  inferred_net.reward = inf.reward;
  const std::pair<std::string, std::string> changes[2] = {{"input_change", options.input_change},
                                                          {"cell_death", options.cell_death}};
  for (const auto& [name, spec] : changes) {
    announce("panel F (" + name + ")");
    const Perturbation change = parse_perturbation(spec);
    const Network adapted_net = apply_perturbation(net, change);
    const Solution adapted = adapted_optimum(net, sol, adapted_net, options.solver, options.prediction);
    const Network predicted_net = apply_perturbation(inferred_net, change);
    const Solution predicted = predict_adapted(inferred_net, inf.on, predicted_net, options.solver, options.prediction, true);
    const double kl = kl_divergence(adapted.stationary, predicted.stationary);
    const double baseline = kl_divergence(adapted.stationary, sol.stationary);
    const std::string group = "/fig2/F/" + name;
    write_tuning_curves(out, group + "/original_tuning", tuning);
    write_tuning_curves(out, group + "/true_tuning", tuning_curves(adapted_net, adapted));
    write_tuning_curves(out, group + "/predicted_tuning", tuning_curves(predicted_net, predicted));
    h5::set_attribute(out.id(), group, "perturbation", spec);
    h5::set_attribute(out.id(), group, "kl_predicted", kl);
    h5::set_attribute(out.id(), group, "kl_baseline", baseline);
    (name == "input_change" ? summary.kl_input : summary.kl_death) = kl;
    (name == "input_change" ? summary.kl_input_baseline : summary.kl_death_baseline) = baseline;
  }
  return summary;
}

}  // namespace nirl
