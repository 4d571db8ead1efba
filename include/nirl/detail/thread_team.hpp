// Team sizes of the parallel kernels on a shared node (BENCHMARKS.md, "Threads on a busy
// node"). Every kernel gives the same bits for any team size (parallel_reduce.hpp), so the
// team may change from one call to the next. A kernel whose thread shares its core with
// another process waits at every barrier for that thread's next time slice, and can run
// several times slower on two threads than on one; so each parallel call site keeps a
// ThreadTeam that times its calls per unit of work and uses the team size that has been
// fastest there.
//
// Candidates are omp_get_max_threads() halved 0, 1, 2, ... times. Most calls run the
// current size. Once the calls at the current size have taken `interval` seconds, a probe
// runs the next smaller or the next larger candidate (alternating where both exist) for
// calls adding up to at least kProbeSeconds: a team whose partner is descheduled now and
// then (for scheduler time slices of a few ms) is fast on some calls and stalled on
// others, and a few lucky calls must not win. A probe whose mean cost is more than 10 %
// below the current size's running cost (an exponential average over its recent calls)
// becomes the current size, checked by a probe back after kMinProbeInterval; a probe that
// loses, or a switch that the check reverts, doubles the interval up to kMaxProbeInterval,
// and the interval is at least the probe's seconds / kProbeShare (a long call makes a long
// probe). The probes thus cost a percent or two of the run, and a change of the node's
// load is followed within kMaxProbeInterval.
//
// NIRL_ADAPTIVE_THREADS=0 in the environment (or set_adaptive_threads(false)) turns this
// off: every call then runs omp_get_max_threads() threads. A call site starts from the
// size any site switched to last (all sites share the node; a site called a few times
// never probes).
#pragma once
#include <chrono>

namespace nirl {

// Whether call sites adapt their team (initially from NIRL_ADAPTIVE_THREADS, default on).
bool adaptive_threads();
void set_adaptive_threads(bool on);

// The choice of one call site: which team size to run next, and what the calls cost.
class TeamChoice {
 public:
  static constexpr double kProbeSeconds = 0.03, kMinProbeInterval = 0.1, kMaxProbeInterval = 3.2;
  static constexpr double kProbeShare = 1.0 / 32;
  static constexpr double kSwitchGain = 0.9;  // a probe must cost less than 0.9 x the current

  // The team size for the next call, given the allowed maximum. The first call, and a
  // change of the maximum, start the choice over from the largest candidate up to
  // start_threads.
  int next(int max_threads, int start_threads);
  // The cost per unit of work, and the seconds, of the call next() last chose a size for;
  // true when the current size changed.
  bool record(double cost, double seconds);

  int current() const { return max_threads_ >> level_; }

 private:
  static constexpr int kLevels = 16;
  int max_threads_ = 0, level_ = 0, levels_ = 1;
  int running_ = 0;  // level of the call in flight (level_, or the probe's)
  double interval_ = kMinProbeInterval, countdown_ = kMinProbeInterval;  // seconds
  int probe_calls_ = 0;  // the probe under way: its calls, costs and seconds so far
  double probe_sum_ = 0.0, probe_seconds_ = 0.0;
  bool probe_smaller_ = true;  // direction of the next probe where both exist
  bool verifying_ = false;     // the last probe switched, from level left_
  int left_ = 0;
  double cost_ = 0.0;  // running cost of the current size
  bool known_ = false;
};

// One parallel call site: `static ThreadTeam team;` next to the region, then
//   const ThreadTeam::Call call(team, work, parallel);
//   team_for_dynamic(call, count, body);   (below; or an OpenMP region of call.threads()
//                                            threads, skipped when that is 1)
// where `parallel` is the region's own `if` condition (serial calls are not timed) and
// work is any measure proportional to the call's cost at this site (states x neurons).
class ThreadTeam {
 public:
  class Call {
   public:
    Call(ThreadTeam& team, double work, bool parallel = true);
    ~Call();
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    int threads() const { return threads_; }

   private:
    ThreadTeam* team_;  // null when the call is not timed
    double work_;
    int threads_;
    std::chrono::steady_clock::time_point start_;
  };

 private:
  TeamChoice choice_;
};

// body(k) for k in [0, count) on call.threads() threads: blocks handed out as threads free
// up (dynamic) or in equal contiguous parts (static). One thread runs a plain loop, outside
// any OpenMP region: even a region of one thread ends in a futex system call (about 1 us,
// paid at every sweep of a small network, millions of times in a study).
template <typename Body>
void team_for_dynamic(const ThreadTeam::Call& call, std::size_t count, Body&& body) {
  if (call.threads() == 1) {
    for (std::size_t k = 0; k < count; ++k) body(k);
    return;
  }
#pragma omp parallel for schedule(dynamic) num_threads(call.threads())
  for (std::size_t k = 0; k < count; ++k) body(k);
}

template <typename Body>
void team_for_static(const ThreadTeam::Call& call, std::size_t count, Body&& body) {
  if (call.threads() == 1) {
    for (std::size_t k = 0; k < count; ++k) body(k);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(call.threads())
  for (std::size_t k = 0; k < count; ++k) body(k);
}

}  // namespace nirl
