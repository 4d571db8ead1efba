// The report of a recording as a study (study.pipeline = recording, jobs/report.ini) end to
// end on a small recording: its arrays against the library's own all-in-one computations
// (bootstrap replicates and intervals, the model choice of choose_reward_model, which does not
// split the folds into piece tasks), its errors, and the recording formats through nirl infer
// and nirl pairwise fit: example15.mat infers the same reward and fits the same couplings as
// spikes15.h5, and an NWB units table is binned.
#include <algorithm>
#include <cmath>

#include "cli_harness.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/inverse/reward_bootstrap.hpp"
#include "nirl/io/recording_io.hpp"
#include "nirl/pairwise/model_choice.hpp"
#include "test_data.hpp"

namespace {

class CliReport : public Cli {
 protected:
  // n = 5 neurons, T bins stored neurons x time at /data/spk: each bin copies the previous
  // one with probability 0.6, else each neuron fires with probability 0.25.
  fs::path recording(std::size_t T = 3000) const {
    const int n = 5;
    std::vector<std::uint8_t> spk(std::size_t(n) * T);
    const nirl::RandomStream rng(8, 0);
    for (std::size_t t = 0; t < T; ++t) {
      const auto w = rng.words(t);
      const bool copy = t > 0 && nirl::RandomStream::uniform(w[0]) < 0.6;
      for (int i = 0; i < n; ++i) {
        const bool on = copy ? spk[std::size_t(i) * T + t - 1] : ((w[1] >> (8 * i)) & 0xff) < 64;
        spk[std::size_t(i) * T + t] = on;
      }
    }
    const fs::path p = path("rec.h5");
    nirl::h5::OutputFile f(p.string());
    nirl::h5::write_uint8(f.id(), "/data/spk", spk.data(), {hsize_t(n), hsize_t(T)}, test_data(2));
    f.commit();
    return p;
  }
  // The report study of `rec`.
  fs::path report_config(const fs::path& rec) const {
    return config("seed = 4\n\n[experiment]\nkind = study\n\n[study]\npipeline = recording\nbootstraps = 30\n\n"
                  "[recording]\npath = " + rec.string() +
                      "\ndataset = /data/spk\norientation = neurons_x_time\nfolds = 3\nmin_visits = 20\n",
                  "report.ini");
  }
  // /study/NAME of a result file, flattened row-major.
  static std::vector<double> study_values(const nirl::h5::InputFile& f, const std::string& name) {
    return nirl::h5::read_doubles(f, "/study/" + name, int(nirl::h5::shape(f, "/study/" + name).size()));
  }
  // The same for a whole-number measure, which must be stored as integers.
  static std::vector<double> study_counts(const nirl::h5::InputFile& f, const std::string& name) {
    const std::vector<std::int64_t> v =
        nirl::h5::read_integers(f, "/study/" + name, int(nirl::h5::shape(f, "/study/" + name).size()));
    return std::vector<double>(v.begin(), v.end());
  }
  std::vector<std::string> report_args(const fs::path& rec) const {
    return {"run", report_config(rec).string(), "--out", out().string()};
  }
};

TEST_F(CliReport, EndToEndMatchesTheLibrary) {
  const RunResult r = run(report_args(recording()));
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("x 31 + 9 pieces)"), std::string::npos) << r.out;  // 3 families x 3 folds
  EXPECT_FALSE(fs::exists(path("out.h5.checkpoint")));
  const nirl::h5::InputFile f(out().string());
  const auto read = [&](const std::string& name) { return study_values(f, name); };
  const auto read_counts = [&](const std::string& name) { return study_counts(f, name); };

  // The same analysis in this process.
  nirl::RecordingSource src;
  src.path = path("rec.h5").string();
  src.dataset = "/data/spk";
  src.orientation = "neurons_x_time";
  const nirl::Raster raster = nirl::read_recording(src).raster;
  nirl::RewardBootstrapOptions boot;
  boot.min_visits = 20;
  boot.seed = 4;
  const nirl::BootstrapPlan plan = nirl::plan_reward_bootstrap(raster, boot);
  const std::size_t m = plan.states.size(), B = 30;
  ASSERT_GT(m, 1u);
  const std::vector<double> estimate = nirl::bootstrap_record(nirl::estimate_reward(raster, plan, boot), plan);
  std::vector<std::vector<double>> replicates;
  for (std::uint64_t b = 0; b < B; ++b) replicates.push_back(nirl::bootstrap_replicate(raster, plan, boot, b));
  const nirl::BootstrapIntervals ci = nirl::bootstrap_intervals(estimate, replicates, 0.95);

