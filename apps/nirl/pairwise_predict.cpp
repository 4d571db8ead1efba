// nirl pairwise predict: how a network described by the pairwise family adapts to a
// changed context, from the reward inferred by nirl pairwise infer (docs/model.md 5).
//
// With untied parameters the forward problem has no interior optimum (the network
// freezes in its most rewarded state, docs/model.md 5), so a prediction needs a tying of the
// family: ring distance, homogeneous, or a tie map from a file. The family's account of
// the data ("original") is the optimum under the inferred reward at the reward's lambda,
// started from the fitted (h, J) projected onto the family; the prediction re-optimises
// in the changed context (new lambda, couplings beyond a ring distance removed, pinned
// neurons) from the original optimum (the network adapts from where it was), the ring
// starts and random starts, keeping the best F. Exact enumeration for n <= 20; beyond,
// Gibbs chains, for the pairwise assumption (a reward defined on every state).
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "deferred_text.hpp"
#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/study/progress.hpp"
#include "nirl/io/result_axes.hpp"
#include "nirl/io/results_io.hpp"
#include "nirl/pairwise/reward_assumptions.hpp"
#include "nirl/core/state_space.hpp"
#include "pairwise_cli.hpp"

namespace nirl::cli {
namespace {

// KL(fitted model || the family's optimum) above which the family is said not to account
// for the data (the ring optimum from 1e5 samples: 1e-3 nats).
constexpr double kPoorAccount = 0.1;

IsingFamily family_from(const std::string& tying, int n) {
  if (tying == "ring") return IsingFamily::ring_tied(n);
  if (tying == "homogeneous") return IsingFamily::homogeneous(n);
  if (tying == "untied")
    fail("--tying untied has no interior optimum (the network freezes in its most rewarded state, docs/model.md 5): "
         "choose ring, homogeneous or a tie-map file");
  const h5::InputFile f(tying);  // a file with /ties
  if (!h5::exists(f, "/ties")) fail(tying, ": no dataset /ties (the tie map: n + n(n-1)/2 integers)");
  const std::vector<std::int64_t> t = h5::read_integers(f, "/ties", 1);
  return IsingFamily::from_ties(n, std::vector<int>(t.begin(), t.end()));
}

void write_point(const h5::OutputFile& out, const std::string& g, const IsingForwardResult& r, double lambda) {
  const int n = r.params.n();
  const ResultAxes axes(out.id(), "");
  h5::describe_group(out.id(), g, "an optimum of the tied pairwise family under the inferred reward");
  h5::write_doubles(out.id(), g + "/theta", r.theta.data(), {hsize_t(r.theta.size())},
                    {"1", "the family's tied parameters", {"parameter"}});
  h5::write_doubles(out.id(), g + "/h", r.params.h.data(), {hsize_t(n)},
                    {"1", "field h_i of each neuron (spins s = +-1)", {"neuron"}});
  h5::write_matrix(out.id(), g + "/J", r.params.J,
                   {"1", "coupling J_ij between neurons i and j (symmetric, zero diagonal)", {"neuron", "neuron"}});
  axes.attach(g + "/h", {axes.neuron(n)});
  axes.attach(g + "/J", {axes.neuron(n), axes.neuron(n)});
  for (const auto& [name, value] : std::vector<std::pair<const char*, double>>{
           {"lambda", lambda}, {"F", r.F}, {"F_error", r.F_error}, {"mean_reward", r.mean_reward}, {"cost", r.cost}})
    h5::set_attribute(out.id(), g + "/theta", name, value);
  h5::set_attribute(out.id(), g + "/theta", "converged", (long long)r.converged);
  h5::set_attribute(out.id(), g + "/theta", "iterations", (long long)r.iterations);
  if (r.distribution.size() == 0) return;
  const StateSpace space(r.params.n(), 1);
  const Eigen::VectorXd rates = firing_probabilities(space, r.distribution);
  const Eigen::VectorXd counts = count_distribution(space, r.distribution).row(0).transpose();
  h5::write_doubles(out.id(), g + "/distribution", r.distribution.data(), {hsize_t(r.distribution.size())},
                    {"probability", "p(sigma) of each spike pattern", {"pattern"}});
  h5::write_doubles(out.id(), g + "/rates", rates.data(), {hsize_t(rates.size())},
                    {"probability", "P(neuron i active)", {"neuron"}});
  h5::write_doubles(out.id(), g + "/counts", counts.data(), {hsize_t(counts.size())},
                    {"probability", "P(k neurons active)", {"active"}});
  axes.attach(g + "/distribution", {axes.pattern(n)});
  axes.attach(g + "/rates", {axes.neuron(n)});
  axes.attach(g + "/counts", {axes.active(n)});
}

void print_point(DeferredText& text, const char* what, const IsingForwardResult& r, double lambda) {
  text.add("%s (lambda %g): F %.5f (E[r] %.4f, cost %.4f), %d iterations%s; theta", what, lambda, r.F, r.mean_reward,
           r.cost, r.iterations, r.converged ? "" : " (NOT converged)");
  for (Eigen::Index k = 0; k < r.theta.size() && k < 12; ++k) text.add(" %.3f", r.theta[k]);
  text.add(r.theta.size() > 12 ? " ...\n" : "\n");
}

}  // namespace

int predict_main_pairwise(const po::variables_map& vm, const std::string& command, const std::string& config) {
  if (!vm.count("input"))
    fail("a fit file is required (nirl pairwise predict FIT.h5 --reward R.h5 --tying ring --out P.h5)");
  if (!vm.count("reward")) fail("--reward is required (the file written by nirl pairwise infer)");
  if (!vm.count("out")) fail("--out is required");
  const std::string fit_path = get_string(vm, "input"), reward_path = get_string(vm, "reward"),
                    out_path = get_string(vm, "out");
  check_output_differs(out_path, fit_path, "fit");
  check_output_differs(out_path, reward_path, "reward");
  const IsingParams fitted = read_pairwise_fit(fit_path, vm["accept-poor-fit"].as<bool>()).params;
  const int n = fitted.n();

  // The inferred reward.
  // (--assumption defaults to "all" for infer; a prediction uses one reward, sparse unless told.)
  const Assumption assumption =
      vm["assumption"].defaulted() ? Assumption::sparse : parse_assumption(get_string(vm, "assumption"));
  const std::string g = std::string("/pairwise_inferred/") + assumption_name(assumption);
  const h5::InputFile rf(reward_path);
  if (!h5::exists(rf, g + "/reward"))
    fail(reward_path, ": no ", g, "/reward (run nirl pairwise infer with --assumption ", assumption_name(assumption),
         " or all)");
  const double lambda0 = h5::read_attribute_double(rf, g + "/reward", "lambda");
  const bool exact = n <= kMaxExactIsingNeurons;
  IsingReward reward;
  if (exact) {
    const std::vector<double> table = h5::read_doubles(rf, g + "/reward", 1);
    if (table.size() != (std::size_t(1) << n))
      fail(reward_path, ": ", g, "/reward has ", table.size(), " entries, not 2^", n, " (was it inferred from this fit?)");
    reward.table = Eigen::Map<const Eigen::VectorXd>(table.data(), Eigen::Index(table.size()));
  } else {
    if (assumption != Assumption::pairwise)
      fail("for n > ", kMaxExactIsingNeurons, " the ", assumption_name(assumption),
           " reward is known on sampled states only: predict with --assumption pairwise");
    const std::vector<double> a = h5::read_doubles(rf, g + "/a", 1);
    if (a.size() != std::size_t(n)) fail(reward_path, ": ", g, "/a has ", a.size(), " entries, the fit ", n, " neurons");
    reward.pairwise.h = Eigen::Map<const Eigen::VectorXd>(a.data(), n);
    reward.pairwise.J = h5::read_matrix(rf, g + "/b");
    if (reward.pairwise.J.rows() != n || reward.pairwise.J.cols() != n) fail(reward_path, ": ", g, "/b must be ", n, " x ", n);
  }

  // The family, and the changed context.
  const std::string tying = get_string(vm, "tying");
  const IsingFamily family = family_from(tying, n);
  const double lambda1 = vm.count("lambda") ? get_double(vm, "lambda") : lambda0;
  if (!(lambda1 > 0.0)) fail("--lambda must be > 0 (got ", lambda1, ")");
  IsingFamily changed = family;
  const long long beyond = get_int(vm, "remove-beyond", 0, kIntMax);
  if (beyond != 0) {
    if (tying != "ring") fail("--remove-beyond uses ring distance: it needs --tying ring");
    changed = changed.without_couplings_beyond(int(beyond));
  }
  const std::vector<int> pinned = vm.count("pin") ? get_int_list(vm, "pin") : std::vector<int>{};
  if (has(vm, "pin-field") && pinned.empty()) fail("--pin-field was given without --pin (the neurons it drives)");
  if (!pinned.empty()) {
    Eigen::VectorXd field = Eigen::VectorXd::Zero(n);
    const double pin_field = get_double(vm, "pin-field");
    for (int i : pinned) {
      if (i < 0 || i >= n) fail("--pin: neuron ", i, " is outside [0, ", n, ")");
      field[i] = pin_field;
    }
    changed = changed.with_extra_field(field);
  }
  const long long randoms = get_int(vm, "random-starts", 0, kIntMax);
  const std::uint64_t seed = get_uint(vm, "seed");

  IsingForwardOptions f;
  f.exact = exact;
  f.seed = seed;
  auto starts_for = [&](const IsingFamily& fam, const Eigen::VectorXd& first) {
    return context_starts(fam, first, tying == "ring", int(randoms), seed);
  };
  const std::vector<Eigen::VectorXd> first_starts = starts_for(family, family.project(fitted));
  const int total = 2 * int(first_starts.size());
  Progress progress("pairwise predict");
  auto report = [&](int offset) {
    return [&progress, offset, total](int done) {
      progress.update(double(offset + done) / total, std::to_string(offset + done) + "/" + std::to_string(total) + " starts");
    };
  };
  f.lambda = lambda0;
  const IsingForwardResult original = optimise_ising_multistart(family, reward, first_starts, f, report(0));
  f.lambda = lambda1;
  const IsingForwardResult predicted =
      optimise_ising_multistart(changed, reward, starts_for(changed, original.theta), f, report(total / 2));

  h5::OutputFile out(out_path);
  DeferredText text, warning;
  write_provenance(out, config, seed, command);
  h5::describe_group(out.id(), "/pairwise_predicted",
                     "the family's account of the data (original) and its adaptation to the changed context (predicted)");
  write_point(out, "/pairwise_predicted/original", original, lambda0);
  write_point(out, "/pairwise_predicted/predicted", predicted, lambda1);
  h5::set_attribute(out.id(), "/pairwise_predicted/predicted/theta", "assumption", std::string(assumption_name(assumption)));
  h5::set_attribute(out.id(), "/pairwise_predicted/predicted/theta", "tying", tying);
  h5::set_attribute(out.id(), "/pairwise_predicted/predicted/theta", "remove_beyond", beyond);
  text.add("n = %d, %s reward (inferred at lambda %g), %s tying (%d parameters), %s\n", n, assumption_name(assumption),
           lambda0, tying.c_str(), family.parameters(), exact ? "exact enumeration" : "Gibbs chains");
  print_point(text, "original ", original, lambda0);
  print_point(text, "predicted", predicted, lambda1);
  if (exact) {
    // How far the tied family's account of the data is from the fitted model, and how
    // far the prediction moves from it (the no-adaptation baseline of a comparison).
    StateEnsemble e = StateEnsemble::enumeration(n);
    e.set_gibbs_weights(fitted);
    const double kl_fit = kl_divergence(e.weights(), original.distribution);
    const double kl_change = kl_divergence(predicted.distribution, original.distribution);
    h5::set_attribute(out.id(), "/pairwise_predicted/original/theta", "kl_fit_to_original", kl_fit);
    h5::set_attribute(out.id(), "/pairwise_predicted/predicted/theta", "kl_predicted_to_original", kl_change);
    text.add("KL(fitted model || original) %.4g nats; KL(predicted || original) %.4g nats\n", kl_fit, kl_change);
    if (kl_fit > kPoorAccount)
      warning.add(
          "nirl pairwise: warning: the %s family's optimum under this reward is %.3g nats from the fitted model; its "
          "predictions do not describe these data (try another tying or assumption)\n",
          tying.c_str(), kl_fit);
  }
  out.commit();
  text.print(stdout);
  warning.print(stderr);
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

}  // namespace nirl::cli
