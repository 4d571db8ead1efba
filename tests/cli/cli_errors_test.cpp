// End-to-end checks of the nirl command line: every user error must be reported as
// exactly one line "nirl <cmd>: error: <message>" on stderr, with a non-zero exit
// status, and must leave neither the --out file nor a "<out>.tmp.<pid>" file behind.
// A positive run (optimise, then simulate) checks the normal path through both commands.
#include "cli_harness.hpp"
#include "test_data.hpp"

namespace {

// n = 4 neurons without input, reward read from an HDF5 table.
std::string table_config(const fs::path& file) {
  return "[network]\nn = 4\nlambda = 0.5\n\n[reward]\ntype = table\nfile = " + file.string() + "\n";
}

// A valid model file (what nirl optimise writes) for n = 2 neurons without input.
void write_model(const fs::path& path) {
  const nirl::StateSpace space(2, 1);
  const nirl::Network net = nirl::make_network(2, nirl::no_input(), nirl::spike_count_reward(space, {1}), 0.5, {});
  const nirl::Solution sol = nirl::optimise(net);
  nirl::h5::OutputFile out(path.string());
  nirl::write_provenance(out, "", 0, "test");
  nirl::write_solution(out, net, sol);
  out.commit();
}

// --- config values ---

TEST_F(Cli, UnknownConfigKey) {
  const fs::path cfg = config("[network]\nn = 4\nlambda = 0.5\nfoo = 1\n\n[reward]\ntype = spike_count\ncounts = 1\n");
  EXPECT_TRUE(optimise_fails(optimise(cfg), "network.foo"));
}

TEST_F(Cli, NegativeLambda) {
  EXPECT_TRUE(optimise_fails(optimise(config(small_config("-0.5"))), "network.lambda"));
}

TEST_F(Cli, ZeroLambda) {
  EXPECT_TRUE(optimise_fails(optimise(config(small_config("0"))), "network.lambda"));
}

TEST_F(Cli, NonNumericLambda) {
  const RunResult r = optimise(config(small_config("abc")));
  EXPECT_TRUE(optimise_fails(r, "network.lambda"));
  EXPECT_TRUE(optimise_fails(r, "not a number"));
}

TEST_F(Cli, ProbabilityOutOfRange) {
  const fs::path cfg = config(
      "[network]\nn = 4\nlambda = 0.5\n\n[input]\ntype = telegraph\nswitch_up = 1.5\nswitch_down = 0.1\n\n"
      "[reward]\ntype = spike_count\ncounts = 1,3\n");
  EXPECT_TRUE(optimise_fails(optimise(cfg), "input.switch_up"));
}

TEST_F(Cli, SearchAndPredictionKeysValidated) {
  const fs::path cfg = config(small_config("0.5"));
  EXPECT_TRUE(optimise_fails(optimise(cfg, {"--search.random_starts", "-1"}), "search.random_starts"));
  EXPECT_TRUE(optimise_fails(optimise(cfg, {"--search.max_states", "0"}), "search.max_states"));
  EXPECT_TRUE(optimise_fails(optimise(cfg, {"--prediction.target", "global"}), "prediction.target"));  // not optimise's
  const fs::path coding = config(
      "[network]\nn = 3\nlambda = 0.1\n\n[input]\ntype = pixels\npixels = 2\npixel_on = 0.5\npixel_redraw = 0.2\n\n"
      "[reward]\ntype = feature\nthreshold = 1\n");
  EXPECT_TRUE(optimise_fails(optimise(coding, {"--search.random_starts", "2"}),
                             "search.random_starts was given, but reward.type = feature"));
  const fs::path coding_study = config(
      "[network]\nn = 3\nlambda = 0.1\n\n[input]\ntype = pixels\npixels = 2\npixel_on = 0.5\npixel_redraw = 0.2\n\n"
      "[reward]\ntype = feature\nthreshold = 1\n\n[experiment]\nkind = study\n\n[study]\npipeline = coding\nsamples = 100\n");
  const RunResult r4 = run({"run", coding_study.string(), "--prediction.target", "global", "--out", out().string()});
  EXPECT_TRUE(FailsCleanly(r4, "run", "prediction.target was given, but study.pipeline = coding does not use the [prediction] section",
                           out(), dir_));
  const fs::path model = path("model.h5");
  write_model(model);
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"--prediction.target", "best"}, {"--prediction.rates", "fixed"}, {"--prediction.max_logit_change", "0"}}) {
    const RunResult r = run({"predict", "--reward", model.string(), "--perturb", "none", key, value, "--out", out().string()});
    EXPECT_TRUE(FailsCleanly(r, "predict", key.substr(2), out(), dir_)) << key;
  }
}

TEST_F(Cli, TooManyNeuronsRefusedWithMemoryEstimate) {
  // 2^38 states: must be refused before any allocation, with an estimate of the memory needed.
  const fs::path cfg = config("[network]\nn = 38\nlambda = 0.5\n\n[reward]\ntype = spike_count\ncounts = 1\n");
  const RunResult r = optimise(cfg);
  EXPECT_TRUE(optimise_fails(r, "needs about"));
  EXPECT_TRUE(optimise_fails(r, "n = 38"));
}

