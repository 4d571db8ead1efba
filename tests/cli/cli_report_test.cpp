// nirl report end to end on a small recording (bootstrap intervals, model choice, HDF5
// layout, checkpoint removed), its errors, and the recording formats through nirl infer:
// example15.mat infers the same reward as spikes15.h5, and an NWB units table is binned.
#include <algorithm>
#include <cmath>

#include "cli_harness.hpp"
#include "nirl/core/random_stream.hpp"

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
    nirl::h5::write_uint8(f.id(), "/data/spk", spk.data(), {hsize_t(n), hsize_t(T)});
    f.commit();
    return p;
  }
  std::vector<std::string> report_args(const fs::path& rec) const {
    return {"report", "--raster", rec.string(), "--dataset", "/data/spk", "--orientation", "neurons_x_time",
            "--bootstraps", "30", "--folds", "3", "--min-visits", "20", "--out", out().string()};
  }
};

TEST_F(CliReport, EndToEnd) {
  const RunResult r = run(report_args(recording()));
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("model choice"), std::string::npos);
  EXPECT_NE(r.out.find("best: "), std::string::npos);
  EXPECT_FALSE(fs::exists(path("out.h5.checkpoint")));
  const nirl::h5::InputFile f(out().string());
  const std::vector<double> states = nirl::h5::read_doubles(f, "/reward/states", 1);
  const std::vector<double> est = nirl::h5::read_doubles(f, "/reward/state_estimate", 1);
  const std::vector<double> lo = nirl::h5::read_doubles(f, "/reward/state_lower", 1);
  const std::vector<double> hi = nirl::h5::read_doubles(f, "/reward/state_upper", 1);
  const std::vector<double> visits = nirl::h5::read_doubles(f, "/reward/state_visits", 1);
  ASSERT_FALSE(states.empty());
  ASSERT_EQ(est.size(), states.size());
  double mean = 0.0;
  for (std::size_t j = 0; j < est.size(); ++j) {
    EXPECT_LE(lo[j], hi[j]);
    EXPECT_GE(visits[j], 20.0);
    mean += est[j] / double(est.size());
  }
  EXPECT_NEAR(mean, 0.0, 1e-12);  // the gauge
  EXPECT_EQ(nirl::h5::shape(f, "/reward/estimate"), (std::vector<hsize_t>{32}));
  EXPECT_EQ(nirl::h5::shape(f, "/reward/count_estimate"), (std::vector<hsize_t>{6}));
  EXPECT_EQ(nirl::h5::shape(f, "/reward/replicates"), (std::vector<hsize_t>{30, states.size() + 6}));
  EXPECT_EQ(nirl::h5::shape(f, "/model_choice/fold_log_likelihood"), (std::vector<hsize_t>{3, 3}));
  // Each bin copies the previous one with probability 0.6: tau = 1/2 + 0.6 / 0.4 = 2, and the
  // default block is max(ceil(3000^(1/3)) = 15, ceil(10 tau)).
  const double tau = nirl::h5::read_attribute_double(f, "/reward", "autocorrelation_time");
  EXPECT_NEAR(tau, 2.0, 0.3);
  EXPECT_EQ(nirl::h5::read_attribute_int(f, "/reward", "block_length"), (long long)std::max(15.0, std::ceil(10 * tau)));
  EXPECT_EQ(nirl::h5::read_attribute_string(f, "/recording", "format"), "h5");
  // The same seed gives the same intervals.
  fs::rename(out(), path("first.h5"));
  ASSERT_EQ(run(report_args(path("rec.h5"))).status, 0);
  EXPECT_EQ(nirl::h5::read_doubles(nirl::h5::InputFile(out().string()), "/reward/state_lower", 1), lo);
}

TEST_F(CliReport, Errors) {
  static_cast<void>(&small_config);  // the harness's model config is not needed here
  const fs::path rec = recording(200);
  const auto fails = [&](std::vector<std::string> extra, const std::string& needle) {
    std::vector<std::string> args = {"report", "--raster", rec.string(), "--orientation", "neurons_x_time",
                                     "--out", out().string()};
    if (std::find(extra.begin(), extra.end(), "--dataset") == extra.end())
      args.insert(args.end(), {"--dataset", "/data/spk"});
    args.insert(args.end(), extra.begin(), extra.end());
    return FailsCleanly(run(args), "report", needle, out(), dir_);
  };
  EXPECT_TRUE(fails({"--bootstraps", "1"}, "--bootstraps must be in [2, "));
  EXPECT_TRUE(fails({"--folds", "1"}, "--folds must be 0 or >= 2"));
  EXPECT_TRUE(fails({"--format", "csv"}, "unknown recording format"));
  EXPECT_TRUE(fails({"--dataset", "/nope"}, "dataset /nope is missing"));
  EXPECT_TRUE(fails({"--min-visits", "100000"}, "no state is observed at least"));
  EXPECT_TRUE(fails({"--bin-width", "0.1"}, "apply to NWB spike times only"));
  EXPECT_TRUE(FailsCleanly(run({"report", "--out", out().string()}), "report", "--raster is required", out(), dir_));
}

TEST_F(CliReport, InferReadsMatlabLikeH5) {
  const std::string data = std::string(NIRL_SOURCE_DIR) + "/../shared/data/";
  if (!fs::exists(data + "example15.mat")) GTEST_SKIP() << "shared data not present";
  ASSERT_EQ(run({"infer", "--raster", data + "example15.mat", "--lambda", "1", "--out", path("mat.h5").string()}).status, 0);
  ASSERT_EQ(run({"infer", "--raster", data + "spikes15.h5", "--spikes-dataset", "/spikes", "--lambda", "1", "--out",
                 path("h5.h5").string()})
                .status,
            0);
  const auto reward = [&](const char* name) {
    return nirl::h5::read_doubles(nirl::h5::InputFile(path(name).string()), "/inferred/reward", 1);
  };
  EXPECT_EQ(reward("mat.h5"), reward("h5.h5"));
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
    nirl::h5::write_doubles(f.id(), "/units/spike_times", times.data(), {times.size()});
    nirl::h5::write_int32(f.id(), "/units/spike_times_index", index.data(), {index.size()});
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
