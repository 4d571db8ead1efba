// Conversions between the Python side of the module (numpy arrays, plain dicts) and the
// library's types. A model dict (what optimise, predict and infer return) carries
//   reward [S], lambda, input_transition [nx, nx], dead [n] (bool), q [n] (P(neuron fires))
// and, for solutions, value [S], stationary [S], log_q [n, 2] (log q_i(+1), log q_i(-1)).
// S = 2^n nx; state s = sigma + 2^n x, bit i of sigma = neuron i (docs/model.md section 2).
// A missing or malformed entry is a nirl::Error naming it.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/network.hpp"
#include "nirl/sample/raster.hpp"

namespace nirl::py {

namespace pb = pybind11;

// numpy float64 copies.
pb::array_t<double> to_numpy(const Eigen::VectorXd& v);
pb::array_t<double> to_numpy(const Eigen::MatrixXd& m);  // row-major [rows, cols]
pb::array_t<double> to_numpy(const std::vector<double>& v);
// A vector moved into a numpy array of the given shape without a copy.
pb::array_t<std::uint8_t> to_numpy(std::vector<std::uint8_t>&& v, std::vector<pb::ssize_t> shape);
pb::array_t<std::int32_t> to_numpy(std::vector<std::int32_t>&& v);

// dict[key] as a float64 vector / matrix / number / string; `what` names the argument.
bool has(const pb::dict& d, const char* key);
Eigen::VectorXd vector_of(const pb::handle& obj, const std::string& what);
Eigen::MatrixXd matrix_of(const pb::handle& obj, const std::string& what);
Eigen::VectorXd vector_entry(const pb::dict& d, const char* key, const std::string& what);
double number_entry(const pb::dict& d, const char* key, const std::string& what);

// The 0/1 pattern of every network state sigma (rows 0 .. 2^n - 1), uint8 [2^n, n].
pb::array_t<std::uint8_t> state_patterns(int n);

// A raster from spikes (T x n, 0/1, any integer or bool dtype) and an optional input
// sequence (length T, integers 0 .. nx - 1).
Raster raster_of(const pb::handle& spikes, const pb::handle& input, int nx);

// The network a model dict describes (make_network checks every field).
Network network_of(const pb::dict& model, const std::string& what);
// Its firing probabilities q_i(+1).
std::vector<double> rates_of(const pb::dict& model, const Network& net, const std::string& what);
// The solution of a solution dict (value, stationary, q / log_q).
Solution solution_of(const pb::dict& model, const Network& net, const std::string& what);

// The model dict of a network and its solution (with the optimum report).
pb::dict solution_dict(const Network& net, const Solution& sol);

}  // namespace nirl::py
