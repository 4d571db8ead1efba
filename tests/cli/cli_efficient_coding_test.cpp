// nirl optimise with reward.type = feature (docs/model.md section 6): the threshold and the
// table form of the feature give the same network, and user errors end as one line.
#include <cmath>
#include <set>

#include "cli_harness.hpp"

#include "nirl/coding/efficient_coding.hpp"
#include "test_data.hpp"

namespace {

std::string feature_config(const std::string& input, const std::string& reward) {
  return "[network]\nn = 3\nlambda = 0.1\n\n[input]\n" + input + "\n\n[reward]\ntype = feature\n" + reward + "\n";
}

const std::string kPixels = "type = pixels\npixels = 3\npixel_on = 0.5\npixel_redraw = 0.2";

class CliFeature : public Cli {};

}  // namespace

TEST_F(CliFeature, FeatureTableMatchesThreshold) {
  // The table [more than 1 of 3 pixels on] must reproduce the threshold feature's result.
  const std::vector<int> y = nirl::threshold_feature(3, 1);
  const std::vector<double> table(y.begin(), y.end());
  {
    nirl::h5::OutputFile f(path("y.h5").string());
    nirl::h5::write_doubles(f.id(), "/feature", table.data(), {hsize_t(table.size())}, test_data(1));
    f.commit();
  }
  const RunResult a = optimise(config(feature_config(kPixels, "threshold = 1")));
  ASSERT_EQ(a.status, 0) << describe(a);
  EXPECT_NE(a.out.find("I(y; sigma)"), std::string::npos) << a.out;
  const nirl::h5::InputFile fa(out().string());
  const double info = nirl::h5::read_attribute_double(fa, "/efficient_coding", "information");
  EXPECT_GT(info, 0.0);
  EXPECT_EQ(nirl::h5::read_attribute_int(fa, "/efficient_coding", "converged"), 1);

  const fs::path other = path("table.h5");
  const RunResult b = run({"optimise", "--config", config(feature_config(kPixels, "feature_file = " + path("y.h5").string()),
                                                         "table.ini").string(),
                           "--out", other.string()});
  ASSERT_EQ(b.status, 0) << describe(b);
  const nirl::h5::InputFile fb(other.string());
  EXPECT_EQ(nirl::h5::read_attribute_double(fb, "/efficient_coding", "information"), info);
}

TEST_F(CliFeature, FeatureNeedsPixelsOrTable) {
  const fs::path cfg = config(feature_config("type = telegraph\nswitch_up = 0.1\nswitch_down = 0.1", ""));
  EXPECT_TRUE(optimise_fails(optimise(cfg), "needs input.type = pixels"));
}

TEST_F(CliFeature, FeatureThresholdOutOfRange) {
  EXPECT_TRUE(optimise_fails(optimise(config(feature_config(kPixels, "threshold = 3"))), "threshold"));
}

TEST_F(CliFeature, FeatureKeyConflictsWithOtherReward) {
  const fs::path cfg = config(small_config() + "q_jitter = 0.1\n");  // ends in the [reward] section
  EXPECT_TRUE(optimise_fails(optimise(cfg), "reward.q_jitter conflicts"));
}

TEST_F(CliFeature, FeatureTableNotBinary) {
  const std::vector<double> table = {0, 1, 2, 0, 1, 1, 0, 1};
  {
    nirl::h5::OutputFile f(path("y.h5").string());
    nirl::h5::write_doubles(f.id(), "/feature", table.data(), {hsize_t(table.size())}, test_data(1));
    f.commit();
  }
  const fs::path cfg = config(feature_config(kPixels, "feature_file = " + path("y.h5").string()));
  EXPECT_TRUE(optimise_fails(optimise(cfg), "feature values"));
}

