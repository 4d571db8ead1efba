#include "nirl/study/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace nirl {
namespace {

// NIRL_PROGRESS_SECONDS for batch logs: a positive number of seconds, 0 = off (default 60).
double batch_interval_seconds() {
  const char* text = std::getenv("NIRL_PROGRESS_SECONDS");
  if (!text || !*text) return 60.0;
  char* end = nullptr;
  const double s = std::strtod(text, &end);
  return (*end == '\0' && s >= 0.0) ? s : 60.0;
}

}  // namespace

bool launched_as_rank_zero() {
  // Launchers set these before MPI_Init; non-MPI runs have none of them.
  for (const char* var : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"})
    if (const char* v = std::getenv(var)) return std::atoi(v) == 0;
  return true;
}

Progress::Progress(std::string label)
    : label_(std::move(label)), terminal_(isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()), last_(start_) {
  const double seconds = terminal_ ? 0.25 : batch_interval_seconds();
  enabled_ = launched_as_rank_zero() && seconds > 0.0;
  interval_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

Progress::~Progress() {
  if (printed_ && terminal_) std::fprintf(stderr, "\n");
}

void Progress::update(double fraction, const std::string& detail) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if ((printed_ || !terminal_) && now - last_ < interval_) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  char eta[64] = "";
  if (fraction > 0.0 && fraction < 1.0)
    std::snprintf(eta, sizeof eta, ", eta %.0f s", elapsed * (1.0 - fraction) / fraction);
  const char* begin = terminal_ ? "\r" : "";
  const char* end = terminal_ ? "\033[K" : "\n";
  if (fraction >= 0.0)
    std::fprintf(stderr, "%s%s: %5.1f%% (%.0f s%s) %s%s", begin, label_.c_str(), 100.0 * fraction, elapsed, eta,
                 detail.c_str(), end);
  else
    std::fprintf(stderr, "%s%s: %.0f s %s%s", begin, label_.c_str(), elapsed, detail.c_str(), end);
  std::fflush(stderr);
  printed_ = true;
}

}  // namespace nirl