  EXPECT_EQ(nirl::h5::shape(f, "/study/reward"), (std::vector<hsize_t>{1, B + 1, m}));
  EXPECT_EQ(nirl::h5::shape(f, "/study/reward_by_count"), (std::vector<hsize_t>{1, B + 1, 6}));
  EXPECT_EQ(nirl::h5::shape(f, "/study/reward_interval"), (std::vector<hsize_t>{m, 5}));
  EXPECT_EQ(nirl::h5::shape(f, "/study/pattern_reward"), (std::vector<hsize_t>{32}));
  const std::vector<double> reward = read("reward"), by_count = read("reward_by_count");
  const std::vector<double> interval = read("reward_interval"), count_interval = read("reward_by_count_interval");
  const std::vector<double> states = read_counts("reference_state"), visits = read_counts("state_visits");
  for (std::size_t j = 0; j < m; ++j) {
    EXPECT_EQ(states[j], double(plan.states[j]));
    EXPECT_EQ(visits[j], plan.visits[j]);
    EXPECT_GE(visits[j], 20.0);
    EXPECT_EQ(reward[j], estimate[j]);
    for (std::size_t b = 0; b < B; ++b) EXPECT_EQ(reward[(b + 1) * m + j], replicates[b][j]);
    EXPECT_EQ(interval[j * 5 + 0], ci.percentile_lower[j]);
    EXPECT_EQ(interval[j * 5 + 1], ci.percentile_upper[j]);
    EXPECT_EQ(interval[j * 5 + 2], ci.basic_lower[j]);
    EXPECT_EQ(interval[j * 5 + 3], ci.basic_upper[j]);
    EXPECT_EQ(interval[j * 5 + 4], ci.standard_error[j]);
    EXPECT_LE(interval[j * 5 + 0], interval[j * 5 + 1]);
  }
  double mean = 0.0;
  for (std::size_t j = 0; j < m; ++j) mean += reward[j] / double(m);
  EXPECT_NEAR(mean, 0.0, 1e-12);  // the gauge
  for (std::size_t k = 0; k <= 5; ++k) {
    if (std::isnan(estimate[m + k])) continue;
    EXPECT_EQ(by_count[k], estimate[m + k]);
    EXPECT_EQ(count_interval[k * 5 + 0], ci.percentile_lower[m + k]);
    EXPECT_EQ(count_interval[k * 5 + 1], ci.percentile_upper[m + k]);
  }

  nirl::ModelChoiceOptions mc;
  mc.folds = 3;
  const nirl::ModelChoice choice = nirl::choose_reward_model(raster, mc);
  const std::vector<double> held_out = read("held_out_log_likelihood"), folds = read("fold_log_likelihood");
  ASSERT_EQ(held_out.size(), choice.scores.size());
  for (std::size_t fam = 0; fam < choice.scores.size(); ++fam) {
    EXPECT_EQ(held_out[fam], choice.scores[fam].log_likelihood);
    for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(folds[fam * 3 + k], choice.scores[fam].fold_log_likelihood[k]);
  }
  EXPECT_EQ(read_counts("best_family").at(0), double(choice.best));
  EXPECT_EQ(read("margin").at(0), choice.margin);
  EXPECT_EQ(read("margin_se").at(0), choice.margin_se);
  EXPECT_EQ(nirl::h5::shape(f, "/study/axes/family"), (std::vector<hsize_t>{3}));
  EXPECT_EQ(nirl::h5::shape(f, "/study/fold_score"), (std::vector<hsize_t>{3, 3}));

