// The inverse half of the command line: nirl infer / predict / compare / run, their
// round trip through files, and one clean error line for each kind of bad raster.
#include "cli_harness.hpp"
#include "nirl/measures/measures.hpp"
#include "test_data.hpp"

namespace {

class CliInverse : public Cli {
 protected:
  // A model (n = 4, telegraph input) and a raster simulated from it, via the CLI.
  void make_model_and_raster(std::size_t steps = 20000) {
    // Slower input than small_config's: at switch 0.1 its optimum is a frozen state (L = 0.5
    // against 0.49 for the best moving network), which leaves nothing to infer.
    ASSERT_EQ(run({"optimise", "--config", config(small_config()).string(), "--input.switch_up", "0.02",
                   "--input.switch_down", "0.02", "--out", path("model.h5").string()})
                  .status,
              0);
    ASSERT_EQ(run({"simulate", "--model", path("model.h5").string(), "--steps", std::to_string(steps), "--seed", "3",
                   "--out", path("raster.h5").string()})
                  .status,
              0);
  }
  // A raster file with the given spikes (T x n, int32) and optional input sequence.
  fs::path raster_file(const std::vector<std::int32_t>& spikes, std::vector<hsize_t> dims,
                       const std::vector<std::int32_t>& input = {}) const {
    const fs::path p = path("bad_raster.h5");
    nirl::h5::OutputFile f(p.string());
    nirl::h5::write_int32(f.id(), "/raster/spikes", spikes.data(), dims, test_data(dims.size()));
    if (!input.empty()) {
      nirl::h5::write_int32(f.id(), "/raster/input", input.data(), {input.size()}, test_data(1));
      nirl::h5::write_matrix(f.id(), "/model/input_transition", nirl::telegraph_input(0.1, 0.1).P, test_data(2));
    }
    f.commit();
    return p;
  }
  RunResult infer(const fs::path& raster, const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"infer", "--raster", raster.string(), "--lambda", "0.5", "--out", out().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }
  ::testing::AssertionResult infer_fails(const RunResult& r, const std::string& needle) const {
    return FailsCleanly(r, "infer", needle, out(), dir_);
  }
};

TEST_F(CliInverse, InferPredictCompareRoundTrip) {
  make_model_and_raster(200000);
  const RunResult inf = infer(path("raster.h5"));
  ASSERT_EQ(inf.status, 0) << inf.err;
  const nirl::h5::InputFile f(out().string());
  EXPECT_EQ(nirl::h5::read_attribute_string(f, "/inferred", "method"), "max_likelihood");
  EXPECT_EQ(nirl::h5::read_attribute_int(f, "/inferred", "samples"), 200000);
  EXPECT_EQ(nirl::h5::read_attribute_int(f, "/inferred", "converged"), 1);
  EXPECT_EQ(nirl::h5::shape(f, "/inferred/reward"), (std::vector<hsize_t>{32}));
  EXPECT_EQ(nirl::h5::shape(f, "/inferred/value"), (std::vector<hsize_t>{32}));
  const RunResult pred = run({"predict", "--reward", out().string(), "--perturb", "dead=1", "--out", path("pred.h5").string()});
  ASSERT_EQ(pred.status, 0) << pred.err;
  const RunResult cmp = run({"compare", "--truth", path("model.h5").string(), "--inferred", out().string(), "--out",
                             path("cmp.h5").string()});
  ASSERT_EQ(cmp.status, 0) << cmp.err;
  const nirl::h5::InputFile c(path("cmp.h5").string());
  EXPECT_GT(nirl::h5::read_attribute_double(c, "/compare", "r2"), 0.9);
}

// Predicting with the true reward through files and a --perturb spec reproduces the
// network optimised directly in the changed context.
TEST_F(CliInverse, PredictWithTrueRewardEqualsDirectSolve) {
  const fs::path cfg = config(small_config());
  ASSERT_EQ(run({"optimise", "--config", cfg.string(), "--out", path("truth.h5").string()}).status, 0);
  ASSERT_EQ(run({"optimise", "--config", cfg.string(), "--input.switch_up", "0.07", "--network.dead", "2", "--out",
                 path("direct.h5").string()})
                .status,
            0);
  ASSERT_EQ(run({"predict", "--reward", path("truth.h5").string(), "--perturb", "switch_up=0.07,dead=2", "--out",
                 path("pred.h5").string()})
                .status,
            0);
  const auto stationary = [&](const std::string& name) {
    const std::vector<double> p = nirl::h5::read_doubles(nirl::h5::InputFile(path(name).string()), "/solution/stationary", 1);
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(p.data(), Eigen::Index(p.size())));
  };
  EXPECT_LT(nirl::kl_divergence(stationary("direct.h5"), stationary("pred.h5")), 1e-10);
}

