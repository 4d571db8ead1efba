// The public HDF5 layout of nirl results (README "HDF5 layout"):
//   /solution/{value,stationary,reward,q}   float64; attributes n, nx, lambda, L,
//                                           mean_reward, coding_cost, convergence
//   /model/input_transition (nx x nx), /model/dead (uint8 mask, length n)
//   /raster/spikes (uint8, T x n), /raster/input (int32, T; when nx > 1)
//   /inferred/{reward,value,visits,q}        float64; attributes method, lambda, samples,
//                                           converged, log_likelihood, n, nx
//   root attributes: config (INI text), version, seed, command
#pragma once
#include <cstdint>
#include <string>

#include "nirl/core/forward_solver.hpp"
#include "nirl/io/hdf5_io.hpp"
#include "nirl/inverse/inverse.hpp"
#include "nirl/core/network.hpp"
#include "nirl/sample/raster.hpp"
#include "nirl/coding/efficient_coding.hpp"
#include "nirl/pairwise/fit_check.hpp"

namespace nirl {

// Root attributes that make a result file self-describing.
void write_provenance(const h5::OutputFile& out, const std::string& config_ini, std::uint64_t seed,
                      const std::string& command);

// /model and /solution groups, under `prefix` ("" for the root), with the optimum report
// /solution/optimum: which optimum sol is (frozen_states.hpp): dataset `frozen` [n] (+1
// always fires, -1 silent, 0 moves), attributes L, best_frozen_state (sigma, bit i = neuron
// i), best_frozen_L, beats_frozen; after a search also the distinct fixed points found, the
// returned one first: optima_L [m], optima_q [m, n], optima_hits [m], attribute
// optima_first_start.
void write_solution(const h5::OutputFile& out, const Network& net, const Solution& sol,
                    const std::string& prefix = "");

// A network and its solution read back from a result written by write_solution.
struct StoredSolution {
  Network net;
  Solution sol;
};
StoredSolution read_solution(const h5::InputFile& in, const std::string& prefix = "");

void write_inference(const h5::OutputFile& out, const TabularInference& inf, const std::string& prefix = "");

// The network a reward file describes, for predictions: the reward of an infer result
// (/inferred) or of an optimise / predict result (/solution), its lambda, input chain and
// dead cells. `source` is set to the group used.
Network read_reward_network(const h5::InputFile& in, std::string* source = nullptr);

void write_raster(const h5::OutputFile& out, const Raster& raster, const std::string& prefix = "");

// Tuning curves (measures/tuning.hpp) as one float64 dataset [n, rows, n] (neuron, input or
// group, others active).
void write_tuning_curves(const h5::OutputFile& out, const std::string& name, const std::vector<Eigen::MatrixXd>& tuning);

// /efficient_coding: feature (int32 [nx], 0/1), readout [2^n] = p(y = +1 | sigma),
// readout_by_count [n + 1]; attributes information, independent_information (nats),
// updates, change, converged.
void write_efficient_coding(const h5::OutputFile& out, const Network& net, const std::vector<int>& y,
                            const EfficientCodingResult& res, const std::string& prefix = "");

// GROUP (e.g. /pairwise/fit_check): data_rates, model_rates [n] (P(neuron active)),
// data_counts, model_counts [n + 1] (P(k active)); attributes passed (0/1), problem,
// count_tv, tv_threshold, unsupported_mass, rate_max_error, correlation_slope,
// correlation_r2, exact (0/1), model_samples.
void write_fit_check(const h5::OutputFile& out, const FitCheck& check, const std::string& group);

}  // namespace nirl
