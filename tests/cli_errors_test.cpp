// End-to-end checks of the nirl command line: every user error must be reported as
// exactly one line "nirl <cmd>: error: <message>" on stderr, with a non-zero exit
// status, and must leave neither the --out file nor a "<out>.tmp.<pid>" file behind.
// A positive run (optimise, then simulate) checks the normal path through both commands.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "nirl/forward_solver.hpp"
#include "nirl/hdf5_io.hpp"
#include "nirl/input_chain.hpp"
#include "nirl/network.hpp"
#include "nirl/results_io.hpp"
#include "nirl/reward.hpp"
#include "nirl/state_space.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct RunResult {
  int status = -1;  // exit status, 128 + signal number if killed, -1 if it could not be started
  std::string out, err;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// Runs the nirl binary with `args` (no shell), stdin from /dev/null, stdout and stderr
// captured in files under `capture_dir` (names without ".tmp."). `env_overrides` holds
// "NAME=value" entries that replace or extend this process's environment.
RunResult run_nirl(const std::vector<std::string>& args, const fs::path& capture_dir,
                   const std::vector<std::string>& env_overrides = {}) {
  RunResult result;
  const fs::path out_file = capture_dir / "captured_stdout", err_file = capture_dir / "captured_stderr";
  std::vector<std::string> owned;
  owned.reserve(args.size() + 1);
  owned.push_back(NIRL_BINARY);
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_owned;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    bool overridden = false;
    for (const std::string& o : env_overrides) {
      const std::size_t eq = o.find('=');
      if (eq != std::string::npos && entry.compare(0, eq + 1, o, 0, eq + 1) == 0) overridden = true;
    }
    if (!overridden) env_owned.push_back(entry);
  }
  env_owned.insert(env_owned.end(), env_overrides.begin(), env_overrides.end());
  std::vector<char*> envp;
  for (std::string& e : env_owned) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(rc);
    return result;
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      ADD_FAILURE() << "waitpid failed: " << std::strerror(errno);
      return result;
    }
  }
  if (WIFEXITED(wstatus)) result.status = WEXITSTATUS(wstatus);
  else if (WIFSIGNALED(wstatus)) result.status = 128 + WTERMSIG(wstatus);
  result.out = read_text(out_file);
  result.err = read_text(err_file);
  fs::remove(out_file);
  fs::remove(err_file);
  return result;
}

std::vector<std::string> tmp_leftovers(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) found.push_back(entry.path().string());
  return found;
}

std::string describe(const RunResult& r) {
  std::ostringstream os;
  os << "\n  exit status: " << r.status << "\n  stderr: [" << r.err << "]\n  stdout: [" << r.out << "]";
  return os.str();
}

// A clean failure of `nirl <command>`: exit status 1 (non-zero), stderr exactly one line
// "nirl <command>: error: ..." containing `needle`, nothing on stdout, `out` absent (skipped
// when empty) and no temporary file left in `dir`.
::testing::AssertionResult FailsCleanly(const RunResult& r, const std::string& command, const std::string& needle,
                                        const fs::path& out, const fs::path& dir) {
  if (r.status == 0) return ::testing::AssertionFailure() << "expected failure, got success" << describe(r);
  if (r.status != 1) return ::testing::AssertionFailure() << "expected exit status 1" << describe(r);
  if (r.err.empty() || r.err.back() != '\n' || r.err.find('\n') != r.err.size() - 1)
    return ::testing::AssertionFailure() << "stderr is not exactly one line" << describe(r);
  const std::string prefix = "nirl " + command + ": error: ";
  if (r.err.rfind(prefix, 0) != 0 || r.err.size() <= prefix.size() + 1)
    return ::testing::AssertionFailure() << "stderr does not start with '" << prefix << "' and a message"
                                         << describe(r);
  if (r.err.find(needle) == std::string::npos)
    return ::testing::AssertionFailure() << "stderr does not mention '" << needle << "'" << describe(r);
  if (!r.out.empty()) return ::testing::AssertionFailure() << "unexpected output on stdout" << describe(r);
  if (!out.empty() && fs::exists(out))
    return ::testing::AssertionFailure() << "output file " << out << " exists after the failure" << describe(r);
  const std::vector<std::string> leftovers = tmp_leftovers(dir);
  if (!leftovers.empty())
    return ::testing::AssertionFailure() << "temporary file left behind: " << leftovers.front() << describe(r);
  return ::testing::AssertionSuccess();
}

// n = 4 neurons driven by a telegraph input, rewarded for 1 spike at x = -1 and 3 at x = +1.
std::string small_config(const std::string& lambda = "0.5") {
  return "seed = 1\n\n[network]\nn = 4\nlambda = " + lambda +
         "\n\n[input]\ntype = telegraph\nswitch_up = 0.1\nswitch_down = 0.1\n\n"
         "[reward]\ntype = spike_count\ncounts = 1,3\n";
}

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

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(::testing::TempDir()) / "nirl_cli_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp " << pattern << ": " << std::strerror(errno);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  fs::path path(const std::string& name) const { return dir_ / name; }
  fs::path config(const std::string& text, const std::string& name = "job.ini") const {
    write_text(path(name), text);
    return path(name);
  }
  RunResult run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) const {
    return run_nirl(args, dir_, env);
  }
  // nirl optimise --config <cfg> --out <dir>/out.h5 [extra...]
  RunResult optimise(const fs::path& cfg, const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"optimise", "--config", cfg.string(), "--out", out().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }
  fs::path out() const { return path("out.h5"); }
  ::testing::AssertionResult optimise_fails(const RunResult& r, const std::string& needle) const {
    return FailsCleanly(r, "optimise", needle, out(), dir_);
  }
  ::testing::AssertionResult simulate_fails(const RunResult& r, const std::string& needle) const {
    return FailsCleanly(r, "simulate", needle, out(), dir_);
  }

  fs::path dir_;
};

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
    nirl::h5::write_doubles(f.id(), "/model/input_transition", P, {2, 2});
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
    nirl::h5::write_doubles(f.id(), "/other/reward", r.data(), {16});
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
    nirl::h5::write_int32(f.id(), "/solution/reward", r.data(), {16});
    f.commit();
  }
  EXPECT_TRUE(optimise_fails(optimise(config(table_config(table))), "integer type"));
}

TEST_F(Cli, RewardTableWrongLength) {
  const fs::path table = path("reward.h5");
  {
    const std::vector<double> r(15, 1.0);  // S = 2^4 = 16
    nirl::h5::OutputFile f(table.string());
    nirl::h5::write_doubles(f.id(), "/solution/reward", r.data(), {15});
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
    nirl::h5::write_doubles(f.id(), "/foo", x, {2});
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

}  // namespace
