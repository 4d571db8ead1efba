// Progress lines for long runs, written to stderr by MPI rank 0 only. On a terminal a live
// line (rewritten at most four times a second); in a batch log (stderr not a terminal) a
// plain line every NIRL_PROGRESS_SECONDS seconds (default 60; 0 turns them off), the first
// one only after that long, so short runs leave the log untouched.
#pragma once
#include <chrono>
#include <string>

namespace nirl {

// True unless an MPI launcher started this process as a rank other than 0 (read from
// the launcher's environment, so it works before MPI_Init and without MPI).
bool launched_as_rank_zero();

class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  // fraction in [0, 1] or < 0 when unknown; detail is appended to the line.
  void update(double fraction, const std::string& detail = "");

 private:
  std::string label_;
  bool enabled_, terminal_;
  std::chrono::steady_clock::duration interval_;
  bool printed_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace nirl
