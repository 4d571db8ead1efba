// nirl pairwise fit -> infer -> predict on samples of the Fig 5 ring optimum (docs/model.md 5):
// the prediction for pinned neurons made from the inferred reward lands on the optimum
// the true reward gives, and bad predict requests fail with one line; a fit that fails its
// goodness-of-fit check is flagged and guarded.
#include <algorithm>

#include "cli_harness.hpp"

#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/measures/measures.hpp"
#include "test_data.hpp"

namespace {

using nirl::IsingFamily;
using nirl::IsingForwardOptions;
using nirl::IsingForwardResult;

class CliPairwise : public Cli {
 protected:
  static constexpr int kN = 12;
  static constexpr double kLambda = 1.3;

  static nirl::IsingReward ring_task() {
    nirl::IsingReward r;
    r.table = nirl::ring_reward(nirl::StateSpace(kN, 1), 4);
    return r;
  }
  static const IsingForwardResult& optimum() {
    static const IsingForwardResult opt = [] {
      IsingForwardOptions f;
      f.lambda = kLambda;
      const IsingFamily ring = IsingFamily::ring_tied(kN);
      return optimise_ising_multistart(ring, ring_task(), nirl::default_ring_starts(ring), f);
    }();
    return opt;
  }
  // fit + infer (sparse) from i.i.d. samples of the optimum; returns false on failure.
  void fit_and_infer(std::size_t samples) {
    const std::vector<std::uint8_t> raster = nirl::iid_raster(optimum().distribution, kN, samples, 3, 0);
    {
      nirl::h5::OutputFile f(path("raster.h5").string());
      nirl::h5::write_uint8(f.id(), "/spikes", raster.data(), {hsize_t(samples), hsize_t(kN)}, test_data(2));
      f.commit();
    }
    const RunResult fit = run({"pairwise", "fit", path("raster.h5").string(), "--ridge", "1e-5", "--out", path("fit.h5").string()});
    ASSERT_EQ(fit.status, 0) << fit.err;
    const RunResult inf = run({"pairwise", "infer", path("fit.h5").string(), "--lambda", "1.3", "--assumption", "sparse",
                               "--out", path("r.h5").string()});
    ASSERT_EQ(inf.status, 0) << inf.err;
  }
  RunResult predict(const std::vector<std::string>& extra) const {
    std::vector<std::string> args = {"pairwise", "predict", path("fit.h5").string(), "--reward", path("r.h5").string(),
                                     "--out", out().string(), "--random-starts", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }
  static Eigen::VectorXd read_distribution(const fs::path& file, const std::string& group) {
    const nirl::h5::InputFile f(file.string());
    const std::vector<double> p = nirl::h5::read_doubles(f, group + "/distribution", 1);
    return Eigen::Map<const Eigen::VectorXd>(p.data(), Eigen::Index(p.size()));
  }
};

// Pinning neurons 0 and 1 holds the hill in place: the true pinned optimum is far from the
// drifting hill (KL ~ 1 nat); the prediction from the inferred reward must be close to it.
// From 1e5 samples the sparse reward is the true one up to a few percent in magnitude,
// which moves the pinned optimum's probabilities by about as much: KL of order 1e-3.
TEST_F(CliPairwise, PinnedPredictionFromTheInferredRewardMatchesTheTruth) {
  fit_and_infer(100000);
  const RunResult r = predict({"--tying", "ring", "--pin", "0,1", "--pin-field", "1.0"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("predicted (lambda 1.3)"), std::string::npos) << r.out;

  Eigen::VectorXd field = Eigen::VectorXd::Zero(kN);
  field[0] = field[1] = 1.0;
  const IsingFamily pinned = IsingFamily::ring_tied(kN).with_extra_field(field);
  IsingForwardOptions f;
  f.lambda = kLambda;
  std::vector<Eigen::VectorXd> starts = {optimum().theta};
  for (const Eigen::VectorXd& s : nirl::default_ring_starts(pinned)) starts.push_back(s);
  const IsingForwardResult truth = optimise_ising_multistart(pinned, ring_task(), starts, f);
  const double baseline = nirl::kl_divergence(truth.distribution, optimum().distribution);
  const double kl = nirl::kl_divergence(truth.distribution, read_distribution(out(), "/pairwise_predicted/predicted"));
  EXPECT_GT(baseline, 0.5);
  EXPECT_LT(kl, 0.02) << "baseline " << baseline;

  // The family's account of the data is the drifting hill itself.
  const double kl_original =
      nirl::kl_divergence(optimum().distribution, read_distribution(out(), "/pairwise_predicted/original"));
  EXPECT_LT(kl_original, 0.02);
}

// Unchanged context: the prediction is the original optimum (it is one of the starts and
// F is maximised), so the two distributions agree to the optimiser's tolerance.
// The prediction for an unchanged context is the original; the three results carry their config.
TEST_F(CliPairwise, UnchangedContextPredictsTheOriginal) {
  fit_and_infer(20000);
  const RunResult r = predict({"--tying", "ring"});
  ASSERT_EQ(r.status, 0) << r.err;
  const Eigen::VectorXd a = read_distribution(out(), "/pairwise_predicted/original");
  const Eigen::VectorXd b = read_distribution(out(), "/pairwise_predicted/predicted");
  EXPECT_LT(nirl::kl_divergence(a, b), 1e-6);
  // Every pairwise result carries its config: the mode, its input and the options it read.
  const std::pair<const char*, std::vector<std::string>> expected[] = {
      {"fit.h5", {"mode = fit\n", "input = " + path("raster.h5").string() + "\n", "ridge = 1e-5\n", "dataset = /spikes\n"}},
      {"r.h5", {"mode = infer\n", "lambda = 1.3\n", "assumption = sparse\n", "mu_relative = 1e-3\n"}},
      {"out.h5", {"mode = predict\n", "reward = " + path("r.h5").string() + "\n", "tying = ring\n", "random-starts = 2\n"}}};
  for (const auto& [file, lines] : expected) {
    const std::string config = nirl::h5::read_attribute_string(nirl::h5::InputFile(path(file).string()), "/", "config");
    for (const std::string& line : lines) EXPECT_NE(config.find(line), std::string::npos) << file << ": " << config;
  }
}

TEST_F(CliPairwise, BadPredictRequestsFailWithOneLine) {
  fit_and_infer(5000);
  auto fails = [&](const std::vector<std::string>& extra, const std::string& needle) {
    return FailsCleanly(predict(extra), "pairwise", needle, out(), dir_);
  };
  EXPECT_TRUE(fails({"--tying", "untied"}, "freezes"));
  EXPECT_TRUE(fails({"--tying", "homogeneous", "--remove-beyond", "2"}, "--tying ring"));
  EXPECT_TRUE(fails({"--tying", "ring", "--assumption", "pairwise"}, "/pairwise_inferred/pairwise/reward"));
  EXPECT_TRUE(fails({"--tying", "ring", "--pin", "0,12"}, "outside"));
  EXPECT_TRUE(fails({"--tying", "ring", "--lambda", "-1"}, "--lambda"));
  EXPECT_TRUE(fails({"--tying", path("missing.h5").string()}, "missing.h5"));
  {
    nirl::h5::OutputFile f(path("ties.h5").string());
    const std::vector<std::int32_t> ties(10, 0);
    nirl::h5::write_int32(f.id(), "/ties", ties.data(), {hsize_t(ties.size())}, test_data(1));
    f.commit();
  }
  EXPECT_TRUE(fails({"--tying", path("ties.h5").string()}, "78 entries"));
  EXPECT_TRUE(FailsCleanly(run({"pairwise", "predict", path("fit.h5").string(), "--out", out().string()}), "pairwise",
                           "--reward", out(), dir_));
}

// A raster with exactly one of 5 neurons active in every bin: its pseudo-likelihood fit
// (without moment matching) gives other numbers of active neurons 2% of its mass. fit writes the file with a one-line
// warning; infer and predict refuse the fit in one line unless --accept-poor-fit, and infer
// ranks only patterns the model expects at least 10 times in the fitted recording.
TEST_F(CliPairwise, AFitFailingItsCheckIsFlaggedAndGuarded) {
  std::vector<std::uint8_t> raster(3000 * 5, 0);
  for (std::size_t t = 0; t < 3000; ++t) raster[t * 5 + (t * 3) % 5] = 1;
  {
    nirl::h5::OutputFile f(path("one_active.h5").string());
    nirl::h5::write_uint8(f.id(), "/spikes", raster.data(), {3000, 5}, test_data(2));
    f.commit();
  }
  const RunResult fit = run({"pairwise", "fit", path("one_active.h5").string(), "--refine", "none", "--out", path("fit.h5").string()});
  ASSERT_EQ(fit.status, 0) << describe(fit);
  EXPECT_NE(fit.out.find("FAILED"), std::string::npos) << fit.out;
  EXPECT_EQ(fit.err.rfind("nirl pairwise fit: warning: the model puts ", 0), 0u) << fit.err;
  EXPECT_EQ(std::count(fit.err.begin(), fit.err.end(), '\n'), 1);
  {
    const nirl::h5::InputFile f(path("fit.h5").string());
    EXPECT_EQ(nirl::h5::read_attribute_int(f, "/pairwise/fit_check", "passed"), 0);
    EXPECT_GT(nirl::h5::read_attribute_double(f, "/pairwise/fit_check", "unsupported_mass"), 0.01);
    const std::vector<double> counts = nirl::h5::read_doubles(f, "/pairwise/fit_check/data_counts", 1);
    EXPECT_EQ(counts, (std::vector<double>{0, 1, 0, 0, 0, 0}));
  }
  // In a batch log (stderr a pipe) the fit prints plain progress lines at the set interval.
  const RunResult logged = run({"pairwise", "fit", path("one_active.h5").string(), "--refine", "none", "--out", path("fit2.h5").string()},
                               {"NIRL_PROGRESS_SECONDS=0.000001"});
  ASSERT_EQ(logged.status, 0) << describe(logged);
  EXPECT_NE(logged.err.find("pairwise fit: "), std::string::npos) << logged.err;
  EXPECT_NE(logged.err.find(" evaluation "), std::string::npos) << logged.err;
  EXPECT_EQ(logged.err.find('\r'), std::string::npos) << logged.err;
  const std::vector<std::string> infer = {"pairwise", "infer", path("fit.h5").string(), "--lambda", "1", "--out",
                                          out().string()};
  EXPECT_TRUE(FailsCleanly(run(infer), "pairwise", "failed its goodness-of-fit check", out(), dir_));
  std::vector<std::string> accepted = infer;
  accepted.push_back("--accept-poor-fit");
  const RunResult r = run(accepted);
  ASSERT_EQ(r.status, 0) << describe(r);
  // Patterns are ranked among those the model expects at least 10 times in the 3000 bins.
  EXPECT_NE(r.out.find("at least 10 times in the 3000 fitted bins (p >= 0.00333)"), std::string::npos) << r.out;
  const nirl::h5::InputFile f(out().string());
  EXPECT_DOUBLE_EQ(nirl::h5::read_attribute_double(f, "/pairwise_inferred/p_model", "rank_floor"), 10.0 / 3000.0);
}

}  // namespace
