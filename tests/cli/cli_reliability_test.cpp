// The command line under conditions outside the program: signals (SIGTERM, SIGINT,
// SIGKILL), a second run on the same checkpoint, and a full disk (a small tmpfs, mounted
// when the test runs as root). Each ends with one line, a non-zero exit and no file.
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "cli_harness.hpp"
#include "test_data.hpp"

namespace {

// A network whose optimum search takes seconds (S = 2^14 x 2).
const char* kSlowConfig =
    "[network]\nn = 14\nlambda = 0.05\n\n[input]\ntype = telegraph\nswitch_up = 0.1\nswitch_down = 0.1\n\n"
    "[reward]\ntype = spike_count\ncounts = 3,9\n";

// Waits up to 60 s for a file whose name contains `part` to appear in dir.
bool wait_for_file(const fs::path& dir, const std::string& part) {
  for (int k = 0; k < 6000; ++k) {
    for (const auto& entry : fs::recursive_directory_iterator(dir))
      if (entry.path().filename().string().find(part) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class Interrupts : public Cli {};

TEST_F(Interrupts, SigtermAndSigintEndWithOneLineAndNoFile) {
  const fs::path slow = config(kSlowConfig, "slow.ini"), model = path("model.h5");
  ASSERT_EQ(run({"optimise", "--config", config(small_config()).string(), "--out", model.string()}).status, 0);
  const fs::path capture = path("capture");
  fs::create_directory(capture);
  struct Case {
    std::vector<std::string> args;
    int signal;
    const char* line;
  };
  const std::vector<Case> cases = {
      {{"optimise", "--config", slow.string(), "--out", out().string()}, SIGTERM,
       "nirl optimise: error: terminated (SIGTERM); no result written\n"},
      {{"optimise", "--config", slow.string(), "--out", out().string()}, SIGINT,
       "nirl optimise: error: interrupted (SIGINT); no result written\n"},
      {{"simulate", "--model", model.string(), "--steps", "30000000", "--out", out().string()}, SIGTERM,
       "nirl simulate: error: terminated (SIGTERM); no result written\n"},
  };
  for (const Case& c : cases) {
    const StartedNirl started = start_nirl(c.args, capture);
    ASSERT_TRUE(wait_for_file(dir_, ".tmp.")) << c.args.front() << ": no temporary file appeared";
    ASSERT_EQ(::kill(started.pid, c.signal), 0);
    const RunResult r = finish_nirl(started);
    EXPECT_EQ(r.status, 128 + c.signal) << describe(r);
    EXPECT_EQ(r.err, c.line);
    EXPECT_FALSE(fs::exists(out()));
    EXPECT_TRUE(tmp_leftovers(dir_).empty()) << tmp_leftovers(dir_).front();
  }
}

TEST_F(Interrupts, SigkillLeavesATemporaryFileTheNextRunRemoves) {
  const fs::path slow = config(kSlowConfig, "slow.ini");
  const StartedNirl started = start_nirl({"optimise", "--config", slow.string(), "--out", out().string()}, dir_);
  ASSERT_TRUE(wait_for_file(dir_, ".tmp."));
  ASSERT_EQ(::kill(started.pid, SIGKILL), 0);
  EXPECT_EQ(finish_nirl(started).status, 128 + SIGKILL);
  ASSERT_EQ(tmp_leftovers(dir_).size(), 1u);
  const RunResult r = run({"optimise", "--config", config(small_config()).string(), "--out", out().string()});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(fs::exists(out()));
  EXPECT_TRUE(tmp_leftovers(dir_).empty()) << "the killed run's temporary file is still there";
}

TEST_F(Interrupts, SecondRunOnALockedCheckpointIsRefusedAtOnce) {
  const fs::path study = config(small_config() + "\n[experiment]\nkind = study\n\n[study]\nsamples = 100\ntrials = 1\nthreshold = 0\n", "study.ini");
  const fs::path checkpoint = path("out.h5.checkpoint");
  fs::create_directory(checkpoint);
  // This process stands in for a first run that holds the folder.
  const int fd = ::open((checkpoint / "lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const RunResult refused = run({"run", study.string(), "--out", out().string()});
  EXPECT_TRUE(FailsCleanly(refused, "run", "is in use by another running nirl process", out(), dir_));
  for (const auto& entry : fs::directory_iterator(checkpoint))
    EXPECT_EQ(entry.path().filename().string().rfind("journal.", 0), std::string::npos) << "a task ran: " << entry.path();
  ::close(fd);  // the first run ends
  const RunResult r = run({"run", study.string(), "--out", out().string()});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_FALSE(fs::exists(checkpoint));
}

// A tmpfs of 1 MiB filled up but for `spare` bytes, mounted at <dir>/disk; skipped unless
// this process may mount (root with CAP_SYS_ADMIN).
class FullDisk : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    disk_ = path("disk");
    fs::create_directory(disk_);
    if (::geteuid() != 0) GTEST_SKIP() << "the full-disk test mounts a tmpfs and needs root";
    if (::mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=1m") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(errno) << "): the full-disk test is skipped";
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(disk_.c_str(), MNT_DETACH);
    Cli::TearDown();
  }
  // Fills the disk, then frees `spare` bytes.
  void fill(std::size_t spare) {
    {
      std::ofstream out(disk_ / "filler", std::ios::binary);
      const std::string block(4096, 'x');
      while (out.write(block.data(), std::streamsize(block.size()))) {
      }
    }
    fs::remove(disk_ / "spare");
    if (spare > 0) {
      const auto size = fs::file_size(disk_ / "filler");
      fs::resize_file(disk_ / "filler", size - std::min<std::uintmax_t>(size, spare));
    }
  }
  std::vector<std::string> files_on_disk() const {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(disk_))
      if (entry.path().filename() != "filler") found.push_back(entry.path().string());
    return found;
  }

  fs::path disk_;
  bool mounted_ = false;
};

TEST_F(FullDisk, EveryWritingCommandFailsWithOneLineAndNoFile) {
  const fs::path model = path("model.h5"), raster = path("raster.h5"), fit = path("fit.h5"), preward = path("preward.h5");
  const fs::path model_ini = config(small_config());
  ASSERT_EQ(run({"optimise", "--config", model_ini.string(), "--out", model.string()}).status, 0);
  ASSERT_EQ(run({"simulate", "--model", model.string(), "--steps", "5000", "--out", raster.string()}).status, 0);
  {
    // A plain 0/1 raster for the commands that read recordings without input.
    nirl::h5::OutputFile plain_file(path("plain.h5").string());
    std::vector<std::uint8_t> spikes(3000 * 5);
    for (std::size_t k = 0; k < spikes.size(); ++k) spikes[k] = std::uint8_t((k * 7919 + k / 5) % 5 == 0);
    nirl::h5::write_uint8(plain_file.id(), "/spikes", spikes.data(), {3000, 5}, test_data(2));
    plain_file.commit();
  }
  const std::string plain = path("plain.h5").string();
  ASSERT_EQ(run({"pairwise", "fit", plain, "--out", fit.string()}).status, 0);
  // The raster is a fixed pattern, not a sample of any pairwise model: its fit fails the
  // goodness-of-fit check, which does not matter to what this test checks.
  ASSERT_EQ(run({"pairwise", "infer", fit.string(), "--lambda", "0.5", "--assumption", "sparse", "--accept-poor-fit",
                 "--out", preward.string()})
                .status,
            0);
  const fs::path study = config(small_config() + "\n[experiment]\nkind = study\n\n[study]\nsamples = 200\ntrials = 2\nthreshold = 0\n", "study.ini");
  const fs::path maze = config(
      "seed = 1\n\n[maze]\nmap = S... .... ...G\nlambda = 0.05\n\n[experiment]\nkind = study\n\n"
      "[study]\npipeline = maze\nsamples = 100\nperturbations = lambda=0.1; map=S... .XX. ...G\n",
      "maze.ini");
  const fs::path report = config("[experiment]\nkind = study\n\n[study]\npipeline = recording\nbootstraps = 20\n"
                                 "measures = reward, reward_interval\n\n[recording]\npath = " + plain +
                                     "\ndataset = /spikes\nfolds = 0\n",
                                 "report.ini");
  const std::string o = (disk_ / "o.h5").string();
  const std::vector<std::pair<std::string, std::vector<std::string>>> commands = {
      {"optimise", {"optimise", "--config", model_ini.string(), "--out", o}},
      {"simulate", {"simulate", "--model", model.string(), "--steps", "100000", "--out", o}},
      {"infer", {"infer", "--raster", raster.string(), "--lambda", "0.5", "--out", o}},
      {"predict", {"predict", "--reward", model.string(), "--perturb", "lambda=0.6", "--out", o}},
      {"compare", {"compare", "--truth", model.string(), "--adapted", model.string(), "--predicted", model.string(), "--out", o}},
      {"run", {"run", report.string(), "--out", o}},
      {"run", {"run", study.string(), "--out", o}},
      {"run", {"run", maze.string(), "--out", o}},
      {"pairwise", {"pairwise", "fit", plain, "--out", o}},
      {"pairwise", {"pairwise", "infer", fit.string(), "--lambda", "0.5", "--accept-poor-fit", "--out", o}},
      {"pairwise", {"pairwise", "predict", fit.string(), "--reward", preward.string(), "--accept-poor-fit", "--out", o}},
  };
  // The disk full from the start, then with 4 KiB free (a checkpoint's config.ini fits, its
  // journal does not; small results fit only partly).
  for (const std::size_t spare : {std::size_t(0), std::size_t(4096)}) {
    for (const auto& [name, args] : commands) {
      fill(spare);
      const RunResult r = run(args);
      EXPECT_TRUE(FailsCleanly(r, name, "", o, disk_)) << args[0] << " " << args[1] << ", " << spare << " bytes free";
      EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << describe(r);
      // A run's checkpoint (config.ini and journals) may stay for a resume; nothing else.
      for (const std::string& f : files_on_disk())
        EXPECT_NE(f.find(".checkpoint"), std::string::npos) << args[0] << ": left " << f;
      fs::remove_all(disk_ / "o.h5.checkpoint");
      fs::remove(disk_ / "filler");
    }
  }
}

}  // namespace