// A coding study with a change of pixel statistics (Fig 4H): each task predicts the
// changed network from the inferred objective, the efficient code of the recovered
// feature [more than t pixels on] under the new statistics. The independent route is
// `nirl optimise` of that feature in that context: the same computation, so the firing
// probabilities agree bitwise (the pixel chain's redraw 0.2 = 0.1 + 0.1 is recovered
// exactly from the chain). 100 observed steps make some tasks recover a wrong threshold,
// so both the truth's adaptation (reused when the feature is recovered) and a fresh solve
// are checked; exact statistics recover the true threshold.
TEST_F(CliFeature, StudyPredictsTheChangedContextFromTheRecoveredFeature) {
  const std::string study =
      "[experiment]\nkind = study\n[study]\npipeline = coding\nvary = study.statistics: exact, sampled\n"
      "samples = 400\ntrials = 6\nperturbations = pixel_on=0.3; lambda=0.2\n"
      "measures = recovered_threshold, kl_predicted, kl_baseline, predicted_firing_probability, "
      "adapted_firing_probability, predicted_cell_types, adapted_cell_types\n";
  const RunResult r = run({"run", config(feature_config(kPixels, "threshold = 1") + study).string(), "--out",
                           out().string()});
  ASSERT_EQ(r.status, 0) << describe(r);
  const nirl::h5::InputFile f(out().string());
  const std::vector<std::int64_t> t = nirl::h5::read_integers(f, "/study/recovered_threshold", 0);
  const std::vector<double> kl = nirl::h5::read_doubles(f, "/study/kl_predicted", 0);
  const std::vector<double> baseline = nirl::h5::read_doubles(f, "/study/kl_baseline", 0);
  const std::vector<double> predicted = nirl::h5::read_doubles(f, "/study/predicted_firing_probability", 0);
  const std::vector<double> adapted = nirl::h5::read_doubles(f, "/study/adapted_firing_probability", 0);
  ASSERT_EQ(t.size(), 12u);  // statistics x trial (x bootstrap 1)
  ASSERT_EQ(predicted.size(), 12u * 2 * 3);
  ASSERT_EQ(adapted.size(), 2u * 2 * 3);
  ASSERT_EQ(baseline.size(), 2u * 2);

  // The changed contexts solved by `nirl optimise`, per (threshold, perturbation).
  auto q_of = [&](int threshold, int k) {
    const std::string change = k == 0 ? "--input.pixel_on" : "--network.lambda";
    const std::string value = k == 0 ? "0.3" : "0.2";
    const fs::path model = path("t" + std::to_string(threshold) + "_" + std::to_string(k) + ".h5");
    const RunResult o = run({"optimise", "--config", config(feature_config(kPixels, "threshold = " + std::to_string(threshold)),
                                                            "one.ini").string(),
                             change, value, "--out", model.string()});
    EXPECT_EQ(o.status, 0) << describe(o);
    return nirl::h5::read_doubles(nirl::h5::InputFile(model.string()), "/solution/q", 1);
  };
  std::set<int> recovered;
  for (std::size_t task = 0; task < t.size(); ++task) {
    const int threshold = int(t[task]);
    recovered.insert(threshold);
    if (task < 6) {
      EXPECT_EQ(threshold, 1) << "exact statistics, trial " << task;
    }
    for (int k = 0; k < 2; ++k) {
      const std::vector<double> q = q_of(threshold, k);
      for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(predicted[(task * 2 + std::size_t(k)) * 3 + std::size_t(i)], q[std::size_t(i)])
            << "task " << task << " (threshold " << threshold << "), perturbation " << k << ", neuron " << i;
        if (threshold == 1) {
          EXPECT_EQ(adapted[(task / 6 * 2 + std::size_t(k)) * 3 + std::size_t(i)], q[std::size_t(i)]);
        }
      }
      if (threshold == 1) {
        EXPECT_EQ(kl[task * 2 + std::size_t(k)], 0.0);
      } else {
        EXPECT_GT(kl[task * 2 + std::size_t(k)], 0.0);
      }
    }
  }
  EXPECT_GT(recovered.size(), 1u) << "no task recovered a wrong threshold: the fresh prediction went untested";
  for (double b : baseline) EXPECT_GT(b, 0.0);
}

TEST_F(CliFeature, StudyRefusesABadCodingChange) {
  const std::string study = "[experiment]\nkind = study\n[study]\npipeline = coding\nsamples = 100\nperturbations = ";
  for (const auto& [spec, needle] : std::vector<std::pair<std::string, std::string>>{
           {"pixel_on=1.5", "pixel_on must be in (0, 1)"},
           {"switch_up=0.1", "unknown key 'switch_up'"},
           {"pixel_redraw=x", "pixel_redraw"},
           {"lambda=0", "lambda must be > 0"}}) {
    const RunResult r = run({"run", config(feature_config(kPixels, "threshold = 1") + study + spec + "\n").string(), "--out",
                             out().string()});
    EXPECT_NE(r.status, 0) << spec;
    EXPECT_NE(r.err.find(needle), std::string::npos) << spec << ": " << r.err;
    EXPECT_NE(r.err.find("study.perturbations '" + spec + "'"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out())) << spec;
  }
}

// study.predict = 0 leaves a point without adaptation and predictions: their measures are
// NaN there and filled at the other points.
TEST_F(CliFeature, StudyPointWithoutPredictionsRecordsNaN) {
  const std::string study =
      "[experiment]\nkind = study\n[study]\npipeline = coding\npoint = network.lambda = 0.1; study.predict = 0\n"
      "point = network.lambda = 0.2\nstatistics = exact\nsamples = 1000\nperturbations = pixel_on=0.3\n"
      "measures = r2, kl_predicted, kl_baseline, predicted_tuning, adapted_firing_probability, adapted_cell_types\n";
  const RunResult r = run({"run", config(feature_config(kPixels, "threshold = 1") + study).string(), "--out",
                           out().string()});
  ASSERT_EQ(r.status, 0) << describe(r);
  const nirl::h5::InputFile f(out().string());
  for (const std::string name : {"kl_predicted", "kl_baseline", "predicted_tuning", "adapted_firing_probability",
                                 "adapted_cell_types"}) {
    const std::vector<double> v = nirl::h5::read_doubles(f, "/study/" + name, 0);
    ASSERT_EQ(v.size() % 2, 0u) << name;
    for (std::size_t k = 0; k < v.size(); ++k) {
      if (k < v.size() / 2) {
        EXPECT_TRUE(std::isnan(v[k])) << name << "[" << k << "] at the point with study.predict = 0";
      } else if (name != "predicted_tuning") {  // tuning is NaN where a condition has probability 0
        EXPECT_TRUE(std::isfinite(v[k])) << name << "[" << k << "]";
      }
    }
  }
  EXPECT_TRUE(std::isfinite(nirl::h5::read_doubles(f, "/study/r2", 0)[0]));
}
