// How a set of independent forward solves runs (docs/model.md 2, "Local optima and frozen
// networks": the search's starts and polish moves, a truth's adapted optima). A runner
// computes solve(k) for k = 0 .. count - 1 and returns the solutions in k order; it may run
// them side by side on threads or share them out over MPI ranks
// (study/mpi_solve_runner.hpp). Each solve is deterministic and independent of the others,
// so what the caller makes of the solutions does not depend on the runner.
#pragma once
#include <cstddef>
#include <functional>
#include <vector>

#include "nirl/core/forward_solver.hpp"

namespace nirl {

using SolveFunction = std::function<Solution(std::size_t)>;
// threads: how many solves the caller allows side by side on this process's OpenMP threads
// (1 when each solve's own sweeps use the threads).
using SolveRunner = std::function<std::vector<Solution>(std::size_t count, int threads, const SolveFunction& solve)>;

// solve(k) for every k < count on `threads` OpenMP threads, the last k first; the first
// error (in k order of discovery) is rethrown.
std::vector<Solution> solve_side_by_side(std::size_t count, int threads, const SolveFunction& solve);

// runner(count, threads, solve) when a runner is given, else solve_side_by_side.
std::vector<Solution> run_solves(const SolveRunner& runner, std::size_t count, int threads, const SolveFunction& solve);

}  // namespace nirl
