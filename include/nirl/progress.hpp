// Progress lines for long runs: written to stderr by MPI rank 0 only, and only when
// stderr is a terminal (batch logs stay clean). At most a few updates per second.
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
  bool enabled_;
  bool printed_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace nirl
