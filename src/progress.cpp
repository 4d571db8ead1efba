#include "nirl/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace nirl {

bool launched_as_rank_zero() {
  // Launchers set these before MPI_Init; non-MPI runs have none of them.
  for (const char* var : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"})
    if (const char* v = std::getenv(var)) return std::atoi(v) == 0;
  return true;
}

Progress::Progress(std::string label)
    : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) && launched_as_rank_zero()),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

Progress::~Progress() {
  if (printed_) std::fprintf(stderr, "\n");
}

void Progress::update(double fraction, const std::string& detail) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (printed_ && now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  char eta[64] = "";
  if (fraction > 0.0 && fraction < 1.0)
    std::snprintf(eta, sizeof eta, ", eta %.0f s", elapsed * (1.0 - fraction) / fraction);
  if (fraction >= 0.0)
    std::fprintf(stderr, "\r%s: %5.1f%% (%.0f s%s) %s\033[K", label_.c_str(), 100.0 * fraction, elapsed, eta, detail.c_str());
  else
    std::fprintf(stderr, "\r%s: %.0f s %s\033[K", label_.c_str(), elapsed, detail.c_str());
  std::fflush(stderr);
  printed_ = true;
}

}  // namespace nirl
