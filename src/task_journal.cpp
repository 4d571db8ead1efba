#include "nirl/task_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "nirl/error.hpp"

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
      fail("cannot write checkpoint ", path, ": ", std::strerror(errno));
    }
    data += w;
    bytes -= std::size_t(w);
  }
}

}  // namespace

void open_checkpoint(const std::string& dir, const std::string& config_text) {
  const fs::path config = fs::path(dir) / "config.ini";
  std::error_code ec;
  if (fs::exists(config, ec)) {
    if (read_file(config) != config_text)
      fail("checkpoint ", dir, " was made by a different configuration; rerun with the same config and "
           "options, or remove the folder to start afresh");
    return;
  }
  fs::create_directories(dir, ec);
  if (ec) fail("cannot create checkpoint folder ", dir, ": ", ec.message());
  const fs::path tmp = fs::path(dir) / ("config.ini.tmp." + std::to_string(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary);
    out << config_text;
    if (!out) fail("cannot write ", tmp.string());
  }
  fs::rename(tmp, config, ec);
  if (ec) fail("cannot write ", config.string(), ": ", ec.message());
}

std::map<std::uint64_t, std::vector<double>> read_checkpoint(const std::string& dir) {
  std::map<std::uint64_t, std::vector<double>> records;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return records;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("journal.", 0) != 0) continue;
    const std::string bytes = read_file(entry.path());
    std::size_t pos = 0;
    const std::size_t header = 3 * sizeof(std::uint64_t);
    while (pos + header + sizeof(std::uint64_t) <= bytes.size()) {
      std::uint64_t magic, task, count;
      std::memcpy(&magic, bytes.data() + pos, 8);
      std::memcpy(&task, bytes.data() + pos + 8, 8);
      std::memcpy(&count, bytes.data() + pos + 16, 8);
      if (magic != kMagic || count > (bytes.size() - pos) / sizeof(double)) break;
      const std::size_t body = header + count * sizeof(double);
      if (pos + body + sizeof(std::uint64_t) > bytes.size()) break;  // torn record
      std::uint64_t stored;
      std::memcpy(&stored, bytes.data() + pos + body, 8);
      if (stored != checksum(reinterpret_cast<const unsigned char*>(bytes.data() + pos), body)) break;
      std::vector<double> payload(count);
      std::memcpy(payload.data(), bytes.data() + pos + header, count * sizeof(double));
      records.emplace(task, std::move(payload));
      pos += body + sizeof(std::uint64_t);
    }
  }
  return records;
}

void remove_checkpoint(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
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
