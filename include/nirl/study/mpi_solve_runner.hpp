// Independent forward solves shared out over the ranks of an MPI communicator
// (core/solve_runner.hpp), for a truth that all ranks solve together (study_runner.hpp):
// rank r solves k = r, r + size, ... (its share side by side on its threads where the
// caller allows), then each solution is broadcast from the rank that solved it, so every
// rank returns all of them, bit for bit the same (io/solution_bytes.hpp). Every rank of the
// communicator must call the runner with the same count: it is a collective call. An error
// in any solve is thrown on every rank, with the message of the failed solve of lowest k.
#pragma once
#include <mpi.h>

#include "nirl/core/solve_runner.hpp"

namespace nirl {

SolveRunner mpi_solve_runner(MPI_Comm comm);

}  // namespace nirl