TEST_F(Cli, NeuronCountZero) {
  const fs::path cfg = config("[network]\nn = 0\nlambda = 0.5\n\n[reward]\ntype = spike_count\ncounts = 0\n");
  EXPECT_TRUE(optimise_fails(optimise(cfg), "network.n"));
}

TEST_F(Cli, NeuronCountTooLarge) {
  const fs::path cfg = config("[network]\nn = 64\nlambda = 0.5\n\n[reward]\ntype = spike_count\ncounts = 1\n");
  EXPECT_TRUE(optimise_fails(optimise(cfg), "network.n"));
}

TEST_F(Cli, InputNoneConflictsWithSwitchUp) {
  const fs::path cfg = config(
      "[network]\nn = 4\nlambda = 0.5\n\n[input]\ntype = none\nswitch_up = 0.1\n\n"
      "[reward]\ntype = spike_count\ncounts = 1\n");
  const RunResult r = optimise(cfg);
  EXPECT_TRUE(optimise_fails(r, "conflicts with"));
  EXPECT_TRUE(optimise_fails(r, "input.switch_up"));
}

TEST_F(Cli, CommandLineOverridesConfig) {
  const fs::path cfg = config(small_config("0.3"));
  const RunResult r = optimise(cfg, {"--network.lambda", "-1"});
  EXPECT_TRUE(optimise_fails(r, "network.lambda"));
  EXPECT_TRUE(optimise_fails(r, "-1"));
}

TEST_F(Cli, MissingConfigFile) {
  EXPECT_TRUE(optimise_fails(optimise(path("absent.ini")), "absent.ini"));
}

TEST_F(Cli, OutSameAsConfig) {
  const fs::path cfg = config(small_config());
  const std::string before = read_text(cfg);
  const RunResult r = run({"optimise", "--config", cfg.string(), "--out", cfg.string()});
  EXPECT_TRUE(FailsCleanly(r, "optimise", "would overwrite", fs::path(), dir_));
  EXPECT_EQ(read_text(cfg), before);
}

// --- HDF5 inputs ---

TEST_F(Cli, MatrixRowsDoNotSumToOne) {
  const fs::path matrix = path("matrix.h5");
  {
    const double P[] = {0.5, 0.4, 0.1, 0.9};  // row 0 sums to 0.9
    nirl::h5::OutputFile f(matrix.string());
    nirl::h5::write_doubles(f.id(), "/model/input_transition", P, {2, 2}, test_data(2));
    f.commit();
  }
  const fs::path cfg = config("[network]\nn = 4\nlambda = 0.5\n\n[input]\ntype = matrix\nfile = " + matrix.string() +
                              "\n\n[reward]\ntype = spike_count\ncounts = 1,3\n");
  EXPECT_TRUE(optimise_fails(optimise(cfg), "sums to"));
}

TEST_F(Cli, RewardTableDatasetMissing) {
  const fs::path table = path("reward.h5");
  {
    const std::vector<double> r(16, 1.0);
    nirl::h5::OutputFile f(table.string());
    nirl::h5::write_doubles(f.id(), "/other/reward", r.data(), {16}, test_data(1));
    f.commit();
  }
  const RunResult r = optimise(config(table_config(table)));
  EXPECT_TRUE(optimise_fails(r, "missing"));
  EXPECT_TRUE(optimise_fails(r, "/solution/reward"));
}

TEST_F(Cli, RewardTableIntegerType) {
  const fs::path table = path("reward.h5");
  {
    const std::vector<std::int32_t> r(16, 1);
    nirl::h5::OutputFile f(table.string());
    nirl::h5::write_int32(f.id(), "/solution/reward", r.data(), {16}, test_data(1));
    f.commit();
  }
  EXPECT_TRUE(optimise_fails(optimise(config(table_config(table))), "integer type"));
}

TEST_F(Cli, RewardTableWrongLength) {
  const fs::path table = path("reward.h5");
  {
    const std::vector<double> r(15, 1.0);  // S = 2^4 = 16
    nirl::h5::OutputFile f(table.string());
    nirl::h5::write_doubles(f.id(), "/solution/reward", r.data(), {15}, test_data(1));
    f.commit();
  }
  const RunResult r = optimise(config(table_config(table)));
  EXPECT_TRUE(optimise_fails(r, "length 15"));
  EXPECT_TRUE(optimise_fails(r, "16"));
}

TEST_F(Cli, RewardFileDoesNotExist) {
  const RunResult r = optimise(config(table_config(path("absent.h5"))));
  EXPECT_TRUE(optimise_fails(r, "cannot read file"));
  EXPECT_TRUE(optimise_fails(r, "absent.h5"));
}

