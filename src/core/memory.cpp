#include "nirl/core/memory.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "nirl/core/error.hpp"

namespace nirl {

std::size_t solver_bytes(const StateSpace& space) {
  const std::size_t arrays = (space.nx > 1 ? 6 : 4) + 2;
  const double bytes = double(arrays) * 8.0 * double(space.size) + 8.0 * double(space.nx) * double(space.nx);
  return bytes > 1e19 ? std::size_t(-1) : std::size_t(bytes);
}

std::size_t inference_bytes(const StateSpace& space, bool max_likelihood) {
  const double arrays = max_likelihood ? 2.0 * space.n + 30.0 : 6.0;
  const double bytes = arrays * 8.0 * double(space.size);
  return bytes > 1e19 ? std::size_t(-1) : std::size_t(bytes);
}

std::size_t available_bytes() {
  std::size_t avail = 0;
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  std::size_t kib = 0;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemAvailable:") avail = kib * 1024;
  // A container's cgroup limit (v2) can be tighter than the machine's memory.
  std::ifstream limit_file("/sys/fs/cgroup/memory.max"), usage_file("/sys/fs/cgroup/memory.current");
  std::string limit;
  std::size_t usage = 0;
  if (limit_file >> limit && limit != "max" && usage_file >> usage) {
    const std::size_t cap = std::stoull(limit);
    const std::size_t room = cap > usage ? cap - usage : 0;
    if (avail == 0 || room < avail) avail = room;
  }
  return avail;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 6) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f %s", bytes, units[u]);
  return buf;
}

void advise_huge_pages(void* data, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = std::uintptr_t(1) << 21;
  const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

void resize_on_huge_pages(Eigen::VectorXd& v, Eigen::Index size) {
  if (v.size() == size) return;
  v.resize(size);
  advise_huge_pages(v.data(), std::size_t(size) * sizeof(double));
}

void retain_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

void check_memory(std::size_t bytes, const std::string& what) {
  const std::size_t avail = available_bytes();
  if (avail > 0 && bytes > avail)
    fail(what, " needs about ", format_bytes(double(bytes)), " of memory but only ",
         format_bytes(double(avail)), " is available");
}

}  // namespace nirl
