// Solves shared out over MPI ranks (mpi_solve_runner.hpp).
#include "nirl/study/mpi_solve_runner.hpp"

#include <climits>
#include <cstdint>
#include <exception>
#include <string>

#include "nirl/core/error.hpp"
#include "nirl/io/solution_bytes.hpp"

namespace nirl {
namespace {

// What the owner of solve k broadcasts: a tag byte (0 a solution, 1 an error), then the
// solution's bytes or the error's message.
void broadcast(std::vector<unsigned char>& message, int owner, MPI_Comm comm) {
  std::uint64_t size = message.size();
  MPI_Bcast(&size, 1, MPI_UINT64_T, owner, comm);
  if (size > std::uint64_t(INT_MAX)) fail("a solution of ", size, " bytes is too large to send between MPI ranks");
  message.resize(std::size_t(size));
  MPI_Bcast(message.data(), int(size), MPI_BYTE, owner, comm);
}

}  // namespace

SolveRunner mpi_solve_runner(MPI_Comm comm) {
  return [comm](std::size_t count, int threads, const SolveFunction& solve) {
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    std::vector<std::size_t> mine;
    for (std::size_t k = std::size_t(rank); k < count; k += std::size_t(size)) mine.push_back(k);
    std::vector<std::string> errors(mine.size());
    std::vector<Solution> own = solve_side_by_side(mine.size(), threads, [&](std::size_t j) {
      try {
        return solve(mine[j]);
      } catch (const std::exception& e) {
        errors[j] = *e.what() ? e.what() : "unknown error";
      } catch (...) {
        errors[j] = "unknown error";
      }
      return Solution{};
    });
    std::vector<Solution> out(count);
    std::string first_error;
    for (std::size_t k = 0; k < count; ++k) {
      const int owner = int(k % std::size_t(size));
      const std::size_t j = k / std::size_t(size);
      std::vector<unsigned char> message;
      if (owner == rank) {
        if (errors[j].empty()) {
          message.push_back(0);
          const std::vector<unsigned char> bytes = solution_bytes(own[j]);
          message.insert(message.end(), bytes.begin(), bytes.end());
        } else {
          message.push_back(1);
          message.insert(message.end(), errors[j].begin(), errors[j].end());
        }
      }
      broadcast(message, owner, comm);
      if (message.empty()) fail("an empty message from MPI rank ", owner);
      if (message[0] == 1) {
        if (first_error.empty()) first_error.assign(message.begin() + 1, message.end());
      } else if (owner == rank) {
        out[k] = std::move(own[j]);
      } else {
        out[k] = solution_from_bytes(message.data() + 1, message.size() - 1);
      }
    }
    if (!first_error.empty()) throw Error(first_error);
    return out;
  };
}

}  // namespace nirl