TEST_F(Cli, RewardFileNotHdf5) {
  const fs::path text = path("reward.txt");
  write_text(text, "this is not HDF5\n");
  EXPECT_TRUE(optimise_fails(optimise(config(table_config(text))), "is not an HDF5 file"));
}

// --- simulate ---

TEST_F(Cli, SimulateZeroSteps) {
  const fs::path model = path("model.h5");
  write_model(model);
  const RunResult r = run({"simulate", "--model", model.string(), "--steps", "0", "--seed", "1", "--out", out().string()});
  EXPECT_TRUE(simulate_fails(r, "--steps"));
}

TEST_F(Cli, SimulateOutSameAsModel) {
  const fs::path model = path("model.h5");
  write_model(model);
  const std::string before = read_text(model);
  const RunResult r = run({"simulate", "--model", model.string(), "--steps", "10", "--out", model.string()});
  EXPECT_TRUE(FailsCleanly(r, "simulate", "would overwrite", fs::path(), dir_));
  EXPECT_EQ(read_text(model), before) << "the model file was modified";
}

TEST_F(Cli, SimulateModelWithoutSolution) {
  const fs::path model = path("foo.h5");
  {
    const double x[] = {1.0, 2.0};
    nirl::h5::OutputFile f(model.string());
    nirl::h5::write_doubles(f.id(), "/foo", x, {2}, test_data(1));
    f.commit();
  }
  const RunResult r = run({"simulate", "--model", model.string(), "--steps", "10", "--out", out().string()});
  EXPECT_TRUE(simulate_fails(r, "/solution"));
  EXPECT_TRUE(simulate_fails(r, "missing"));
}

// --- the dispatcher ---

TEST_F(Cli, UnknownSubcommand) {
  const RunResult r = run({"frobnicate", "--out", out().string()});
  EXPECT_NE(r.status, 0) << describe(r);
  ASSERT_FALSE(r.err.empty()) << describe(r);
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "stderr is not exactly one line" << describe(r);
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << describe(r);
  EXPECT_NE(r.err.find("unknown command"), std::string::npos) << describe(r);
  EXPECT_FALSE(fs::exists(out()));
}

// --- the normal path ---

TEST_F(Cli, OptimiseThenSimulate) {
  // One OpenMP thread: S = 32 states is far too small to share, and on a loaded machine
  // every parallel region of a 2-thread run can wait a whole scheduler slice (seconds in all).
  const std::vector<std::string> env = {"OMP_NUM_THREADS=1"};
  const fs::path cfg = config(small_config("0.5"));
  const RunResult opt = run({"optimise", "--config", cfg.string(), "--out", out().string()}, env);
  ASSERT_EQ(opt.status, 0) << describe(opt);
  EXPECT_TRUE(fs::exists(out()));
  EXPECT_NE(opt.out.find("converged: yes"), std::string::npos) << describe(opt);

  const fs::path raster = path("raster.h5");
  const RunResult sim =
      run({"simulate", "--model", out().string(), "--steps", "1000", "--seed", "7", "--out", raster.string()}, env);
  ASSERT_EQ(sim.status, 0) << describe(sim);
  EXPECT_TRUE(fs::exists(raster));
  EXPECT_TRUE(sim.err.empty()) << describe(sim);
  EXPECT_TRUE(tmp_leftovers(dir_).empty());

  const nirl::h5::InputFile in(raster.string());
  EXPECT_EQ(nirl::h5::shape(in, "/raster/spikes"), (std::vector<hsize_t>{1000, 4}));
}

// optimise reports which optimum it returns, in its output and in the file (small_config's
// optimum is a frozen state: L = 0.5 against 0.49 for the best moving network).
TEST_F(Cli, OptimiseReportsTheOptimum) {
  const RunResult opt = run({"optimise", "--config", config(small_config("0.5")).string(), "--out", out().string()},
                            {"OMP_NUM_THREADS=1"});
  ASSERT_EQ(opt.status, 0) << describe(opt);
  EXPECT_NE(opt.out.find("optimum: L = 0.5; best frozen state: active neurons"), std::string::npos) << opt.out;
  EXPECT_NE(opt.out.find("distinct local optima found"), std::string::npos) << opt.out;
  const nirl::h5::InputFile in(out().string());
  EXPECT_NEAR(nirl::h5::read_attribute_double(in, "/solution/optimum", "best_frozen_L"), 0.5, 1e-12);
  EXPECT_EQ(nirl::h5::read_attribute_int(in, "/solution/optimum", "beats_frozen"), 0);
  EXPECT_EQ(nirl::h5::shape(in, "/solution/optimum/frozen"), (std::vector<hsize_t>{4}));
  const std::vector<hsize_t> optima = nirl::h5::shape(in, "/solution/optimum/optima_q");
  ASSERT_EQ(optima.size(), 2u);
  EXPECT_EQ(optima[1], 4u);
  EXPECT_NEAR(nirl::h5::read_doubles(in, "/solution/optimum/optima_L", 1).front(), 0.5, 1e-12);
}

}  // namespace
