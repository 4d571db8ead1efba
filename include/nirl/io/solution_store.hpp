// A forward solution (forward_solver.hpp) stored bit for bit, every field included (log q
// exactly, -inf for dead neurons, the optima of a search), so that another process can use
// it instead of solving it again: the study runner shares the truths of a study through its
// checkpoint folder this way. This is not a result layout for users (results_io.hpp
// writes those).
#pragma once
#include <string>

#include "nirl/core/forward_solver.hpp"
#include "nirl/io/hdf5_io.hpp"

namespace nirl {

// Writes `sol` under the (new) group `group` of an open file.
void store_solution(hid_t file, const std::string& group, const Solution& sol);

// The solution stored under `group`; an error names the file and what is missing.
Solution load_solution(const h5::InputFile& file, const std::string& group);

}  // namespace nirl
