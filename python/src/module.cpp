// The extension nirl._nirl: the library's functions on numpy arrays and dicts (convert.hpp).
// Errors are nirl.Error (a RuntimeError) with the command line's one-line message; long
// computations release the GIL.
#include <new>

#include "bindings.hpp"
#include "nirl/core/error.hpp"
#include "nirl/version.hpp"

PYBIND11_MODULE(_nirl, m) {
  m.doc() = "nirl: train, infer and predict recurrent networks of binary neurons (docs/python.md)";
  m.attr("__version__") = nirl::kVersion;
  m.attr("__commit__") = nirl::kCommit;
  static pybind11::exception<nirl::Error> error(m, "Error", PyExc_RuntimeError);
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const nirl::Error& e) {
      error(nirl::one_line(e.what()).c_str());
    }
  });
  nirl::py::bind_forward(m);
  nirl::py::bind_inverse(m);
  nirl::py::bind_pairwise(m);
  nirl::py::bind_study(m);
}
