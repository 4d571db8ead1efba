// Independent solves side by side on OpenMP threads (solve_runner.hpp).
#include "nirl/core/solve_runner.hpp"

#include <exception>

namespace nirl {

std::vector<Solution> solve_side_by_side(std::size_t count, int threads, const SolveFunction& solve) {
  std::vector<Solution> out(count);
  if (threads <= 1) {
    for (std::size_t k = 0; k < count; ++k) out[k] = solve(k);
    return out;
  }
  std::exception_ptr error;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t k = count - 1 - j;  // the last solves (e.g. the search's continuation) are the longest
    try {
      out[k] = solve(k);
    } catch (...) {
#pragma omp critical(nirl_solve_error)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  return out;
}

std::vector<Solution> run_solves(const SolveRunner& runner, std::size_t count, int threads, const SolveFunction& solve) {
  return runner ? runner(count, threads, solve) : solve_side_by_side(count, threads, solve);
}

}  // namespace nirl
