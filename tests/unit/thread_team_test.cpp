// The team-size choice of thread_team.hpp on synthetic costs (quiet node, busy node, a node
// that changes, many cores) and the call guard's serial cases.
#include <gtest/gtest.h>
#include <omp.h>

#include <functional>
#include <random>

#include "nirl/detail/thread_team.hpp"

namespace nirl {
namespace {

struct Calls {
  double total = 0.0, ideal = 0.0;  // milliseconds
  std::vector<int> teams, best;
};

// calls of a site whose cost per call is cost(call, threads) milliseconds (within 5 %
// noise); ideal is the sum of the best team's costs.
Calls run(TeamChoice& choice, int max_threads, int calls, const std::function<double(int, int)>& cost) {
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> noise(0.95, 1.05);
  Calls r;
  for (int c = 0; c < calls; ++c) {
    const int t = choice.next(max_threads, max_threads);
    const double x = cost(c, t) * noise(gen);
    choice.record(x, 1e-3 * x);
    r.total += x;
    int best = max_threads;
    for (int u = max_threads; u >= 1; u /= 2)
      if (cost(c, u) < cost(c, best)) best = u;
    r.ideal += cost(c, best);
    r.teams.push_back(t);
    r.best.push_back(best);
  }
  return r;
}

// The probes' share of the run stays at a few percent (thread_team.hpp: about kProbeSeconds
// per interval, the interval soon at its maximum).
TEST(ThreadTeam, QuietNodeKeepsAllThreadsAndProbesRarely) {
  TeamChoice choice;
  const Calls r = run(choice, 2, 20000, [](int, int t) { return t == 2 ? 1.0 / 1.9 : 1.0; });
  EXPECT_EQ(choice.current(), 2);
  EXPECT_LT(r.total, 1.03 * r.ideal);
}

TEST(ThreadTeam, BusyNodeFallsBackToOneThreadWithinTenPercent) {
  TeamChoice choice;
  // Two threads 6 x slower than one (a partner descheduled at every barrier).
  const Calls r = run(choice, 2, 20000, [](int, int t) { return t == 2 ? 6.0 : 1.0; });
  EXPECT_EQ(choice.current(), 1);
  EXPECT_LT(r.total, 1.10 * r.ideal);
}

// Two threads whose partner is descheduled for one call in four (a scheduler time slice
// shared with another process) cost 1.35 on average, against 1 for one thread: the fast
// calls must not win the probes.
TEST(ThreadTeam, StalledPartnerLosesAlthoughMostCallsAreFast) {
  TeamChoice choice;
  const Calls r = run(choice, 2, 20000, [](int c, int t) { return t == 1 ? 1.0 : (c % 4 == 3 ? 3.6 : 0.6); });
  EXPECT_EQ(choice.current(), 1);
  EXPECT_LT(r.total, 1.03 * 20000);  // against one thread throughout
}

TEST(ThreadTeam, FollowsANodeThatBecomesBusyAndQuietAgain) {
  TeamChoice choice;
  const int phase = 10000;
  auto busy = [&](int c) { return (c / phase) % 2 == 1; };
  const Calls r = run(choice, 2, 4 * phase, [&](int c, int t) {
    return busy(c) ? (t == 2 ? 6.0 : 1.0) : (t == 2 ? 0.52 : 1.0);
  });
  // After each change, the next probe (within the longest interval, at most 3200 calls
  // here) finds it; after that only probes and their checks run the other size.
  int wrong = 0, counted = 0;
  for (int c = 0; c < 4 * phase; ++c) {
    if (c % phase < 4000) continue;
    ++counted;
    wrong += r.teams[std::size_t(c)] != r.best[std::size_t(c)];
  }
  EXPECT_LT(wrong, counted / 20);
  // Each change costs at most a longest interval (seconds of calls at the size that became
  // the slower) before its probe: 6 ms instead of 1 ms a call twice, 1 ms instead of 0.52 once.
  const double lag = 1e3 * TeamChoice::kMaxProbeInterval;
  EXPECT_LT(r.total, 1.03 * r.ideal + 2 * lag * (1.0 - 1.0 / 6.0) + lag * (1.0 - 0.52));
}

TEST(ThreadTeam, ManyCoresFindTheBestPowerOfTwoBelowTheMaximum) {
  TeamChoice choice;
  // Fastest at 4 of 16 threads (overheads growing with the team).
  const Calls r = run(choice, 16, 30000, [](int, int t) { return 1.0 / t + 0.05 * t; });
  EXPECT_EQ(choice.current(), 4);
  EXPECT_LT(r.total, 1.10 * r.ideal);
  // A new maximum starts over from it, or from the size given as the start.
  EXPECT_EQ(choice.next(8, 8), 8);
  TeamChoice hinted;
  EXPECT_EQ(hinted.next(16, 5), 4);
  EXPECT_EQ(hinted.next(16, 1000), 4);  // the start applies to a new maximum only
  EXPECT_EQ(hinted.next(2, 1000), 2);
}

TEST(ThreadTeam, SerialNestedAndDisabledCallsAreNotAdapted) {
  ThreadTeam team;
  {
    const ThreadTeam::Call call(team, 1e6, false);
    EXPECT_EQ(call.threads(), 1);
  }
  const int threads = omp_get_max_threads();
  omp_set_num_threads(2);
  const bool was = adaptive_threads();
  set_adaptive_threads(false);
  {
    const ThreadTeam::Call call(team, 1e6);
    EXPECT_EQ(call.threads(), 2);
  }
  set_adaptive_threads(true);
  int inner = 0;
  int outer = 0;
#pragma omp parallel num_threads(2)
  {
#pragma omp single
    {
      outer = omp_get_num_threads();
      const ThreadTeam::Call call(team, 1e6);
      inner = call.threads();
    }
  }
  ASSERT_EQ(outer, 2);  // the call really was inside a team of two
  EXPECT_EQ(inner, 1);
  set_adaptive_threads(was);
  omp_set_num_threads(threads);
}

}  // namespace
}  // namespace nirl