  // Each bin copies the previous one with probability 0.6: tau = 1/2 + 0.6 / 0.4 = 2, and the
  // default block is max(ceil(3000^(1/3)) = 15, ceil(10 tau)).
  const double tau = read("autocorrelation_time").at(0);
  EXPECT_NEAR(tau, 2.0, 0.3);
  EXPECT_EQ(read_counts("block_length").at(0), std::max(15.0, std::ceil(10 * tau)));
  EXPECT_EQ(read_counts("bins").at(0), 3000.0);
  // The same seed gives the same intervals.
  fs::rename(out(), path("first.h5"));
  ASSERT_EQ(run(report_args(path("rec.h5"))).status, 0);
  EXPECT_EQ(nirl::h5::read_doubles(nirl::h5::InputFile(out().string()), "/study/reward_interval", 2), interval);
}

// A grid over lambda: the reward scales with lambda (by 0.5, exactly in binary), the model
// choice does not depend on it; the same study as a job array of two parts, then assembled,
// gives the same numbers as one run.
TEST_F(CliReport, GridOverLambdaAndJobArrayParts) {
  const std::vector<std::string> base = {"run", report_config(recording(1500)).string(), "--study.bootstraps", "8",
                                         "--recording.folds", "2", "--study.vary", "recording.lambda: 0.5, 1"};
  std::vector<std::string> whole = base;
  whole.insert(whole.end(), {"--out", path("grid.h5").string()});
  const RunResult r = run(whole);
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("30 tasks (2 grid point(s) x (1 trial(s) x 9 + 6 pieces))"), std::string::npos) << r.out;
  for (int part = 0; part < 2; ++part) {
    std::vector<std::string> args = base;
    args.insert(args.end(), {"--out", path("parts.h5").string(), "--part", std::to_string(part) + "/2"});
    ASSERT_EQ(run(args).status, 0);
  }
  std::vector<std::string> assemble = base;
  assemble.insert(assemble.end(), {"--out", path("parts.h5").string()});
  ASSERT_EQ(run(assemble).status, 0);
  const nirl::h5::InputFile grid(path("grid.h5").string()), parts(path("parts.h5").string());
  const auto read = study_values;
  for (const std::string name : {"reward", "reward_interval", "reward_by_count_interval", "fold_score",
                                 "held_out_log_likelihood", "margin", "margin_se", "best_family"}) {
    const auto read_either = name == "best_family" ? study_counts : study_values;
    const std::vector<double> a = read_either(grid, name), b = read_either(parts, name);
    ASSERT_EQ(a.size(), b.size()) << name;
    for (std::size_t k = 0; k < a.size(); ++k)  // NaN where R(k) has no reference state
      EXPECT_TRUE(a[k] == b[k] || (std::isnan(a[k]) && std::isnan(b[k]))) << name << " " << k;
  }
  const std::vector<double> interval = read(grid, "reward_interval"), held_out = read(grid, "held_out_log_likelihood");
  const std::size_t half = interval.size() / 2;
  for (std::size_t k = 0; k < half; ++k) {
    if (!std::isnan(interval[k])) {
      EXPECT_EQ(interval[k], 0.5 * interval[half + k]) << k;
    }
  }
  ASSERT_EQ(held_out.size(), 6u);
  for (std::size_t f = 0; f < 3; ++f) EXPECT_EQ(held_out[f], held_out[3 + f]);
}

