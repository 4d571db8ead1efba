// A Solution (forward_solver.hpp) as a flat byte string and back, every field bit for bit:
// how solutions travel between MPI ranks (study/mpi_solve_runner.hpp). The layout is this
// build's own (native byte order, no version): it is never written to a file.
#pragma once
#include <cstddef>
#include <vector>

#include "nirl/core/forward_solver.hpp"

namespace nirl {

std::vector<unsigned char> solution_bytes(const Solution& sol);

// Throws nirl::Error when `bytes` is not a whole solution_bytes string.
Solution solution_from_bytes(const unsigned char* bytes, std::size_t size);

}  // namespace nirl
