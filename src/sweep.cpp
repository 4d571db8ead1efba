#include "nirl/sweep.hpp"

#include <algorithm>

#include "nirl/bootstrap.hpp"
#include "nirl/continuation.hpp"
#include "nirl/error.hpp"
#include "nirl/measures.hpp"
#include "nirl/perturbation.hpp"
#include "nirl/random_stream.hpp"
#include "nirl/results_io.hpp"
#include "nirl/sampler.hpp"

namespace nirl {
namespace {

// Stream ids: bits 40+ name the purpose, the rest the raster or task.
constexpr std::uint64_t kRasterStreams = std::uint64_t(1) << 40, kBootstrapStreams = std::uint64_t(2) << 40;
constexpr std::size_t kFixedFields = 5;

}  // namespace

std::vector<SweepTask> sweep_tasks(const SweepConfig& config) {
  std::vector<SweepTask> tasks;
  for (std::size_t k = 0; k < config.sample_sizes.size(); ++k)
    for (int t = 0; t < config.trials; ++t)
      for (int b = 0; b <= config.bootstraps; ++b)
        tasks.push_back({tasks.size(), int(k), t, b});
  return tasks;
}

std::vector<SweepTask> in_schedule_order(std::vector<SweepTask> tasks) {
  std::stable_sort(tasks.begin(), tasks.end(),
                   [](const SweepTask& a, const SweepTask& b) { return a.size_index > b.size_index; });
  return tasks;
}

SweepTruth solve_truth(const Network& net, const SweepConfig& config) {
  SweepTruth truth{net, search_optimum(net, config.solver, config.prediction.search), {}, {}, {}};
  for (const std::string& spec : config.perturbations) {
    const Network adapted_net = apply_perturbation(net, parse_perturbation(spec));
    // The network adapts from the optimum it is at, as predictions do.
    truth.adapted.push_back(adapted_optimum(net, truth.solution, adapted_net, config.solver, config.prediction));
    truth.kl_baseline.push_back(kl_divergence(truth.adapted.back().stationary, truth.solution.stationary));
    truth.adapted_nets.push_back(adapted_net);
  }
  return truth;
}

std::vector<double> run_sweep_task(const SweepTruth& truth, const SweepConfig& config, const SweepTask& task) {
  const Network& net = truth.net;
  const std::size_t steps = config.sample_sizes[std::size_t(task.size_index)];
  const std::uint64_t raster_id = std::uint64_t(task.size_index) * std::uint64_t(config.trials) + std::uint64_t(task.trial);
  const Raster raster = simulate(net, expected_next_value(net, truth.solution), truth.solution.q,
                                 truth.solution.stationary, steps, config.seed, kRasterStreams | raster_id);
  TransitionCounts counts;
  if (task.bootstrap == 0) {
    counts = count_transitions(raster, net.space.nx);
  } else {
    const std::vector<std::size_t> starts =
        moving_block_resample(steps - 1, config.block_length, RandomStream(config.seed, kBootstrapStreams | task.id));
    counts = count_transitions(raster, net.space.nx, &starts);
  }
  const InverseResult inv = max_likelihood_reward(counts, net.input, net.lambda, config.likelihood);
  const AlignedFit fit = aligned_r2(net.space, net.reward, inv.reward, truth.solution.stationary, config.threshold);
  const AlignedFit wfit = aligned_r2(net.space, net.reward, inv.reward, truth.solution.stationary, config.threshold, true);

  std::vector<double> record = {fit.r2, wfit.r2, fit.scale, inv.converged ? 1.0 : 0.0, inv.log_likelihood};
  Network inferred = net;
  inferred.reward = inv.reward;
  for (std::size_t k = 0; k < config.perturbations.size(); ++k) {
    const Network predicted_net = apply_perturbation(inferred, parse_perturbation(config.perturbations[k]));
    const Solution predicted = predict_adapted(inferred, counts.on, predicted_net, config.solver, config.prediction, true);
    record.push_back(kl_divergence(truth.adapted[k].stationary, predicted.stationary));
  }
  for (std::size_t s = 0; s < net.space.size; ++s)
    record.push_back(fit.scale * inv.reward[Eigen::Index(s)] + fit.offset[std::size_t(net.space.input_of(s))]);
  return record;
}

void write_sweep(const h5::OutputFile& out, const SweepTruth& truth, const SweepConfig& config,
                 const std::map<std::uint64_t, std::vector<double>>& results) {
  const std::vector<SweepTask> tasks = sweep_tasks(config);
  const std::size_t P = config.perturbations.size(), S = truth.net.space.size;
  const std::size_t record_size = kFixedFields + P + S;
  const hsize_t K = config.sample_sizes.size(), T = hsize_t(config.trials), B = hsize_t(config.bootstraps + 1);
  std::vector<double> fields[kFixedFields];
  std::vector<double> kl(P * tasks.size()), aligned(S * tasks.size());
  for (const SweepTask& task : tasks) {
    const auto it = results.find(task.id);
    if (it == results.end()) fail("sweep result of task ", task.id, " is missing");
    const std::vector<double>& r = it->second;
    if (r.size() != record_size) fail("sweep result of task ", task.id, " has ", r.size(), " fields, expected ", record_size);
    for (std::size_t f = 0; f < kFixedFields; ++f) fields[f].push_back(r[f]);
    for (std::size_t k = 0; k < P; ++k) kl[k * tasks.size() + task.id] = r[kFixedFields + k];
    std::copy(r.begin() + long(kFixedFields + P), r.end(), aligned.begin() + long(task.id * S));
  }
  write_solution(out, truth.net, truth.solution);
  const std::vector<double> sizes(config.sample_sizes.begin(), config.sample_sizes.end());
  h5::write_doubles(out.id(), "/sweep/sample_sizes", sizes.data(), {K});
  const char* names[kFixedFields] = {"r2", "r2_weighted", "scale", "converged", "log_likelihood"};
  for (std::size_t f = 0; f < kFixedFields; ++f) h5::write_doubles(out.id(), std::string("/sweep/") + names[f], fields[f].data(), {K, T, B});
  h5::write_doubles(out.id(), "/sweep/kl_predicted", kl.data(), {hsize_t(P), K, T, B});
  h5::write_doubles(out.id(), "/sweep/kl_baseline", truth.kl_baseline.data(), {hsize_t(P)});
  h5::write_doubles(out.id(), "/sweep/aligned_reward", aligned.data(), {K, T, B, hsize_t(S)});
  std::string specs;
  for (const std::string& p : config.perturbations) specs += (specs.empty() ? "" : ";") + p;
  h5::set_attribute(out.id(), "/sweep", "perturbations", specs);
  h5::set_attribute(out.id(), "/sweep", "threshold", config.threshold);
  h5::set_attribute(out.id(), "/sweep", "trials", static_cast<long long>(config.trials));
  h5::set_attribute(out.id(), "/sweep", "bootstraps", static_cast<long long>(config.bootstraps));
  h5::set_attribute(out.id(), "/sweep", "block_length", static_cast<long long>(config.block_length));
}

}  // namespace nirl
