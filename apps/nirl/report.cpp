// nirl report: a recording without input -> its inferred reward (MODEL.md 3a) with
// moving-block bootstrap intervals (reward_bootstrap.hpp; each resample an MPI task) and
// the held-out choice between the tabular, pairwise and global reward descriptions
// (model_choice.hpp), in one HDF5 file; tools/plot_report.py draws the summary.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "deferred_text.hpp"
#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/pairwise/model_choice.hpp"
#include "nirl/study/mpi_tasks.hpp"
#include "nirl/io/output_files.hpp"
#include "nirl/io/results_io.hpp"
#include "nirl/inverse/reward_bootstrap.hpp"
#include "nirl/study/task_journal.hpp"
#include "nirl/study/task_runner.hpp"
#include "recording_options.hpp"

namespace nirl::cli {
namespace {

constexpr int kMaxReportNeurons = 24;

void write_vector(const h5::OutputFile& out, const std::string& name, const std::vector<double>& v) {
  h5::write_doubles(out.id(), name, v.data(), {hsize_t(v.size())});
}

std::vector<double> slice(const std::vector<double>& v, std::size_t begin, std::size_t end) {
  return std::vector<double>(v.begin() + long(begin), v.begin() + long(end));
}

std::string active_list(std::uint64_t sigma, int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    if ((sigma >> i) & 1) s += (s.empty() ? "" : ",") + std::to_string(i);
  return "{" + s + "}";
}

}  // namespace

int report_main(int argc, const char* const argv[]) {
  po::options_description cli("nirl report --raster RECORDING --out REPORT.h5 [options]   (mpirun -np K for the bootstrap)");
  cli.add_options()("help,h", "show this help")("checkpoint", po::value<std::string>(),
                                                  "bootstrap checkpoint folder (default REPORT.h5.checkpoint)");
  po::options_description keys("Report");
  keys.add_options()
      ("raster", po::value<std::string>(), "recording: HDF5 raster, MATLAB v7.3 .mat or NWB file")
      ("dataset", po::value<std::string>()->default_value("/raster/spikes"),
       "h5: dataset of spikes; mat: variable (default: the only one)")
      ("lambda", po::value<std::string>()->default_value("1"), "coding cost lambda > 0 (scales the reward)")
      ("pseudocount", po::value<std::string>()->default_value("0.5"), "Dirichlet pseudocount per state")
      ("bootstraps", po::value<std::string>()->default_value("200"), "moving-block bootstrap resamples")
      ("block-length", po::value<std::string>()->default_value("0"),
       "bootstrap block in time bins; 0 = max(T^(1/3), 10 x autocorrelation time), at most T/20")
      ("min-visits", po::value<std::string>()->default_value("10"),
       "states observed at least this often get intervals and fix the gauge")
      ("level", po::value<std::string>()->default_value("0.95"), "confidence level of the intervals")
      ("folds", po::value<std::string>()->default_value("5"), "model choice: contiguous time blocks (0 = skip)")
      ("seed", po::value<std::string>()->default_value("0"), "bootstrap streams are keyed by (seed, resample)")
      ("top", po::value<std::string>()->default_value("10"), "print the K most rewarded reference states")
      ("out", po::value<std::string>(), "result file (HDF5)");
  po::options_description config_keys;
  config_keys.add(keys).add(recording_options());
  po::variables_map vm;
  parse_with_config(argc, argv, cli, config_keys, nullptr, vm);
  if (vm.count("help")) {
    std::cout << cli << "\n" << config_keys << "\n";
    return 0;
  }
  for (const char* key : {"raster", "out"})
    if (!vm.count(key)) fail("--", key, " is required");
  const std::string raster_path = get_string(vm, "raster"), out_path = get_string(vm, "out");
  check_output_differs(out_path, raster_path, "--raster");
  { const h5::OutputFile probe(out_path); }  // an unwritable --out fails now, not after the bootstrap
  if (vm.count("checkpoint")) check_output_folder(get_string(vm, "checkpoint"));
  RewardBootstrapOptions boot;
  boot.lambda = get_double(vm, "lambda");
  if (!(boot.lambda > 0.0) || !std::isfinite(boot.lambda)) fail("--lambda must be > 0 (got ", boot.lambda, ")");
  boot.pseudocount = get_double(vm, "pseudocount");
  if (!(boot.pseudocount > 0.0)) fail("--pseudocount must be > 0 (got ", boot.pseudocount, ")");
  const long long resamples = get_int(vm, "bootstraps", 2, kIntMax), block = get_int(vm, "block-length", 0, LLONG_MAX),
                  folds = get_int(vm, "folds", 0, kIntMax);
  if (folds != 0 && folds < 2) fail("--folds must be 0 or >= 2 (got ", folds, ")");
  boot.resamples = int(resamples);
  boot.block_length = std::size_t(block);
  boot.min_visits = get_double(vm, "min-visits");
  if (!(boot.min_visits >= 1.0)) fail("--min-visits must be >= 1");
  boot.level = get_double(vm, "level");
  if (!(boot.level > 0.0 && boot.level < 1.0)) fail("--level must be in (0, 1)");
  boot.seed = get_uint(vm, "seed");
  const std::size_t top_count = std::size_t(get_int(vm, "top", 0, LLONG_MAX));

  const Recording rec = read_recording(recording_source(vm, raster_path, "dataset"));
  const Raster& raster = rec.raster;
  if (raster.n > kMaxReportNeurons)
    fail("the report tabulates all 2^n patterns: n = ", raster.n, " exceeds ", kMaxReportNeurons);
  if (folds > 0 && raster.steps < std::size_t(2 * folds))
    fail(raster.steps, " time bins are too few for ", folds, " folds");
  const BootstrapPlan plan = plan_reward_bootstrap(raster, boot);
  const std::string config_text = render_ini(vm, config_keys), command = command_line(argc, argv);
  const std::string checkpoint = vm.count("checkpoint") ? get_string(vm, "checkpoint") : out_path + ".checkpoint";

  ModelChoiceOptions mc;
  mc.folds = int(std::max(folds, 2LL));
  mc.pseudocount = boot.pseudocount;
  const std::vector<RewardFamily>& families = all_reward_families();

  // Tasks: resamples 0 .. B-1, then (family f, fold k) as B + f K + k when folds > 0. The
  // forward solves of the model choice are the long tasks: they are handed out first.
  const MpiSession mpi;
  const std::uint64_t B = std::uint64_t(boot.resamples), K = std::uint64_t(folds);
  std::vector<std::uint64_t> order;
  for (std::uint64_t id = B; id < B + families.size() * K; ++id) order.push_back(id);
  for (std::uint64_t b = 0; b < B; ++b) order.push_back(b);
  const auto records = run_tasks(
      mpi, order,
      [&](std::uint64_t id) -> std::vector<double> {
        if (id < B) return bootstrap_replicate(raster, plan, boot, id);
        const FoldScore s = score_fold(raster, mc, int((id - B) % K), families[(id - B) / K]);
        return {s.log_likelihood, s.converged ? 1.0 : 0.0};
      },
      TaskRun{checkpoint, config_text, "report"});

  on_rank_zero(mpi, [&] {
    const int n = raster.n;
    const std::size_t m = plan.states.size(), S = std::size_t(1) << n;
    const RewardEstimate est = estimate_reward(raster, plan, boot);
    const std::vector<double> estimate = bootstrap_record(est, plan);
    std::vector<std::vector<double>> replicates;
    for (const auto& [id, record] : records)
      if (id < B) replicates.push_back(record);
    const BootstrapIntervals ci = bootstrap_intervals(estimate, replicates, boot.level);

    h5::OutputFile out(out_path);
    write_provenance(out, config_text, boot.seed, command);
    h5::ensure_group(out.id(), "/recording");
    h5::set_attribute(out.id(), "/recording", "path", raster_path);
    h5::set_attribute(out.id(), "/recording", "format", rec.format);
    h5::set_attribute(out.id(), "/recording", "dataset", rec.dataset);
    h5::set_attribute(out.id(), "/recording", "n", (long long)n);
    h5::set_attribute(out.id(), "/recording", "bins", (long long)raster.steps);
    h5::set_attribute(out.id(), "/recording", "clipped", (long long)rec.clipped);
    h5::set_attribute(out.id(), "/recording", "bin_width", rec.bin_width);
    h5::set_attribute(out.id(), "/recording", "t_start", rec.t_start);
    std::vector<double> ids(rec.unit_ids.begin(), rec.unit_ids.end());
    write_vector(out, "/recording/unit_ids", ids);

    std::vector<double> visits(S, 0.0), states(plan.states.begin(), plan.states.end());
    for (std::size_t t = 0; t < raster.steps; ++t) visits[raster.sigma(t)] += 1.0;
    const std::string g = "/reward";
    h5::write_doubles(out.id(), g + "/estimate", est.reward.data(), {hsize_t(S)});
    write_vector(out, g + "/visits", visits);
    write_vector(out, g + "/states", states);
    write_vector(out, g + "/state_visits", plan.visits);
    const std::vector<std::pair<const char*, const std::vector<double>*>> parts = {
        {"estimate", &estimate},           {"lower", &ci.percentile_lower},
        {"upper", &ci.percentile_upper},   {"basic_lower", &ci.basic_lower},
        {"basic_upper", &ci.basic_upper},  {"standard_error", &ci.standard_error}};
    for (const auto& [name, v] : parts) {
      write_vector(out, g + "/state_" + name, slice(*v, 0, m));
      write_vector(out, g + "/count_" + name, slice(*v, m, m + std::size_t(n) + 1));
    }
    std::vector<double> count_bins(std::size_t(n) + 1, 0.0), count_states(std::size_t(n) + 1, 0.0);
    for (std::size_t t = 0; t < raster.steps; ++t) count_bins[std::size_t(__builtin_popcountll(raster.sigma(t)))] += 1.0;
    for (std::uint64_t s : plan.states) count_states[std::size_t(__builtin_popcountll(s))] += 1.0;
    write_vector(out, g + "/count_bins", count_bins);
    write_vector(out, g + "/count_states", count_states);
    std::vector<double> flat;
    for (const auto& r : replicates) flat.insert(flat.end(), r.begin(), r.end());
    h5::write_doubles(out.id(), g + "/replicates", flat.data(), {hsize_t(replicates.size()), hsize_t(m + n + 1)});
    h5::set_attribute(out.id(), g, "lambda", boot.lambda);
    h5::set_attribute(out.id(), g, "pseudocount", boot.pseudocount);
    h5::set_attribute(out.id(), g, "resamples", (long long)boot.resamples);
    h5::set_attribute(out.id(), g, "block_length", (long long)plan.block_length);
    h5::set_attribute(out.id(), g, "autocorrelation_time", plan.autocorrelation_time);
    h5::set_attribute(out.id(), g, "level", boot.level);
    h5::set_attribute(out.id(), g, "min_visits", boot.min_visits);
    h5::set_attribute(out.id(), g, "interval", std::string("percentile bootstrap (basic also stored)"));
    h5::set_attribute(out.id(), g, "gauge", std::string("mean over the reference states (state_visits >= min_visits) = 0"));

    DeferredText text;
    text.add("%s recording %s: %zu bins of %d neurons (%zu counts > 1 set to 1)\n", rec.format.c_str(),
             raster_path.c_str(), raster.steps, n, rec.clipped);
    text.add("bootstrap: %d resamples (and %llu model-choice fits) on %d rank(s), blocks of %zu bins (autocorrelation time %.2f bins), "
             "%zu reference states (>= %g visits)\n",
             boot.resamples, (unsigned long long)(families.size() * K), mpi.size(), plan.block_length, plan.autocorrelation_time, m, boot.min_visits);
    std::vector<std::size_t> top(m);
    for (std::size_t j = 0; j < m; ++j) top[j] = j;
    std::sort(top.begin(), top.end(), [&](std::size_t a, std::size_t b) { return estimate[a] > estimate[b]; });
    top.resize(std::min<std::size_t>(m, top_count));
    text.add("most rewarded states (reward - mean over reference states, lambda = %g, %g%% percentile bootstrap):\n",
             boot.lambda, 100 * boot.level);
    for (std::size_t j : top)
      text.add("  state %-6llu active %-22s visits %-6.0f reward %7.3f  [%7.3f, %7.3f]\n",
               (unsigned long long)plan.states[j], active_list(plan.states[j], n).c_str(), plan.visits[j],
               estimate[j], ci.percentile_lower[j], ci.percentile_upper[j]);
    text.add("reward vs spike count (mean over the reference states with k active):\n");
    for (int k = 0; k <= n; ++k)
      if (count_states[std::size_t(k)] > 0)
        text.add("  %2d active  states %-4.0f bins %-6.0f reward %7.3f  [%7.3f, %7.3f]\n", k,
                 count_states[std::size_t(k)], count_bins[std::size_t(k)], estimate[m + std::size_t(k)],
                 ci.percentile_lower[m + std::size_t(k)], ci.percentile_upper[m + std::size_t(k)]);

    if (folds > 0) {
      std::vector<std::vector<FoldScore>> scores(families.size());
      for (std::uint64_t f = 0; f < families.size(); ++f)
        for (std::uint64_t k = 0; k < K; ++k) {
          const std::vector<double>& r = records.at(B + f * K + k);
          scores[f].push_back({r.at(0), r.at(1) != 0.0});
        }
      const ModelChoice choice = assemble_model_choice(raster, mc, scores);
      const std::size_t F = choice.scores.size();
      std::vector<double> ll, fold_ll, params, converged, bounds(choice.fold_begin.begin(), choice.fold_begin.end());
      std::string names;
      for (const FamilyScore& s : choice.scores) {
        ll.push_back(s.log_likelihood);
        fold_ll.insert(fold_ll.end(), s.fold_log_likelihood.begin(), s.fold_log_likelihood.end());
        params.push_back(family_parameters(s.family, n));
        converged.push_back(s.converged ? 1.0 : 0.0);
        names += (names.empty() ? "" : ",") + family_name(s.family);
      }
      const std::string mg = "/model_choice";
      write_vector(out, mg + "/log_likelihood", ll);
      h5::write_doubles(out.id(), mg + "/fold_log_likelihood", fold_ll.data(), {hsize_t(F), hsize_t(folds)});
      write_vector(out, mg + "/fold_begin", bounds);
      write_vector(out, mg + "/parameters", params);
      write_vector(out, mg + "/converged", converged);
      h5::set_attribute(out.id(), mg, "families", names);
      h5::set_attribute(out.id(), mg, "best", family_name(choice.scores[choice.best].family));
      h5::set_attribute(out.id(), mg, "margin", choice.margin);
      h5::set_attribute(out.id(), mg, "margin_se", choice.margin_se);
      h5::set_attribute(out.id(), mg, "folds", (long long)folds);
      h5::set_attribute(out.id(), mg, "score", std::string("mean held-out log p(sigma_t) per time bin, nats"));
      text.add("model choice (%lld contiguous folds, held-out log-likelihood per bin, nats):\n", folds);
      for (const FamilyScore& s : choice.scores)
        text.add("  %-9s %9.4f%s\n", family_name(s.family).c_str(), s.log_likelihood,
                 s.converged ? "" : "  (a forward solve did not converge)");
      text.add("  best: %s by %.4f +- %.4f nats per bin over the runner-up\n",
               family_name(choice.scores[choice.best].family).c_str(), choice.margin, choice.margin_se);
    }
    out.commit();
    remove_checkpoint(checkpoint);
    text.print(stdout);
    std::printf("wrote %s\n", out_path.c_str());
  });
  return 0;
}

}  // namespace nirl::cli
