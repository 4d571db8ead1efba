// Adaptive team sizes of the parallel call sites (thread_team.hpp).
#include "nirl/detail/thread_team.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

namespace nirl {
namespace {

bool adaptive_from_environment() {
  const char* s = std::getenv("NIRL_ADAPTIVE_THREADS");
  return s == nullptr || std::strcmp(s, "0") != 0;
}

std::atomic<bool>& adaptive_flag() {
  static std::atomic<bool> flag(adaptive_from_environment());
  return flag;
}

// The team size any call site switched to last: where a site starts (all sites see the
// same node, and a site called a few times never probes).
std::atomic<int>& latest_choice() {
  static std::atomic<int> threads(1 << 30);
  return threads;
}

}  // namespace

bool adaptive_threads() { return adaptive_flag().load(std::memory_order_relaxed); }
void set_adaptive_threads(bool on) { adaptive_flag().store(on, std::memory_order_relaxed); }

int TeamChoice::next(int max_threads, int start_threads) {
  if (max_threads != max_threads_) {
    *this = TeamChoice();
    max_threads_ = max_threads;
    while (levels_ < kLevels && (max_threads >> levels_) >= 1) ++levels_;
    while (level_ + 1 < levels_ && (max_threads >> level_) > start_threads) ++level_;
    running_ = level_;
  }
  if (running_ == level_ && levels_ > 1 && countdown_ <= 0.0) {
    const bool can_smaller = level_ + 1 < levels_, can_larger = level_ > 0;
    const bool smaller = can_smaller && (probe_smaller_ || !can_larger);
    running_ = smaller ? level_ + 1 : level_ - 1;
    probe_smaller_ = !smaller;
    probe_calls_ = 0;
    probe_sum_ = probe_seconds_ = 0.0;
  }
  return max_threads_ >> running_;
}

bool TeamChoice::record(double cost, double seconds) {
  if (running_ == level_) {
    cost_ = known_ ? 0.75 * cost_ + 0.25 * cost : cost;
    known_ = true;
    countdown_ -= seconds;
    return false;
  }
  probe_sum_ += cost;
  probe_seconds_ += seconds;
  ++probe_calls_;
  if (probe_seconds_ < kProbeSeconds) return false;
  const double probe = probe_sum_ / probe_calls_;
  const bool wins = !known_ || probe < kSwitchGain * cost_;
  const bool reverts = wins && verifying_ && running_ == left_;
  if (wins && !reverts) {
    // Switch, and check the switch soon with a probe back.
    left_ = level_;
    level_ = running_;
    cost_ = probe;
    verifying_ = true;
    countdown_ = kMinProbeInterval;
    return true;
  }
  if (reverts) {
    level_ = running_;
    cost_ = probe;
  }
  running_ = level_;
  verifying_ = false;
  interval_ = std::min(2.0 * interval_, kMaxProbeInterval);
  // Long calls make long probes: keep them a small share of the run.
  countdown_ = std::max(interval_, probe_seconds_ / kProbeShare);
  return reverts;
}

ThreadTeam::Call::Call(ThreadTeam& team, double work, bool parallel)
    : team_(nullptr), work_(work), threads_(omp_get_max_threads()) {
  // Nested inside another team, or serial: nothing to choose.
  if (!parallel || omp_in_parallel()) {
    threads_ = 1;
    return;
  }
  if (!adaptive_threads() || threads_ == 1 || work <= 0.0) return;
  team_ = &team;
  threads_ = team.choice_.next(threads_, latest_choice().load(std::memory_order_relaxed));
  start_ = std::chrono::steady_clock::now();
}

ThreadTeam::Call::~Call() {
  if (team_ == nullptr) return;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  if (team_->choice_.record(elapsed.count() / work_, elapsed.count()))
    latest_choice().store(team_->choice_.current(), std::memory_order_relaxed);
}

}  // namespace nirl
