// The search for the optimum of docs/model.md 2 ("Local optima and frozen networks"; the
// rules in docs/optima.md, "The search"). The
// objective is not concave: the alternation of forward_solver.hpp reaches a fixed point
// that depends on its start, and a frozen network (no coding cost) is often better than
// the fixed point reached from q = 0.5. The search solves from several starts and keeps
// the best L:
//   - "uniform": q_i = 0.5 (or SolverOptions::initial_q when given: "given");
//   - "random k", k = 0 .. random_starts - 1: q_i(+1) ~ U(0.05, 0.95) from the Philox
//     stream (seed, 4 * 2^40 + k), so the search does not depend on threads or ranks;
//   - "frozen k", k < frozen_starts: the k-th best frozen state itself (frozen_states.hpp;
//     its L is known from one O(S) pass, so it is solved only when it beats the best so far),
//     and "near frozen k": the alternation started next to it (q_i = 0.99 or 0.01), which
//     finds a better optimum that keeps some neurons frozen;
//   - "continuation": lambda lowered from 2^lambda_steps lambda to lambda, halving,
//     each solve started from the previous one's q (at large lambda the policy stays close
//     to q, so the q update is a mean-field climb on E[r]; the path carries that start down;
//     it is one more start, not a unique path: at large lambda frozen states win too).
// Then the polish: from the best fixed point so far, each living neuron in turn is moved to
// the other regime (a frozen neuron to q_i = 0.5, a moving one to 0.99 and to 0.01, the others
// kept) and the alternation re-run; rounds repeat while one improves L (at most
// polish_rounds). Generic rewards have optima that differ in which neurons freeze, and these
// moves walk between them.
// Above max_states only the first start and the best frozen state (when frozen_starts > 0) run.
// Every fixed point found is listed once (Solution::optima, best first): two starts reach
// the same one when their L agree to kSameL and their q to kSameQ.
// The independent solves (the starts other than frozen states, a polish round's moves) go to
// `runner` when one is given (solve_runner.hpp; e.g. shared out over MPI ranks); otherwise,
// below kParallelMinStates states (where each solve's sweeps run serially), they run side by
// side on the OpenMP threads. The result is the same for any runner and number of threads.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/network.hpp"
#include "nirl/core/solve_runner.hpp"

namespace nirl {

struct SearchOptions {
  int random_starts = 4;
  int frozen_starts = 2;
  int lambda_steps = 4;  // 0: no continuation start
  int polish_rounds = 10;  // rounds of one-neuron moves from the best (0: none)
  // Networks with more states than this get the first start and the best frozen state only
  // (each start is a full solve: at n = 20 about 7 s, and starts that end frozen take far
  // longer).
  std::size_t max_states = std::size_t(1) << 16;
  std::uint64_t seed = 0;
};

inline constexpr double kSameL = 1e-8, kSameQ = 1e-4;

struct SearchProgress {
  int start, starts;   // this start (1-based) of how many
  std::string name;
  double best_L;
};

Solution search_optimum(const Network& net, const SolverOptions& options, const SearchOptions& search = {},
                        const std::function<void(const SearchProgress&)>& progress = {},
                        const SolveRunner& runner = {});

}  // namespace nirl
