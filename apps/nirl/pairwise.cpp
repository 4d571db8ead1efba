// nirl pairwise fit|infer|predict: the pairwise (Ising) family on a user's raster (docs/model.md 5).
//   fit     RASTER.h5 --out FIT.h5     untied (h, J) by pseudo-likelihood, refined by moment matching
//   infer   FIT.h5 --lambda L --out R.h5 [--assumption all|sparse|pairwise|global]
//           the reward under each assumption, with the most rewarded patterns
//   predict FIT.h5 --reward R.h5 --tying ring|homogeneous|TIES.h5 --out P.h5 [--lambda L]
//           [--remove-beyond d] [--pin i,j --pin-field f]   (pairwise_predict.cpp)
#include <algorithm>
#include <climits>
#include <cstdio>
#include <iostream>
#include <map>
#include <numeric>
#include <set>

#include "commands.hpp"
#include "deferred_text.hpp"
#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/pairwise/moment_matching.hpp"
#include "nirl/pairwise/pseudo_likelihood.hpp"
#include "nirl/io/result_axes.hpp"
#include "nirl/io/results_io.hpp"
#include "nirl/pairwise/reward_assumptions.hpp"
#include "nirl/study/progress.hpp"
#include "pairwise_cli.hpp"
#include "recording_options.hpp"

