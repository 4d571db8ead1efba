// The parts of the Python module, each defined in its own file and added by module.cpp.
#pragma once
#include <pybind11/pybind11.h>

namespace nirl::py {

void bind_forward(pybind11::module_& m);   // optimise, simulate, predict
void bind_inverse(pybind11::module_& m);   // infer, compare
void bind_pairwise(pybind11::module_& m);  // pairwise_fit, pairwise_infer
void bind_study(pybind11::module_& m);     // run_study, load_recording

}  // namespace nirl::py
