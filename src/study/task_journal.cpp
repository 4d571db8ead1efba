#include "nirl/study/task_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <iterator>
#include <sstream>

#include "nirl/core/error.hpp"
#include "nirl/io/output_files.hpp"

namespace nirl {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMagic = 0x6e69726c4a524e31ULL;  // "nirlJRN1"

// FNV-1a over the record header and payload.
std::uint64_t checksum(const unsigned char* data, std::size_t bytes) {
  std::uint64_t h = 1469598103934665603ULL;
  for (std::size_t k = 0; k < bytes; ++k) h = (h ^ data[k]) * 1099511628211ULL;
  return h;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes all bytes, retrying short writes and EINTR.
void write_all(int fd, const unsigned char* data, std::size_t bytes, const std::string& path) {
  while (bytes > 0) {
    const ssize_t w = ::write(fd, data, bytes);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("cannot write ", path, ": ", std::strerror(errno));
    }
    data += w;
    bytes -= std::size_t(w);
  }
}

// The checkpoint folders this process holds the lock of (folder -> descriptor of dir/lock).
std::map<std::string, int>& held_locks() {
  static std::map<std::string, int> locks;
  return locks;
}

std::string lock_key(const std::string& dir) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(dir, ec);
  return ec ? dir : canonical.string();
}

// Takes a lock on dir/lock, held until remove_checkpoint or the end of the process (the
// kernel releases it however the process ends): exclusive for a whole run, so two runs
// never share one checkpoint folder; shared for the parts of a job array, which may run
// side by side but never beside a whole run.
void lock_checkpoint(const std::string& dir, bool shared) {
  const std::string key = lock_key(dir);
  if (held_locks().count(key)) return;
  const std::string path = (fs::path(dir) / "lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create the lock of checkpoint ", dir, ": ", std::strerror(errno));
  if (::flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      fail("checkpoint ", dir, " is in use by another running nirl process (same --out or --checkpoint); wait for it "
           "or give another --out");
    if (err != ENOLCK && err != EOPNOTSUPP && err != ENOSYS) fail("cannot lock checkpoint ", dir, ": ", std::strerror(err));
    // A filesystem without locks (some cluster mounts): the run goes on unguarded.
    std::fprintf(stderr, "nirl: warning: cannot lock checkpoint %s (%s); do not start a second run on it\n",
                 dir.c_str(), std::strerror(err));
    return;
  }
  held_locks()[key] = fd;
}

}  // namespace

void open_checkpoint(const std::string& dir, const std::string& config_text, bool shared) {
  check_output_folder(dir);
  const fs::path config = fs::path(dir) / "config.ini";
  std::error_code ec;
  // An existing folder is a checkpoint only if it holds nirl's files (it is removed at the end).
  if (fs::is_directory(dir, ec) && !fs::is_empty(dir, ec) && !fs::exists(config, ec) &&
      !fs::exists(fs::path(dir) / "lock", ec))
    fail("checkpoint folder ", dir, " exists and is not a nirl checkpoint (no config.ini); give another --checkpoint");
  const bool created = fs::create_directory(dir, ec);
  if (ec) fail("cannot create checkpoint folder ", dir, ": ", ec.message());
  lock_checkpoint(dir, shared);  // on failure the folder is another run's (or empty): left as it is
  if (fs::exists(config, ec)) {
    if (read_file(config) != config_text)
      fail("checkpoint ", dir, " was made by a different configuration; rerun with the same config and "
           "options, or remove the folder to start afresh");
    return;
  }
  remove_stale_temp_files(config.string());
  const std::string tmp = temp_path_for(config.string());
  register_temp_file(tmp);
  try {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("cannot write ", config.string(), ": ", std::strerror(errno));
    try {
      write_all(fd, reinterpret_cast<const unsigned char*>(config_text.data()), config_text.size(), config.string());
      if (::fsync(fd) != 0) fail("cannot write ", config.string(), ": ", std::strerror(errno));
    } catch (const Error&) {
      ::close(fd);
      throw;
    }
    if (::close(fd) != 0 || std::rename(tmp.c_str(), config.c_str()) != 0)
      fail("cannot write ", config.string(), ": ", std::strerror(errno));
  } catch (const Error&) {
    ::unlink(tmp.c_str());
    forget_temp_file(tmp);
    if (created) remove_checkpoint(dir);  // nothing of this run is in it yet
    throw;
  }
  forget_temp_file(tmp);
}

void for_each_checkpoint_record(const std::string& dir,
                                const std::function<void(std::uint64_t, const std::vector<double>&)>& visit) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  std::vector<fs::path> journals;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind("journal.", 0) == 0) journals.push_back(entry.path());
  std::sort(journals.begin(), journals.end());
  constexpr std::size_t header = 3 * sizeof(std::uint64_t);
  std::vector<unsigned char> bytes;
  std::vector<double> payload;
  for (const fs::path& path : journals) {
    std::ifstream in(path, std::ios::binary);
    std::uintmax_t left = fs::file_size(path, ec);
    if (ec) continue;
    while (left >= header + sizeof(std::uint64_t)) {
      bytes.resize(header);
      if (!in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(header))) break;
      std::uint64_t magic, task, count;
      std::memcpy(&magic, bytes.data(), 8);
      std::memcpy(&task, bytes.data() + 8, 8);
      std::memcpy(&count, bytes.data() + 16, 8);
      if (magic != kMagic || count > (left - header - sizeof(std::uint64_t)) / sizeof(double)) break;  // torn
      const std::size_t body = header + count * sizeof(double);
      bytes.resize(body + sizeof(std::uint64_t));
      if (!in.read(reinterpret_cast<char*>(bytes.data() + header), std::streamsize(body - header + sizeof(std::uint64_t))))
        break;
      std::uint64_t stored;
      std::memcpy(&stored, bytes.data() + body, 8);
      if (stored != checksum(bytes.data(), body)) break;
      payload.resize(count);
      std::memcpy(payload.data(), bytes.data() + header, count * sizeof(double));
      visit(task, payload);
      left -= body + sizeof(std::uint64_t);
    }
  }
}

void remove_checkpoint(const std::string& dir) {
  const std::string key = lock_key(dir);
  std::error_code ec;
  fs::remove_all(dir, ec);
  const auto held = held_locks().find(key);
  if (held != held_locks().end()) {
    ::close(held->second);
    held_locks().erase(held);
  }
}

TaskJournal::TaskJournal(const std::string& dir, int rank) {
  path_ = (fs::path(dir) / ("journal." + std::to_string(rank) + "." + std::to_string(::getpid()) + ".bin")).string();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd_ < 0) fail("cannot open checkpoint journal ", path_, ": ", std::strerror(errno));
}

TaskJournal::~TaskJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void TaskJournal::append(std::uint64_t task, const std::vector<double>& payload) {
  const std::uint64_t header[3] = {kMagic, task, payload.size()};
  std::vector<unsigned char> record(sizeof header + payload.size() * sizeof(double) + sizeof(std::uint64_t));
  std::memcpy(record.data(), header, sizeof header);
  std::memcpy(record.data() + sizeof header, payload.data(), payload.size() * sizeof(double));
  const std::size_t body = record.size() - sizeof(std::uint64_t);
  const std::uint64_t sum = checksum(record.data(), body);
  std::memcpy(record.data() + body, &sum, sizeof sum);
  write_all(fd_, record.data(), record.size(), path_);  // one record, one write
  if (::fdatasync(fd_) != 0) fail("cannot flush checkpoint journal ", path_, ": ", std::strerror(errno));
}

}  // namespace nirl
