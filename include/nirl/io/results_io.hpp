// The public HDF5 layout of nirl results (docs/hdf5_layout.md, checked by the test
// Hdf5Layout):
//   /solution/{value,stationary,reward} float64 [S], q [n]; attributes n, nx, lambda, L,
//                                           mean_reward, coding_cost, convergence
//   /model/input_transition (nx x nx), /model/dead (uint8 mask, length n)
//   /raster/spikes (uint8, T x n), /raster/input (int32, T; when nx > 1)
//   /inferred/{reward,value,q} float64, visits int64 [S]; attributes method, lambda,
//                                           samples, converged, log_likelihood, n, nx
//   /axes: the dimension scales (result_axes.hpp)
//   root attributes: config (INI text), version, commit, seed, command
// Every dataset has units, a description and named dimensions (h5::Describe).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

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

// /model: input_transition [nx, nx] and dead [n] (1 = clamped silent), under `prefix`.
void write_model(const h5::OutputFile& out, const InputChain& input, const std::vector<std::uint8_t>& dead,
                 const std::string& prefix = "");

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
// What write_raster and RasterWriter write: the descriptions of /raster/spikes [T, n] and
// /raster/input [T], and, once they are written, the group's description and neuron axis.
h5::Describe raster_spikes_description();
h5::Describe raster_input_description();
void describe_raster(const h5::OutputFile& out, const std::string& prefix, int n);

// Tuning curves (measures/tuning.hpp) as one float64 dataset [n, rows, n] (neuron, input or
// group, others active).
void write_tuning_curves(const h5::OutputFile& out, const std::string& name, const std::vector<Eigen::MatrixXd>& tuning);

// /efficient_coding: feature (int32 [nx], 0/1), readout [2^n] = p(y = +1 | sigma) (pattern axis),
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
