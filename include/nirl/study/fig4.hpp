// Fig 4 (FIGURES.md): efficient coding of a stimulus feature (MODEL.md section 6).
//  C  tuning curves p(sigma_i = 1 | m pixels on, c others active) of the optimal network;
//  D  readout p(y = +1 | sigma) against spike count, and p(count | m pixels on);
//  E  I(y; sigma) against lambda, optimised network vs independent neurons with matched
//     p(sigma_i | x): one task per lambda, spread over MPI ranks (task_runner.hpp);
//  F  the ML inverse (MODEL.md 3b) on exact expected counts: inferred r(sigma, x) vs spike
//     count by number of pixels on, the recovered feature and threshold, aligned r2
//     against log p(y | sigma);
//  G  the same from a simulated raster;
//  H  lower pixel probability with a seeded jitter of the initial q: groups of neurons
//     with the same tuning (cell types) and their rates.
// Everything lands in /fig4 of one HDF5 file (layout in README.md).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nirl/coding/efficient_coding.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/inverse/max_likelihood.hpp"
#include "nirl/core/network.hpp"

namespace nirl {

struct Fig4Options {
  std::vector<double> lambdas;    // panel E
  std::size_t samples = 1000000;  // panel G: simulated steps (and the scale of F's exact counts)
  double h_pixel_on = 0.4;        // panel H: lower stationary pixel probability
  double h_lambda = 0.05;         // panel H: coding cost
  double h_jitter = 0.05;         // panel H: initial q jitter
  double group_tolerance = 0.02;  // panel H: neurons whose tuning differs by less share a group
  std::uint64_t seed = 0;
  EfficientCodingOptions coding;  // the main network (no jitter)
  MaxLikelihoodOptions likelihood;
};

// Panel E, lambda index k: [lambda, information, independent information, updates, converged, change].
std::vector<double> fig4_lambda_task(const Network& net, const std::vector<int>& y, const Fig4Options& options,
                                     std::size_t k);

struct Fig4Summary {
  double information = 0.0, independent_information = 0.0;
  int exact_threshold = -1, sampled_threshold = -1;
  double exact_agreement = 0.0, sampled_agreement = 0.0;
  double exact_r2 = 0.0, sampled_r2 = 0.0, sampled_r2_weighted = 0.0;
  int h_groups = 0;
  std::vector<double> h_group_rates;
  std::vector<int> h_group_sizes;
};

// Groups of neurons whose tuning curves (NaN entries skipped) differ by less than tol
// everywhere (single linkage); returns the group of each neuron, numbered by first member.
std::vector<int> tuning_groups(const std::vector<Eigen::MatrixXd>& tuning, double tol);

// Panels C, D, F, G, H (and E from the task records) into /fig4, plus the optimal
// network in /solution, /model, /efficient_coding.
Fig4Summary run_fig4(const Network& net, const std::vector<int>& y, const Fig4Options& options,
                     const std::map<std::uint64_t, std::vector<double>>& lambda_records, const h5::OutputFile& out,
                     const std::function<void(const std::string&)>& stage = {});

}  // namespace nirl
