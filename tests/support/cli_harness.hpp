// Test harness for the nirl command line: runs the binary without a shell, captures
// its output, and checks that a failure is one line "nirl <cmd>: error: ...", exit
// status 1, and leaves neither the --out file nor a temporary file behind.
#pragma once
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

#include "nirl/core/forward_solver.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/core/input_chain.hpp"
#include "nirl/core/network.hpp"
#include "nirl/io/results_io.hpp"
#include "nirl/core/reward.hpp"
#include "nirl/core/state_space.hpp"

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

// A nirl process started by start_nirl, its output going to files in `capture_dir`.
struct StartedNirl {
  pid_t pid = -1;
  fs::path out_file, err_file;
};

// Starts the nirl binary with `args` (no shell), stdin from /dev/null, stdout and stderr
// captured in files under `capture_dir` (names without ".tmp."). `env_overrides` holds
// "NAME=value" entries that replace or extend this process's environment.
StartedNirl start_nirl(const std::vector<std::string>& args, const fs::path& capture_dir,
                       const std::vector<std::string>& env_overrides = {}) {
  StartedNirl started;
  started.out_file = capture_dir / "captured_stdout";
  started.err_file = capture_dir / "captured_stderr";
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
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, started.out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, started.err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int rc = posix_spawn(&started.pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(rc);
    started.pid = -1;
  }
  return started;
}

// Waits for a started process: its exit status (128 + signal number if killed, -1 if it
// could not be started) and its captured output.
RunResult finish_nirl(const StartedNirl& started) {
  RunResult result;
  if (started.pid < 0) return result;
  int wstatus = 0;
  while (waitpid(started.pid, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      ADD_FAILURE() << "waitpid failed: " << std::strerror(errno);
      return result;
    }
  }
  if (WIFEXITED(wstatus)) result.status = WEXITSTATUS(wstatus);
  else if (WIFSIGNALED(wstatus)) result.status = 128 + WTERMSIG(wstatus);
  result.out = read_text(started.out_file);
  result.err = read_text(started.err_file);
  fs::remove(started.out_file);
  fs::remove(started.err_file);
  return result;
}

// Runs the nirl binary to completion (start_nirl, then finish_nirl).
RunResult run_nirl(const std::vector<std::string>& args, const fs::path& capture_dir,
                   const std::vector<std::string>& env_overrides = {}) {
  return finish_nirl(start_nirl(args, capture_dir, env_overrides));
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
[[maybe_unused]] std::string small_config(const std::string& lambda = "0.5") {
  return "seed = 1\n\n[network]\nn = 4\nlambda = " + lambda +
         "\n\n[input]\ntype = telegraph\nswitch_up = 0.1\nswitch_down = 0.1\n\n"
         "[reward]\ntype = spike_count\ncounts = 1,3\n";
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


}  // namespace
