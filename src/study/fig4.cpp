// Fig 4 end to end: efficient coding -> tuning, readout, information vs lambda ->
// inverse on exact and sampled activity -> recovered feature; cell types (MODEL.md 6-7).
#include "nirl/study/fig4.hpp"

#include <algorithm>
#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/coding/feature_recovery.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/io/results_io.hpp"
#include "nirl/sample/sampler.hpp"
#include "nirl/measures/tuning.hpp"

namespace nirl {
namespace {

constexpr std::uint64_t kStreamPanelG = 40;  // raster of panel G: (seed, 40)

int pixel_count(const InputChain& input) {
  if (!input.factored()) fail("Fig 4 needs input.type = pixels");
  return int(input.factors.size());
}

// Panels F and G: infer, align, recover the feature; weights u(sigma, x) for the recovery.
struct InverseOutcome {
  int threshold;
  double agreement, r2, r2_weighted;
};

InverseOutcome inverse_panel(const h5::OutputFile& out, const std::string& group, const Network& net,
                             const Solution& sol, const Eigen::VectorXd& log_posterior, const TransitionCounts& counts,
                             const MaxLikelihoodOptions& likelihood, int pixels) {
  const InverseResult inv = max_likelihood_reward(counts, net.input, net.lambda, likelihood);
  const AlignedFit fit = aligned_r2(net.space, log_posterior, inv.reward, sol.stationary);
  const AlignedFit wfit = aligned_r2(net.space, log_posterior, inv.reward, sol.stationary, kIdentifiedProbability, true);
  Eigen::VectorXd aligned = fit.scale * inv.reward;
  for (std::size_t s = 0; s < net.space.size; ++s) aligned[Eigen::Index(s)] += fit.offset[std::size_t(net.space.input_of(s))];
  const Eigen::Map<const Eigen::VectorXd> visits(counts.visits.data(), counts.visits.size());
  const FeatureRecovery rec = recover_feature(net.space, inv.reward, visits);
  const hsize_t S = net.space.size;
  h5::write_doubles(out.id(), group + "/aligned_reward", aligned.data(), {S});
  h5::write_doubles(out.id(), group + "/visits", counts.visits.data(), {S});
  const Eigen::MatrixXd by_count = reward_by_pixels_and_count(net.space, aligned, visits, pixels);
  h5::write_matrix(out.id(), group + "/reward_by_pixels_count", by_count);
  const std::vector<std::int32_t> g(rec.group.begin(), rec.group.end());
  h5::write_int32(out.id(), group + "/group", g.data(), {hsize_t(g.size())});
  h5::write_doubles(out.id(), group + "/slope", rec.slope.data(), {hsize_t(rec.slope.size())});
  h5::set_attribute(out.id(), group, "threshold", (long long)rec.threshold);
  h5::set_attribute(out.id(), group, "agreement", rec.agreement);
  h5::set_attribute(out.id(), group, "r2", fit.r2);
  h5::set_attribute(out.id(), group, "r2_weighted", wfit.r2);
  h5::set_attribute(out.id(), group, "scale", fit.scale);
  h5::set_attribute(out.id(), group, "states_used", (long long)fit.states);
  h5::set_attribute(out.id(), group, "samples", counts.steps);
  h5::set_attribute(out.id(), group, "converged", (long long)inv.converged);
  h5::set_attribute(out.id(), group, "iterations", (long long)inv.iterations);
  return {rec.threshold, rec.agreement, fit.r2, wfit.r2};
}

std::vector<int> pixel_groups(const StateSpace& space) {
  std::vector<int> g(std::size_t(space.nx));
  for (int x = 0; x < space.nx; ++x) g[std::size_t(x)] = __builtin_popcount(unsigned(x));
  return g;
}

}  // namespace

std::vector<double> fig4_lambda_task(const Network& net, const std::vector<int>& y, const Fig4Options& options,
                                     std::size_t k) {
  Network at = net;
  at.lambda = options.lambdas.at(k);
  const EfficientCodingResult res = efficient_coding(at, y, options.coding);
  return {at.lambda, res.information, res.independent_information, double(res.updates), res.converged ? 1.0 : 0.0,
          res.change};
}

std::vector<int> tuning_groups(const std::vector<Eigen::MatrixXd>& tuning, double tol) {
  const std::size_t n = tuning.size();
  std::vector<int> group(n, -1);
  auto close = [&](std::size_t a, std::size_t b) {
    const Eigen::ArrayXXd d = (tuning[a] - tuning[b]).array();
    for (Eigen::Index k = 0; k < d.size(); ++k)
      if (std::isfinite(d(k)) && std::fabs(d(k)) >= tol) return false;
    return true;
  };
  int groups = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (group[i] >= 0) continue;
    group[i] = groups;
    // Single linkage: grow the group through chains of close neurons.
    for (bool grew = true; grew;) {
      grew = false;
      for (std::size_t j = 0; j < n; ++j)
        if (group[j] < 0)
          for (std::size_t m = 0; m < n; ++m)
            if (group[m] == groups && close(j, m)) {
              group[j] = groups;
              grew = true;
              break;
            }
    }
    ++groups;
  }
  return group;
}

