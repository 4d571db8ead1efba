// A solve runner (core/solve_runner.hpp) that stands in for MPI ranks inside one process:
// the solves are shared out round-robin over `ranks` pretend ranks, the last rank's share
// first, and every solution a pretend rank other than 0 makes travels through
// solution_bytes as it would between ranks (study/mpi_solve_runner.hpp).
#pragma once
#include <cstddef>
#include <vector>

#include "nirl/core/solve_runner.hpp"
#include "nirl/io/solution_bytes.hpp"

namespace nirl::testing {

struct SharedOutRunner {
  std::size_t ranks = 3;
  std::size_t calls = 0, solves = 0;  // what it was asked for

  SolveRunner runner() {
    return [this](std::size_t count, int, const SolveFunction& solve) {
      ++calls;
      solves += count;
      std::vector<Solution> out(count);
      for (std::size_t rank = ranks; rank-- > 0;)
        for (std::size_t k = rank; k < count; k += ranks) {
          Solution sol = solve(k);
          if (rank == 0) {
            out[k] = std::move(sol);
          } else {
            const std::vector<unsigned char> bytes = solution_bytes(sol);
            out[k] = solution_from_bytes(bytes.data(), bytes.size());
          }
        }
      return out;
    };
  }
};

}  // namespace nirl::testing
