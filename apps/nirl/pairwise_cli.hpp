// Shared by the modes of nirl pairwise (pairwise.cpp, pairwise_predict.cpp).
#pragma once
#include <string>
#include <vector>

#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/pairwise/ising_family.hpp"

namespace nirl::cli {

// nirl pairwise predict (pairwise_predict.cpp).
int predict_main_pairwise(const po::variables_map& vm, const std::string& command, const std::string& config);

// The fit file of nirl pairwise fit: the parameters (/pairwise/h, /pairwise/J) and the
// number of time bins they were fitted to. A fit that failed its goodness-of-fit check
// (/pairwise/fit_check) is refused unless accept_poor_fit.
struct PairwiseFitFile {
  IsingParams params;
  long long samples = 0;
};
inline PairwiseFitFile read_pairwise_fit(const std::string& path, bool accept_poor_fit) {
  const h5::InputFile in(path);
  if (!h5::exists(in, "/pairwise/h") || !h5::exists(in, "/pairwise/J"))
    fail(path, ": no /pairwise/h and /pairwise/J (make it with nirl pairwise fit)");
  if (!accept_poor_fit && !h5::exists(in, "/pairwise/fit_check"))
    fail(path, ": no /pairwise/fit_check (fit it again with nirl pairwise fit, or pass "
         "--accept-poor-fit)");
  if (!accept_poor_fit && h5::read_attribute_int(in, "/pairwise/fit_check", "passed") == 0)
    fail(path, ": the fit failed its goodness-of-fit check: ", h5::read_attribute_string(in, "/pairwise/fit_check", "problem"),
         " (its rewards and predictions would describe states the data never show; --accept-poor-fit uses it anyway)");
  PairwiseFitFile fit;
  const std::vector<double> h = h5::read_doubles(in, "/pairwise/h", 1);
  fit.params.h = Eigen::Map<const Eigen::VectorXd>(h.data(), Eigen::Index(h.size()));
  fit.params.J = h5::read_matrix(in, "/pairwise/J");
  const int n = fit.params.n();
  if (fit.params.J.rows() != n || fit.params.J.cols() != n) fail(path, ": /pairwise/J must be ", n, " x ", n);
  fit.samples = h5::read_attribute_int(in, "/pairwise/h", "samples");
  return fit;
}

}  // namespace nirl::cli
