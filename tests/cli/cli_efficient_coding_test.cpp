// nirl optimise with reward.type = feature (MODEL.md section 6): the threshold and the
// table form of the feature give the same network, and user errors end as one line.
#include "cli_harness.hpp"

#include "nirl/coding/efficient_coding.hpp"

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
    nirl::h5::write_doubles(f.id(), "/feature", table.data(), {hsize_t(table.size())});
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
    nirl::h5::write_doubles(f.id(), "/feature", table.data(), {hsize_t(table.size())});
    f.commit();
  }
  const fs::path cfg = config(feature_config(kPixels, "feature_file = " + path("y.h5").string()));
  EXPECT_TRUE(optimise_fails(optimise(cfg), "feature values"));
}