TEST_F(CliReport, Errors) {
  static_cast<void>(&small_config);  // the harness's model config is not needed here
  const fs::path rec = recording(200);
  const auto fails = [&](const std::vector<std::string>& extra, const std::string& needle) {
    std::vector<std::string> args = {"run", report_config(rec).string(), "--out", out().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return FailsCleanly(run(args), "run", needle, out(), dir_);
  };
  EXPECT_TRUE(fails({"--study.bootstraps", "1"}, "reward_interval needs study.bootstraps >= 2 (got 1)"));
  EXPECT_TRUE(fails({"--study.trials", "2"}, "analyses one recording per grid point (study.trials must be 1)"));
  EXPECT_TRUE(fails({"--recording.folds", "1"}, "recording.folds must be 0 or >= 2 (got 1)"));
  EXPECT_TRUE(fails({"--recording.folds", "0"}, "needs recording.folds >= 2"));
  EXPECT_TRUE(fails({"--recording.level", "1"}, "recording.level must be in (0, 1)"));
  EXPECT_TRUE(fails({"--recording.format", "csv"}, "unknown recording format"));
  EXPECT_TRUE(fails({"--recording.dataset", "/nope"}, "dataset /nope is missing"));
  EXPECT_TRUE(fails({"--recording.min_visits", "100000"}, "no state is observed at least"));
  EXPECT_TRUE(fails({"--recording.bin_width", "0.1"}, "apply to NWB spike times only"));
  EXPECT_TRUE(fails({"--study.vary", "recording.lambda: 1, -1"}, "recording.lambda must be > 0"));
  const auto size = fs::file_size(rec);
  const RunResult over = run({"run", report_config(rec).string(), "--out", rec.string()});
  EXPECT_EQ(over.status, 1);
  EXPECT_NE(over.err.find("would overwrite the recording.path file"), std::string::npos) << describe(over);
  EXPECT_EQ(fs::file_size(rec), size);
}

TEST_F(CliReport, InferReadsMatlabLikeH5) {
  const std::string data = std::string(NIRL_SOURCE_DIR) + "/examples/data/";
  if (!fs::exists(data + "example15.mat")) GTEST_SKIP() << "examples/data not present";
  ASSERT_EQ(run({"infer", "--raster", data + "example15.mat", "--lambda", "1", "--out", path("mat.h5").string()}).status, 0);
  ASSERT_EQ(run({"infer", "--raster", data + "spikes15.h5", "--spikes-dataset", "/spikes", "--lambda", "1", "--out",
                 path("h5.h5").string()})
                .status,
            0);
  const auto reward = [&](const char* name) {
    return nirl::h5::read_doubles(nirl::h5::InputFile(path(name).string()), "/inferred/reward", 1);
  };
  EXPECT_EQ(reward("mat.h5"), reward("h5.h5"));
  // pairwise fit reads the same recordings: the same fit from either file.
  ASSERT_EQ(run({"pairwise", "fit", data + "example15.mat", "--out", path("fit_mat.h5").string()}).status, 0);
  ASSERT_EQ(run({"pairwise", "fit", data + "spikes15.h5", "--out", path("fit_h5.h5").string()}).status, 0);
  const auto couplings = [&](const char* name) {
    return nirl::h5::read_doubles(nirl::h5::InputFile(path(name).string()), "/pairwise/J", 2);
  };
  EXPECT_EQ(couplings("fit_mat.h5"), couplings("fit_h5.h5"));
}

TEST_F(CliReport, InferBinsNwbUnits) {
  const fs::path nwb = path("units.nwb");
  {
    nirl::h5::OutputFile f(nwb.string());
    std::vector<double> times;
    std::vector<std::int32_t> index;
    for (int u = 0; u < 3; ++u) {  // unit u fires at 0.01 + k * 0.1 * (u + 1) s, k < 100 / (u + 1)
      for (int k = 0; k < 100 / (u + 1); ++k) times.push_back(0.01 + k * 0.1 * (u + 1));
      index.push_back(std::int32_t(times.size()));
    }
    nirl::h5::write_doubles(f.id(), "/units/spike_times", times.data(), {times.size()}, test_data(1));
    nirl::h5::write_int32(f.id(), "/units/spike_times_index", index.data(), {index.size()}, test_data(1));
    f.commit();
  }
  const RunResult r = run({"infer", "--raster", nwb.string(), "--bin-width", "0.05", "--units", "0,2", "--lambda", "1",
                           "--out", out().string()});
  ASSERT_EQ(r.status, 0) << describe(r);
  const nirl::h5::InputFile f(out().string());
  EXPECT_EQ(nirl::h5::read_attribute_int(f, "/inferred", "n"), 2);
  EXPECT_EQ(nirl::h5::read_attribute_int(f, "/inferred", "samples"), 199);  // [0.01, 9.91 + 0.05) in 0.05 s bins
  fs::remove(out());
  EXPECT_TRUE(FailsCleanly(run({"infer", "--raster", nwb.string(), "--lambda", "1", "--out", out().string()}), "infer",
                           "bin width > 0", out(), dir_));
}

}  // namespace
