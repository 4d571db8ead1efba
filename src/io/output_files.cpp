#include "nirl/io/output_files.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

#include "nirl/core/error.hpp"

namespace nirl {
namespace {

namespace fs = std::filesystem;

constexpr int kSlots = 32;
constexpr std::size_t kPathBytes = 4096;

// Slots written by the main thread and read by the signal handler: a slot's path is
// complete before its flag is set, and the flag is cleared before the path is reused.
struct Slot {
  std::atomic<int> used{0};
  char path[kPathBytes];
};
Slot slots[kSlots];
char interrupt_prefix[256] = "nirl: error: ";
bool interrupt_report = true;
bool interrupt_on_terminal = false;  // stderr is a terminal: clear a live progress line first
volatile sig_atomic_t results_written = 0;

void write_stderr(const char* text) {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t w = ::write(STDERR_FILENO, text, left);
    if (w <= 0) return;
    text += w;
    left -= std::size_t(w);
  }
}

extern "C" void on_interrupt(int sig) {
  for (Slot& s : slots)
    if (s.used.load()) ::unlink(s.path);
  if (interrupt_report) {
    if (interrupt_on_terminal) write_stderr("\r\033[K");
    write_stderr(interrupt_prefix);
    write_stderr(sig == SIGINT ? "interrupted (SIGINT)" : sig == SIGHUP ? "hung up (SIGHUP)" : "terminated (SIGTERM)");
    write_stderr(results_written ? " after its result was written\n" : "; no result written\n");
  }
  ::_exit(128 + sig);
}

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "host";
  std::string out = name;
  for (char& c : out)
    if (c == '/' || c == '.') c = '_';
  return out;
}

void check_parent(const fs::path& path) {
  const fs::path folder = path.parent_path();
  if (folder.empty()) return;
  std::error_code ec;
  if (!fs::exists(folder, ec)) fail("output folder ", folder.string(), " does not exist (create it first)");
  if (!fs::is_directory(folder, ec)) fail("output folder ", folder.string(), " is not a folder");
}

}  // namespace

void check_output_path(const std::string& path) {
  if (path.empty()) fail("the output path is empty");
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail("output ", path, " is a folder, not a file name");
  check_parent(fs::path(path));
}

void check_output_folder(const std::string& path) {
  if (path.empty()) fail("the output folder path is empty");
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_directory(path, ec)) fail("output folder ", path, " is a file, not a folder");
  fs::path folder(path);
  if (!folder.has_filename()) folder = folder.parent_path();  // "dir/" names dir
  check_parent(folder);
}

void install_interrupt_handlers(const std::string& command, bool report) {
  const std::string prefix = "nirl " + command + ": error: ";
  std::strncpy(interrupt_prefix, prefix.c_str(), sizeof interrupt_prefix - 1);
  interrupt_report = report;
  interrupt_on_terminal = ::isatty(STDERR_FILENO) != 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&action.sa_mask, sig);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(sig, &action, nullptr);
}

std::string temp_path_for(const std::string& path) {
  return path + ".tmp." + host_name() + "." + std::to_string(::getpid());
}

void register_temp_file(const std::string& path) {
  if (path.size() >= kPathBytes) fail("path too long for a temporary file: ", path);
  for (Slot& s : slots) {
    if (s.used.load()) continue;
    std::memcpy(s.path, path.c_str(), path.size() + 1);
    s.used.store(1);
    return;
  }
  fail("too many temporary files open at once (", kSlots, ")");
}

void forget_temp_file(const std::string& path) {
  for (Slot& s : slots)
    if (s.used.load() && path == s.path) s.used.store(0);
}

void note_result_written() { results_written = 1; }

InterruptsHeld::InterruptsHeld() {
  sigset_t block;
  sigemptyset(&block);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&block, sig);
  ::pthread_sigmask(SIG_BLOCK, &block, &previous_);
}

InterruptsHeld::~InterruptsHeld() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

void sync_folder_of(const std::string& path) {
  const fs::path folder = fs::path(path).parent_path();
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void remove_stale_temp_files(const std::string& path) {
  const fs::path target(path);
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = target.filename().string() + ".tmp." + host_name() + ".";
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9)
      continue;
    const pid_t pid = pid_t(std::stol(pid_text));
    // This process's own name can only be left by an earlier process with the same pid.
    if (pid != ::getpid() && (::kill(pid, 0) == 0 || errno != ESRCH)) continue;
    std::error_code ignored;
    fs::remove(it->path(), ignored);
  }
}

}  // namespace nirl