Fig4Summary run_fig4(const Network& net, const std::vector<int>& y, const Fig4Options& options,
                     const std::map<std::uint64_t, std::vector<double>>& lambda_records, const h5::OutputFile& out,
                     const std::function<void(const std::string&)>& stage) {
  auto announce = [&](const std::string& s) {
    if (stage) stage(s);
  };
  const int pixels = pixel_count(net.input), n = net.n();
  const std::vector<int> by_pixels = pixel_groups(net.space);
  Fig4Summary summary;

  announce("optimal network");
  const EfficientCodingResult res = efficient_coding(net, y, options.coding);
  write_solution(out, res.net, res.solution);
  write_efficient_coding(out, res.net, y, res);
  summary.information = res.information;
  summary.independent_information = res.independent_information;

  announce("panels C, D");
  write_tuning_curves(out, "/fig4/C/tuning", tuning_curves(res.net, res.solution, by_pixels, pixels + 1));
  // p(count | m pixels on) = sum over the inputs with m pixels of p(count, x), normalised.
  const Eigen::MatrixXd per_input = count_distribution(net.space, res.solution.stationary);
  const Eigen::VectorXd p_x = input_stationary(net.input);
  Eigen::MatrixXd per_pixels = Eigen::MatrixXd::Zero(pixels + 1, n + 1);
  for (int x = 0; x < net.space.nx; ++x) per_pixels.row(by_pixels[std::size_t(x)]) += p_x[x] * per_input.row(x);
  for (Eigen::Index m = 0; m <= pixels; ++m) per_pixels.row(m) /= per_pixels.row(m).sum();
  h5::write_matrix(out.id(), "/fig4/C/count_distribution", per_pixels);
  const Eigen::VectorXd readout = readout_by_count(net.space, res.solution.stationary, y);
  h5::write_doubles(out.id(), "/fig4/D/readout_by_count", readout.data(), {hsize_t(readout.size())});
  const Eigen::VectorXd per_state = feature_readout(net.space, res.solution.stationary, y);
  h5::write_doubles(out.id(), "/fig4/D/readout", per_state.data(), {hsize_t(per_state.size())});
  Eigen::VectorXd p_sigma = Eigen::VectorXd::Zero(Eigen::Index(net.space.n_sigma));
  for (std::size_t s = 0; s < net.space.size; ++s) p_sigma[Eigen::Index(net.space.sigma_of(s))] += res.solution.stationary[Eigen::Index(s)];
  h5::write_doubles(out.id(), "/fig4/D/p_sigma", p_sigma.data(), {hsize_t(p_sigma.size())});

  announce("panel E");
  const std::size_t L = options.lambdas.size();
  std::vector<double> columns[6];
  for (std::size_t k = 0; k < L; ++k) {
    const auto it = lambda_records.find(k);
    if (it == lambda_records.end() || it->second.size() != 6) fail("Fig 4: missing record of lambda task ", k);
    for (int c = 0; c < 6; ++c) columns[c].push_back(it->second[std::size_t(c)]);
  }
  const char* names[6] = {"lambda", "information", "independent_information", "updates", "converged", "change"};
  for (int c = 0; c < 6; ++c) h5::write_doubles(out.id(), std::string("/fig4/E/") + names[c], columns[c].data(), {hsize_t(L)});

  const Eigen::VectorXd log_posterior = log_posterior_reward(net.space, res.solution.stationary, y);
  h5::write_doubles(out.id(), "/fig4/log_posterior", log_posterior.data(), {hsize_t(net.space.size)});
  const Eigen::VectorXd w = expected_next_value(res.net, res.solution);
  announce("panel F (exact statistics)");
  const TransitionCounts exact = expected_transition_counts(net.space, net.lambda, w, res.solution.q,
                                                            res.solution.stationary, double(options.samples));
  MaxLikelihoodOptions exact_likelihood = options.likelihood;
  // Exact statistics need no prior; the flip warm start is exact for them (ML keeps it there).
  exact_likelihood.ridge = 1e-6;
  exact_likelihood.pseudocount = 1e-15;
  exact_likelihood.warm_start = MaxLikelihoodOptions::Start::flips;
  const InverseOutcome f = inverse_panel(out, "/fig4/F", res.net, res.solution, log_posterior, exact, exact_likelihood, pixels);
  summary.exact_threshold = f.threshold;
  summary.exact_agreement = f.agreement;
  summary.exact_r2 = f.r2;

  announce("panel G (simulated raster)");
  const Raster raster = simulate(res.net, w, res.solution.q, res.solution.stationary, options.samples, options.seed,
                                 kStreamPanelG);
  const InverseOutcome g = inverse_panel(out, "/fig4/G", res.net, res.solution, log_posterior,
                                         count_transitions(raster, net.space.nx), options.likelihood, pixels);
  summary.sampled_threshold = g.threshold;
  summary.sampled_agreement = g.agreement;
  summary.sampled_r2 = g.r2;
  summary.sampled_r2_weighted = g.r2_weighted;

  announce("panel H");
  const double redraw = net.input.factors[0](0, 1) + net.input.factors[0](1, 0);  // up + down = redraw
  Network low = net;
  low.input = pixel_input(pixels, options.h_pixel_on, redraw);
  low.lambda = options.h_lambda;
  EfficientCodingOptions jittered = options.coding;
  jittered.jitter = options.h_jitter;
  jittered.seed = options.seed;
  const EfficientCodingResult h = efficient_coding(low, y, jittered);
  const std::vector<Eigen::MatrixXd> h_tuning = tuning_curves(h.net, h.solution, by_pixels, pixels + 1);
  write_tuning_curves(out, "/fig4/H/tuning", h_tuning);
  const std::vector<int> groups = tuning_groups(h_tuning, options.group_tolerance);
  const std::vector<double> q = h.solution.q.on_probabilities();
  summary.h_groups = 1 + *std::max_element(groups.begin(), groups.end());
  summary.h_group_rates.assign(std::size_t(summary.h_groups), 0.0);
  summary.h_group_sizes.assign(std::size_t(summary.h_groups), 0);
  for (int i = 0; i < n; ++i) {
    summary.h_group_rates[std::size_t(groups[std::size_t(i)])] += q[std::size_t(i)];
    ++summary.h_group_sizes[std::size_t(groups[std::size_t(i)])];
  }
  for (int k = 0; k < summary.h_groups; ++k) summary.h_group_rates[std::size_t(k)] /= summary.h_group_sizes[std::size_t(k)];
  const std::vector<std::int32_t> g32(groups.begin(), groups.end());
  h5::write_int32(out.id(), "/fig4/H/group", g32.data(), {hsize_t(n)});
  h5::write_doubles(out.id(), "/fig4/H/q", q.data(), {hsize_t(n)});
  h5::write_doubles(out.id(), "/fig4/H/group_rates", summary.h_group_rates.data(), {hsize_t(summary.h_groups)});
  h5::set_attribute(out.id(), "/fig4/H", "groups", (long long)summary.h_groups);
  h5::set_attribute(out.id(), "/fig4/H", "pixel_on", options.h_pixel_on);
  h5::set_attribute(out.id(), "/fig4/H", "jitter", options.h_jitter);
  h5::set_attribute(out.id(), "/fig4/H", "lambda", options.h_lambda);
  h5::set_attribute(out.id(), "/fig4/H", "information", h.information);
  h5::set_attribute(out.id(), "/fig4/H", "independent_information", h.independent_information);
  h5::set_attribute(out.id(), "/fig4/H", "converged", (long long)h.converged);
  h5::set_attribute(out.id(), "/fig4/H", "group_tolerance", options.group_tolerance);
  // The same low-probability network from the symmetric start, for comparison.
  const EfficientCodingResult h0 = efficient_coding(low, y, options.coding);
  h5::write_doubles(out.id(), "/fig4/H/symmetric_q", h0.solution.q.on_probabilities().data(), {hsize_t(n)});
  h5::set_attribute(out.id(), "/fig4/H", "symmetric_information", h0.information);
  return summary;
}

}  // namespace nirl
