#include "nirl/io/solution_store.hpp"

#include <vector>

#include "nirl/core/error.hpp"

namespace nirl {
namespace {

Eigen::VectorXd read_vector(const h5::InputFile& file, const std::string& name) {
  const std::vector<double> data = h5::read_doubles(file, name, 1);
  return Eigen::Map<const Eigen::VectorXd>(data.data(), Eigen::Index(data.size()));
}

}  // namespace

void store_solution(hid_t file, const std::string& group, const Solution& sol) {
  const hsize_t S = hsize_t(sol.value.size()), n = hsize_t(sol.q.log_on.size()), k = hsize_t(sol.optima.size());
  h5::describe_group(file, group, "a solution stored bit for bit (the forward problem's optimum)");
  h5::write_doubles(file, group + "/value", sol.value.data(), {S},
                    {"reward", "relative value v(s) of the optimum", {"state"}});
  h5::write_doubles(file, group + "/stationary", sol.stationary.data(), {hsize_t(sol.stationary.size())},
                    {"probability", "stationary distribution p(s) of the optimal dynamics", {"state"}});
  h5::write_doubles(file, group + "/log_on", sol.q.log_on.data(), {n}, {"nats", "log q_i(+1) of each neuron", {"neuron"}});
  h5::write_doubles(file, group + "/log_off", sol.q.log_off.data(), {n}, {"nats", "log q_i(-1) of each neuron", {"neuron"}});
  for (const auto& [name, value] : {std::pair<const char*, double>{"L", sol.L}, {"mean_reward", sol.mean_reward},
                                    {"coding_cost", sol.coding_cost}, {"value_span", sol.value_span},
                                    {"stationary_change", sol.stationary_change}, {"q_residual", sol.q_residual}})
    h5::set_attribute(file, group, name, value);
  for (const auto& [name, value] : {std::pair<const char*, long long>{"outer_iterations", sol.outer_iterations},
                                    {"bellman_sweeps", sol.bellman_sweeps},
                                    {"stationary_sweeps", sol.stationary_sweeps},
                                    {"converged", sol.converged ? 1 : 0}, {"optima", (long long)k}})
    h5::set_attribute(file, group, name, value);
  for (hsize_t j = 0; j < k; ++j) {
    const LocalOptimum& o = sol.optima[j];
    const std::string at = group + "/optimum" + std::to_string(j);
    h5::describe_group(file, at, "a distinct fixed point the optimum search found");
    h5::write_doubles(file, at + "/q", o.q.data(), {hsize_t(o.q.size())},
                      {"probability", "firing marginals q_i(+1) of the fixed point", {"neuron"}});
    h5::set_attribute(file, at, "L", o.L);
    h5::set_attribute(file, at, "hits", (long long)o.hits);
    h5::set_attribute(file, at, "start", o.start);
  }
}

Solution load_solution(const h5::InputFile& file, const std::string& group) {
  if (!h5::exists(file, group)) fail(file.path(), ": no stored solution ", group);
  Solution sol;
  sol.value = read_vector(file, group + "/value");
  sol.stationary = read_vector(file, group + "/stationary");
  sol.q.log_on = h5::read_doubles(file, group + "/log_on", 1);
  sol.q.log_off = h5::read_doubles(file, group + "/log_off", 1);
  sol.L = h5::read_attribute_double(file, group, "L");
  sol.mean_reward = h5::read_attribute_double(file, group, "mean_reward");
  sol.coding_cost = h5::read_attribute_double(file, group, "coding_cost");
  sol.value_span = h5::read_attribute_double(file, group, "value_span");
  sol.stationary_change = h5::read_attribute_double(file, group, "stationary_change");
  sol.q_residual = h5::read_attribute_double(file, group, "q_residual");
  sol.outer_iterations = int(h5::read_attribute_int(file, group, "outer_iterations"));
  sol.bellman_sweeps = long(h5::read_attribute_int(file, group, "bellman_sweeps"));
  sol.stationary_sweeps = long(h5::read_attribute_int(file, group, "stationary_sweeps"));
  sol.converged = h5::read_attribute_int(file, group, "converged") != 0;
  const long long k = h5::read_attribute_int(file, group, "optima");
  for (long long j = 0; j < k; ++j) {
    const std::string at = group + "/optimum" + std::to_string(j);
    LocalOptimum o;
    o.q = h5::read_doubles(file, at + "/q", 1);
    o.L = h5::read_attribute_double(file, at, "L");
    o.hits = int(h5::read_attribute_int(file, at, "hits"));
    o.start = h5::read_attribute_string(file, at, "start");
    sol.optima.push_back(std::move(o));
  }
  return sol;
}

}  // namespace nirl