TEST_F(CliInverse, ClosedFormOnRecordedData) {
  const std::string data = std::string(NIRL_SOURCE_DIR) + "/examples/data/spikes15.h5";
  if (!fs::exists(data)) GTEST_SKIP() << data << " not present";
  const RunResult r = run({"infer", "--raster", data, "--spikes-dataset", "/spikes", "--lambda", "1", "--out", out().string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const nirl::h5::InputFile f(out().string());
  EXPECT_EQ(nirl::h5::read_attribute_string(f, "/inferred", "method"), "closed_form");
  EXPECT_EQ(nirl::h5::shape(f, "/inferred/reward"), (std::vector<hsize_t>{32768}));
}

// Without input a raster is a recording (recording_io.hpp): counts > 1 mean active, negative
// counts are refused; with an input sequence it must be nirl's own 0/1 raster.
TEST_F(CliInverse, RasterCountsBinarisedNegativeRefused) {
  EXPECT_EQ(infer(raster_file({0, 1, 2, 0, 1, 0}, {3, 2})).status, 0);
  fs::remove(out());
  EXPECT_TRUE(infer_fails(infer(raster_file({0, 1, -1, 0, 1, 0}, {3, 2})), "must be >= 0"));
  EXPECT_TRUE(infer_fails(infer(raster_file({0, 1, 2, 0, 1, 0}, {3, 2}, {0, 1, 1})), "0 or 1"));
}

TEST_F(CliInverse, RasterWrongRank) {
  EXPECT_TRUE(infer_fails(infer(raster_file({0, 1, 1, 0}, {4})), "rank"));
}

TEST_F(CliInverse, RasterTooShort) {
  EXPECT_TRUE(infer_fails(infer(raster_file({0, 1}, {1, 2})), "at least 2"));
}

TEST_F(CliInverse, RasterNeuronsDisagreeWithModel) {
  make_model_and_raster(100);
  const fs::path bad = raster_file({0, 1, 0, 1, 1, 0, 0, 1, 0}, {3, 3}, {0, 1, 1});
  EXPECT_TRUE(infer_fails(infer(bad, {"--model", path("model.h5").string()}), "expected 4"));
}

TEST_F(CliInverse, InputSequenceWrongLength) {
  EXPECT_TRUE(infer_fails(infer(raster_file({0, 1, 0, 0, 1, 1}, {3, 2}, {0, 1})), "has length 2"));
}

TEST_F(CliInverse, InputSequenceOutOfRange) {
  EXPECT_TRUE(infer_fails(infer(raster_file({0, 1, 0, 0, 1, 1}, {3, 2}, {0, 2, 1})), "input indices"));
}

TEST_F(CliInverse, SeveralNeuronsChangeAtOnce) {
  EXPECT_TRUE(infer_fails(infer(raster_file({0, 0, 1, 1, 1, 1}, {3, 2}, {0, 1, 1})), "at most one"));
}

TEST_F(CliInverse, NonPositiveLambda) {
  make_model_and_raster(100);
  const RunResult r = run({"infer", "--raster", path("raster.h5").string(), "--lambda", "0", "--out", out().string()});
  EXPECT_TRUE(infer_fails(r, "--lambda"));
}

TEST_F(CliInverse, NaNInRewardFile) {
  const fs::path bad = path("nan_reward.h5");
  {
    nirl::h5::OutputFile f(bad.string());
    const std::vector<double> r = {0.0, 1.0, std::nan(""), 0.0};
    nirl::h5::write_doubles(f.id(), "/inferred/reward", r.data(), {4}, test_data(1));
    nirl::h5::set_attribute(f.id(), "/inferred", "n", 2LL);
    nirl::h5::set_attribute(f.id(), "/inferred", "nx", 1LL);
    nirl::h5::set_attribute(f.id(), "/inferred", "lambda", 0.5);
    nirl::h5::write_matrix(f.id(), "/model/input_transition", Eigen::MatrixXd::Ones(1, 1), test_data(2));
    f.commit();
  }
  const RunResult r = run({"predict", "--reward", bad.string(), "--perturb", "lambda=1", "--out", out().string()});
  EXPECT_TRUE(FailsCleanly(r, "predict", "not finite", out(), dir_));
}

TEST_F(CliInverse, UnknownPerturbation) {
  make_model_and_raster(100);
  const RunResult r = run({"predict", "--reward", path("model.h5").string(), "--perturb", "temperature=3", "--out", out().string()});
  EXPECT_TRUE(FailsCleanly(r, "predict", "temperature", out(), dir_));
}

}  // namespace