namespace nirl::cli {
namespace {

std::string pattern(const StateEnsemble& e, Eigen::Index row) {
  Eigen::MatrixXd S;
  e.fill(std::size_t(row), 1, S);
  std::string s;
  for (Eigen::Index i = 0; i < S.cols(); ++i) s += S(0, i) > 0 ? '1' : '0';
  return s;
}

int fit_main(const po::variables_map& vm, const std::string& command, const std::string& config) {
  if (!vm.count("input")) fail("a raster file is required (nirl pairwise fit RASTER.h5 --out FIT.h5)");
  if (!vm.count("out")) fail("--out is required");
  const std::string in_path = get_string(vm, "input"), out_path = get_string(vm, "out");
  check_output_differs(out_path, in_path, "raster");
  PseudoLikelihoodOptions o;
  o.ridge = get_double(vm, "ridge");
  if (!(o.ridge >= 0.0)) fail("--ridge must be >= 0 (got ", o.ridge, ")");
  const std::string refine = get_string(vm, "refine");
  if (refine != "moments" && refine != "none") fail("--refine must be moments or none (got '", refine, "')");
  MomentMatchingOptions mo;
  mo.ridge = o.ridge;
  mo.tolerance = get_double(vm, "match-tolerance");
  if (!(mo.tolerance > 0.0)) fail("--match-tolerance must be > 0 (got ", mo.tolerance, ")");
  mo.chains = int(get_int(vm, "chains", 2, 4096));
  mo.max_iterations = int(get_int(vm, "match-iterations", 0, 100000));
  mo.seed = get_uint(vm, "seed");
  const Recording rec = read_recording(recording_source(vm, in_path, "dataset"));
  const std::size_t T = rec.raster.steps;
  const int n = rec.raster.n;
  const std::vector<std::uint8_t>& raster = rec.raster.spikes;
  const SpinCounts counts = count_states(raster, T, n);
  require_varied_states(counts);
  h5::OutputFile out(out_path);
  Progress progress("pairwise fit");
  const PseudoLikelihoodFit fit = fit_pseudo_likelihood(counts, o, [&](int evaluations, double f, double g) {
    char detail[128];
    std::snprintf(detail, sizeof detail, "evaluation %d, -log PL %.9g per sample, gradient norm %.2e", evaluations, f, g);
    progress.update(-1.0, detail);
  });
  IsingParams params = fit.params;
  MomentMatchingFit matched;
  if (refine == "moments") {
    matched = match_moments(counts, fit.params, mo, [&](int iteration, int samples, const MomentMismatch& m) {
      char detail[160];
      std::snprintf(detail, sizeof detail, "moment matching: iteration %d, %d sweeps per chain, mismatch %.3g SE, E[K] %+.2f SE",
                    iteration, samples, m.rms, m.count_mean);
      progress.update(-1.0, detail);
    });
    params = matched.params;
  }
  progress.update(-1.0, n > kMaxExactIsingNeurons ? "checking the fit (Gibbs chains)" : "checking the fit");
  const FitCheck check = check_fit(counts, params);
  write_provenance(out, config, 0, command);
  const ResultAxes axes(out.id(), "");
  h5::describe_group(out.id(), "/pairwise", "the pairwise (Ising) model fitted to a raster, p(sigma) ~ exp(h.s + s.J.s / 2)");
  h5::write_doubles(out.id(), "/pairwise/h", params.h.data(), {hsize_t(n)},
                    {"1", "field h_i of each neuron (spins s = +-1)", {"neuron"}});
  h5::write_matrix(out.id(), "/pairwise/J", params.J,
                   {"1", "coupling J_ij between neurons i and j (symmetric, zero diagonal)", {"neuron", "neuron"}});
  axes.attach("/pairwise/h", {axes.neuron(n)});
  axes.attach("/pairwise/J", {axes.neuron(n), axes.neuron(n)});
  h5::set_attribute(out.id(), "/pairwise/h", "ridge", o.ridge);
  h5::set_attribute(out.id(), "/pairwise/h", "objective", fit.objective);
  h5::set_attribute(out.id(), "/pairwise/h", "evaluations", (long long)fit.evaluations);
  h5::set_attribute(out.id(), "/pairwise/h", "converged", (long long)fit.converged);
  h5::set_attribute(out.id(), "/pairwise/h", "refine", refine);
  if (refine == "moments") {
    h5::set_attribute(out.id(), "/pairwise/h", "moment_iterations", (long long)matched.iterations);
    h5::set_attribute(out.id(), "/pairwise/h", "moments_matched", (long long)matched.converged);
    h5::set_attribute(out.id(), "/pairwise/h", "moment_mismatch", matched.mismatch.rms);
    h5::set_attribute(out.id(), "/pairwise/h", "count_mean_mismatch", matched.mismatch.count_mean);
    h5::set_attribute(out.id(), "/pairwise/h", "count_square_mismatch", matched.mismatch.count_square);
    h5::set_attribute(out.id(), "/pairwise/h", "moment_exact", (long long)matched.exact);
  }
  h5::set_attribute(out.id(), "/pairwise/h", "samples", (long long)T);
  h5::set_attribute(out.id(), "/pairwise/h", "source", in_path + ":" + rec.dataset);
  h5::set_attribute(out.id(), "/pairwise/h", "format", rec.format);
  const std::vector<std::int64_t> unit_ids(rec.unit_ids.begin(), rec.unit_ids.end());
  h5::write_int64(out.id(), "/pairwise/unit_ids", unit_ids.data(), {hsize_t(unit_ids.size())},
                  {"id", "the recording's unit id of each neuron", {"neuron"}});
  axes.attach("/pairwise/unit_ids", {axes.neuron(n)});
  write_fit_check(out, check, "/pairwise/fit_check");
  out.commit();
  if (rec.clipped > 0) std::printf("%zu counts > 1 set to 1\n", rec.clipped);
  std::printf("n = %d, %zu samples, %lld distinct states; -log pseudo-likelihood %.6f per sample (ridge %g), %d evaluations, gradient norm %.2e, %s\n",
              n, T, (long long)counts.counts.size(), fit.objective, o.ridge, fit.evaluations, fit.gradient_norm, fit.status.c_str());
  if (refine == "moments")
    std::printf("moment matching (%s): %d iterations, mismatch %.3g data SE (RMS), E[K] %+.2f SE, E[K^2] %+.2f SE, %s\n",
                matched.exact ? "exact moments" : "Gibbs chains", matched.iterations, matched.mismatch.rms,
                matched.mismatch.count_mean, matched.mismatch.count_square, matched.status.c_str());
  std::printf("fields h: mean %.3f, range [%.3f, %.3f]; couplings J: mean %.3f, range [%.3f, %.3f]\n", params.h.mean(),
              params.h.minCoeff(), params.h.maxCoeff(), params.J.sum() / (n * (n - 1.0)), params.J.minCoeff(),
              params.J.maxCoeff());
  std::printf("fit check (model vs data, %s): firing probabilities within %.4f; connected correlations slope %.3f, "
              "r2 %.3f; number active: TV %.4f (threshold %.4f), model mass on counts the data lack %.2g: %s\n",
              check.exact ? "exact" : ("Gibbs, " + std::to_string(std::lround(check.model_samples)) + " samples").c_str(),
              check.rate_max_error, check.correlation_slope, check.correlation_r2, check.count_tv, check.tv_threshold,
              check.unsupported_mass, check.passed ? "passed" : "FAILED");
  if (!check.passed) std::fprintf(stderr, "nirl pairwise fit: warning: %s\n", check.problem.c_str());
  else if (refine == "moments" && !matched.converged)
    std::fprintf(stderr, "nirl pairwise fit: warning: moment matching stopped before the moments matched (%s)\n",
                 matched.status.c_str());
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

int infer_main_pairwise(const po::variables_map& vm, const std::string& command, const std::string& config) {
  if (!vm.count("input")) fail("a fit file is required (nirl pairwise infer FIT.h5 --lambda L --out R.h5)");
  if (!vm.count("out")) fail("--out is required");
  if (!vm.count("lambda")) fail("--lambda is required");
  const std::string in_path = get_string(vm, "input"), out_path = get_string(vm, "out");
  check_output_differs(out_path, in_path, "fit");
  const double lambda = get_double(vm, "lambda");
  if (!(lambda > 0.0)) fail("--lambda must be > 0 (got ", lambda, ")");
  const std::string which = get_string(vm, "assumption");
  std::vector<Assumption> assumptions;
  if (which == "all") assumptions.assign(std::begin(kAssumptions), std::end(kAssumptions));
  else assumptions.push_back(parse_assumption(which));
  const long long top = get_int(vm, "top", 0, LLONG_MAX);
  const PairwiseFitFile fit = read_pairwise_fit(in_path, vm["accept-poor-fit"].as<bool>());
  const IsingParams& params = fit.params;
  const int n = params.n();
  ConstraintOptions co;
  co.exact = n <= kMaxExactIsingNeurons;
  co.seed = get_uint(vm, "seed");
  AssumptionOptions io;
  io.mu_relative = get_double(vm, "mu_relative");
  if (!(io.mu_relative > 0.0)) fail("--mu_relative must be > 0");
  const ConstraintSet c = build_constraints(params, lambda, co);
  // Patterns are ranked only where the data could speak: states the fitted model expects at
  // least 10 times in a recording as long as the fitted one (a state it gives less is one
  // the data hardly inform, like an all-on pattern never recorded).
  const long long bins = fit.samples;
  const double floor = std::max(co.threshold, 10.0 / double(bins));
  h5::OutputFile out(out_path);
  DeferredText text;
  write_provenance(out, config, co.seed, command);
  text.add("n = %d, lambda = %g, constraint states: %s (%zu; sparse candidates %zu)\n", n, lambda,
           co.exact ? "all, exact" : "Gibbs samples", c.ensemble.size(), c.sparse.size());
  text.add("most rewarded patterns among those the fitted model expects at least 10 times in the %lld fitted bins "
           "(p >= %.3g):\n",
           bins, floor);
  const Eigen::VectorXd& w = c.ensemble.weights();
  // The states of the constraint set: every spike pattern (the pattern axis) or sampled ones
  // (the rows of /pairwise_inferred/states).
  const ResultAxes axes(out.id(), "");
  const std::string state_dim = co.exact ? "pattern" : "sampled_state";
  const std::string state_axis = co.exact ? axes.pattern(n) : "";
  h5::describe_group(out.id(), "/pairwise_inferred", "rewards inferred from a pairwise fit, one group per assumption");
  for (Assumption a : assumptions) {
    const PairwiseInference r = infer_pairwise_reward(c, a, io);
    const std::string g = std::string("/pairwise_inferred/") + assumption_name(a);
    h5::describe_group(out.id(), g, std::string("the reward under the ") + assumption_name(a) + " assumption");
    h5::write_doubles(out.id(), g + "/reward", r.on_states.data(), {hsize_t(r.on_states.size())},
                      {"reward per step", "inferred reward r(sigma) of each state of the constraint set", {state_dim}});
    axes.attach(g + "/reward", {state_axis});
    h5::set_attribute(out.id(), g + "/reward", "lambda", lambda);
    h5::set_attribute(out.id(), g + "/reward", "constraint_residual", r.constraint_residual);
    h5::set_attribute(out.id(), g + "/reward", "converged", (long long)r.converged);
    if (a == Assumption::pairwise) {
      h5::write_doubles(out.id(), g + "/a", r.pairwise.h.data(), {hsize_t(n)},
                        {"reward per step", "reward field a_i: r(s) = a.s + s.b.s / 2 (spins s = +-1)", {"neuron"}});
      h5::write_matrix(out.id(), g + "/b", r.pairwise.J,
                       {"reward per step", "reward coupling b_ij (symmetric, zero diagonal)", {"neuron", "neuron"}});
      axes.attach(g + "/a", {axes.neuron(n)});
      axes.attach(g + "/b", {axes.neuron(n), axes.neuron(n)});
    }
    if (a == Assumption::global) {
      h5::write_doubles(out.id(), g + "/by_count", r.by_count.data(), {hsize_t(n + 1)},
                        {"reward per step", "reward of a state with k neurons active", {"active"}});
      axes.attach(g + "/by_count", {axes.active(n)});
    }
    if (a == Assumption::sparse) {
      h5::set_attribute(out.id(), g + "/reward", "mu", r.mu);
      h5::set_attribute(out.id(), g + "/reward", "support", (long long)r.support);
    }
    // Most rewarded patterns among the supported states (rank by reward, then probability).
    std::vector<Eigen::Index> order(std::size_t(r.on_states.size()));
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    order.erase(std::remove_if(order.begin(), order.end(), [&](Eigen::Index s) { return !(w[s] >= floor); }),
                order.end());
    std::stable_sort(order.begin(), order.end(),
                     [&](Eigen::Index x, Eigen::Index y) { return r.on_states[x] > r.on_states[y]; });
    text.add("%s: constraint residual %.2e%s", assumption_name(a), r.constraint_residual,
             r.converged ? "" : " (NOT converged)");
    if (a == Assumption::sparse) text.add(", mu %.3g, %d rewarded states", r.mu, r.support);
    text.add("\n");
    for (long long k = 0; k < top && k < (long long)order.size(); ++k)
      text.add("  %s  r = %.4g  p = %.4g\n", pattern(c.ensemble, order[std::size_t(k)]).c_str(),
               r.on_states[order[std::size_t(k)]], w[order[std::size_t(k)]]);
  }
  h5::write_doubles(out.id(), "/pairwise_inferred/p_model", w.data(), {hsize_t(w.size())},
                    {"probability", "the fitted model's probability of each state of the constraint set", {state_dim}});
  axes.attach("/pairwise_inferred/p_model", {state_axis});
  h5::set_attribute(out.id(), "/pairwise_inferred/p_model", "rank_floor", floor);
  if (!co.exact) {
    Eigen::MatrixXd S;
    c.ensemble.fill(0, c.ensemble.size(), S);
    std::vector<std::uint8_t> spikes(std::size_t(S.size()));
    for (Eigen::Index k = 0; k < S.rows(); ++k)
      for (Eigen::Index i = 0; i < S.cols(); ++i) spikes[std::size_t(k * S.cols() + i)] = S(k, i) > 0 ? 1 : 0;
    h5::write_uint8(out.id(), "/pairwise_inferred/states", spikes.data(), {hsize_t(S.rows()), hsize_t(S.cols())},
                    {"spike (0/1)", "the sampled states of the constraint set: column i is 1 when neuron i spikes",
                     {"sampled_state", "neuron"}});
    axes.attach("/pairwise_inferred/states", {"", axes.neuron(n)});
  }
  out.commit();
  text.print(stdout);
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}

}  // namespace

int pairwise_main(int argc, const char* const argv[]) {
  po::options_description cli(
      "nirl pairwise fit RECORDING --out FIT.h5 [--dataset /spikes] [--ridge 1e-3] [--refine moments|none]\n"
      "    [--match-tolerance 0.5] [--match-iterations 400] [--chains 16] [--seed 1] [recording options]\n"
      "nirl pairwise infer FIT.h5 --lambda L --out R.h5 [--assumption all|sparse|pairwise|global] [--top 5]\n"
      "nirl pairwise predict FIT.h5 --reward R.h5 --tying ring|homogeneous|TIES.h5 --out P.h5 [--assumption sparse]\n"
      "    [--lambda L] [--remove-beyond d] [--pin i,j --pin-field f] [--random-starts 6] [--seed 1]");
  cli.add_options()("help,h", "show this help")("mode", po::value<std::string>(), "fit | infer | predict")(
      "input", po::value<std::string>(), "raster (fit) or fit file (infer, predict)")("out", po::value<std::string>(),
                                                                               "result file (HDF5)")(
      "dataset", po::value<std::string>()->default_value("/spikes"),
      "fit: h5: the dataset of spikes (time x neurons, see --orientation); mat: the variable (default: the only one)")(
      "ridge", po::value<std::string>()->default_value("1e-3"),
      "fit: (ridge/2)|theta|^2 added to the mean -log PL; moment matching: (ridge/2)|J|^2")(
      "refine", po::value<std::string>()->default_value("moments"),
      "fit: after pseudo-likelihood, match the data's moments (moments) or stop (none)")(
      "match-tolerance", po::value<std::string>()->default_value("0.5"),
      "fit: RMS moment mismatch to stop at, in the data's standard errors")(
      "match-iterations", po::value<std::string>()->default_value("400"),
      "fit: moment-matching iterations at most (a fit stopped by it is reported as not matched)")(
      "chains", po::value<std::string>()->default_value("16"), "fit: persistent Gibbs chains of moment matching (n > 20)")(
      "lambda", po::value<std::string>(), "infer: coding cost lambda; predict: the new lambda (default: the reward's)")(
      "assumption", po::value<std::string>()->default_value("all"), "infer: all | sparse | pairwise | global; predict: one of them (default sparse)")(
      "mu_relative", po::value<std::string>()->default_value("1e-3"), "infer: sparse mu as a fraction of mu_max")(
      "top", po::value<std::string>()->default_value("5"), "infer: most rewarded patterns to print")(
      "seed", po::value<std::string>()->default_value("1"),
      "fit, infer, predict: Gibbs chains when n > 20; predict: random starts")(
      "reward", po::value<std::string>(), "predict: the reward file of nirl pairwise infer")(
      "tying", po::value<std::string>()->default_value("ring"),
      "predict: ring | homogeneous | a file with /ties (tie map over the n + n(n-1)/2 features, -1 removes one)")(
      "remove-beyond", po::value<std::string>()->default_value("0"), "predict: remove couplings beyond this ring distance (0: none)")(
      "pin", po::value<std::string>(), "predict: neurons given an extra field, e.g. 0,1")(
      "pin-field", po::value<std::string>()->default_value("1.0"), "predict: the extra field of pinned neurons")(
      "random-starts", po::value<std::string>()->default_value("6"), "predict: random starts besides the structured ones")(
      "accept-poor-fit", po::bool_switch(), "infer, predict: use a fit that failed its goodness-of-fit check");
  cli.add(recording_options());
  po::positional_options_description positional;
  positional.add("mode", 1).add("input", 1);
  po::variables_map vm;
  parse_with_config(argc, argv, cli, po::options_description(), &positional, vm);
  if (vm.count("help")) {
    std::cout << cli << "\n";
    return 0;
  }
  if (!vm.count("mode")) fail("a mode is required: fit, infer or predict (see nirl pairwise --help)");
  const std::string mode = get_string(vm, "mode"), command = command_line(argc, argv);
  // The options each mode reads; one given for another mode is refused.
  const std::map<std::string, std::set<std::string>> mode_options = {
      {"fit",
       {"dataset", "ridge", "refine", "match-tolerance", "match-iterations", "chains", "seed", "format", "orientation", "bin-width",
        "t-start", "t-stop", "units"}},
      {"infer", {"lambda", "assumption", "mu_relative", "top", "seed", "accept-poor-fit"}},
      {"predict",
       {"lambda", "assumption", "seed", "reward", "tying", "remove-beyond", "pin", "pin-field", "random-starts",
        "accept-poor-fit"}},
  };
  const auto own = mode_options.find(mode);
  if (own != mode_options.end())
    for (const auto& option : cli.options()) {
      const std::string& key = option->long_name();
      if (key != "help" && key != "mode" && key != "input" && key != "out" && has(vm, key) && !own->second.count(key))
        fail("--", key, " does not apply to nirl pairwise ", mode);
    }
  if (own == mode_options.end()) fail("unknown mode '", mode, "' (expected fit, infer or predict)");
  // The result's config: the mode, its input and the options it reads, given or defaulted.
  std::string config = "mode = " + mode + "\n";
  if (vm.count("input")) config += "input = " + get_string(vm, "input") + "\n";
  for (const std::string& key : own->second)
    if (key == "accept-poor-fit") config += key + " = " + (vm[key].as<bool>() ? "true" : "false") + "\n";
    else if (vm.count(key)) config += key + " = " + get_string(vm, key) + "\n";
  if (mode == "fit") return fit_main(vm, command, config);
  if (mode == "infer") return infer_main_pairwise(vm, command, config);
  return predict_main_pairwise(vm, command, config);
}

}  // namespace nirl::cli
