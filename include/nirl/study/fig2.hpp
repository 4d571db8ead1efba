// Fig 2 end to end (FIGURES.md): the optimal network, its tuning curves (C), rasters and
// spike-count distributions at two coding costs (D), the reward inferred from a
// simulated raster against the true one (E), and the tuning curves predicted from the
// inferred reward after lower p(x = +1) and after a cell death, beside the true adapted
// ones (F). Every panel lands in /fig2 of one HDF5 file (layout in README.md).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "nirl/core/continuation.hpp"
#include "nirl/core/forward_solver.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/inverse/max_likelihood.hpp"
#include "nirl/core/network.hpp"

namespace nirl {

struct Fig2Options {
  std::size_t samples = 1000000;     // observed steps for the inference (E)
  std::size_t raster_steps = 3000;   // raster shown in D
  double compare_lambda = 1.0;           // second coding cost of D
  std::string input_change = "switch_up=0.035";
  std::string cell_death = "dead=3";
  std::uint64_t seed = 1;
  SolverOptions solver;
  PredictionOptions prediction;  // and the optimum search (prediction.search)
  MaxLikelihoodOptions likelihood;
};

struct Fig2Summary {
  double r2 = 0.0, r2_weighted = 0.0, scale = 0.0;
  double kl_input = 0.0, kl_input_baseline = 0.0;
  double kl_death = 0.0, kl_death_baseline = 0.0;
  double infer_seconds = 0.0;
};

// stage(name) is called as each panel starts.
Fig2Summary run_fig2(const Network& net, const Fig2Options& options, const h5::OutputFile& out,
                     const std::function<void(const std::string&)>& stage = {});

}  // namespace nirl
