#include "nirl/study/synthetic_pipeline.hpp"

#include <cmath>

#include "nirl/sample/bootstrap.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/optimum_search.hpp"
#include "nirl/io/perturbation_spec.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/sample/sampler.hpp"

namespace nirl {
namespace {

// Stream ids: bits 40+ name the purpose, the rest the raster or task.
constexpr std::uint64_t kRasterStreams = std::uint64_t(1) << 40, kBootstrapStreams = std::uint64_t(2) << 40;

// The aligned fit, or NaN in every field where it is undefined (fewer than two states above
// the threshold, or a true reward constant within every x there: a frozen truth).
AlignedFit aligned_or_undefined(const Network& net, const Eigen::VectorXd& inferred, const Eigen::VectorXd& p_true,
                                double threshold, bool weighted) {
  try {
    return aligned_r2(net.space, net.reward, inferred, p_true, threshold, weighted);
  } catch (const Error&) {
    const double nan = std::nan("");
    AlignedFit undefined;
    undefined.r2 = undefined.scale = nan;
    undefined.offset.assign(std::size_t(net.space.nx), nan);
    return undefined;
  }
}

}  // namespace

StudyTruth solve_truth(const StudyPoint& point, const std::vector<std::string>& perturbations) {
  const Network& net = point.net;
  StudyTruth truth{net, search_optimum(net, point.solver, point.prediction.search), {}, {}};
  for (const std::string& spec : perturbations) {
    const Network adapted_net = apply_perturbation(net, parse_perturbation(spec));
    // The network adapts from the optimum it is at, as predictions do.
    truth.adapted.push_back(adapted_optimum(net, truth.solution, adapted_net, point.solver, point.prediction));
    truth.kl_baseline.push_back(kl_divergence(truth.adapted.back().stationary, truth.solution.stationary));
  }
  return truth;
}

TaskOutcome run_synthetic_task(const StudyTruth& truth, const StudyPoint& point,
                               const std::vector<std::string>& perturbations, const StudyGrid& grid,
                               const StudyTask& task) {
  const Network& net = truth.net;
  const Raster raster = simulate(net, expected_next_value(net, truth.solution), truth.solution.q,
                                 truth.solution.stationary, point.samples, point.seed,
                                 kRasterStreams | grid.raster_index(task));
  TransitionCounts counts;
  if (task.bootstrap == 0) {
    counts = count_transitions(raster, net.space.nx);
  } else {
    const std::vector<std::size_t> starts = moving_block_resample(
        point.samples - 1, point.block_length, RandomStream(point.seed, kBootstrapStreams | task.id));
    counts = count_transitions(raster, net.space.nx, &starts);
  }
  TaskOutcome out;
  out.inverse = max_likelihood_reward(counts, net.input, net.lambda, point.likelihood);
  out.fit = aligned_or_undefined(net, out.inverse.reward, truth.solution.stationary, point.threshold, false);
  out.fit_weighted = aligned_or_undefined(net, out.inverse.reward, truth.solution.stationary, point.threshold, true);
  Network inferred = net;
  inferred.reward = out.inverse.reward;
  for (std::size_t k = 0; k < perturbations.size(); ++k) {
    const Network predicted_net = apply_perturbation(inferred, parse_perturbation(perturbations[k]));
    const Solution predicted =
        predict_adapted(inferred, counts.on, predicted_net, point.solver, point.prediction, true);
    out.kl_predicted.push_back(kl_divergence(truth.adapted[k].stationary, predicted.stationary));
  }
  out.aligned_reward.resize(net.space.size);
  for (std::size_t s = 0; s < net.space.size; ++s)
    out.aligned_reward[s] =
        out.fit.scale * out.inverse.reward[Eigen::Index(s)] + out.fit.offset[std::size_t(net.space.input_of(s))];
  return out;
}

}  // namespace nirl
