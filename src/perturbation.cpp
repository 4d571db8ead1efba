#include "nirl/perturbation.hpp"

#include <limits>
#include <sstream>

#include "nirl/error.hpp"
#include "nirl/hdf5_io.hpp"
#include "nirl/parse_number.hpp"

namespace nirl {
namespace {

Eigen::MatrixXd read_matrix(const std::string& where) {
  const auto colon = where.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == where.size())
    fail("--perturb input: expected FILE:DATASET (got '", where, "')");
  return h5::read_matrix(h5::InputFile(where.substr(0, colon)), where.substr(colon + 1));
}

}  // namespace

Perturbation parse_perturbation(const std::string& spec) {
  Perturbation change;
  std::istringstream in(spec);
  std::string item;
  bool any = false;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    any = true;
    if (item == "none") continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos) fail("--perturb: '", item, "' is not key=value (keys: lambda, dead, switch_up, switch_down, input)");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "lambda") {
      change.lambda = parse_real(value, "--perturb " + key);
    } else if (key == "dead") {
      if (value.empty()) fail("--perturb dead: no neuron given (e.g. dead=3 or dead=3+5)");
      std::istringstream cells(value);
      std::string cell;
      while (std::getline(cells, cell, '+'))
        change.dead.push_back(int(parse_integer(cell, "--perturb dead", 0, std::numeric_limits<int>::max())));
      if (value.back() == '+') fail("--perturb dead: '", value, "' ends with '+'");
    } else if (key == "switch_up") {
      change.switch_up = parse_real(value, "--perturb " + key);
    } else if (key == "switch_down") {
      change.switch_down = parse_real(value, "--perturb " + key);
    } else if (key == "input") {
      change.input = read_matrix(value);
    } else {
      fail("--perturb: unknown key '", key, "' (keys: lambda, dead, switch_up, switch_down, input)");
    }
  }
  if (!any) fail("--perturb is empty (use 'none' for no change)");
  return change;
}

Network apply_perturbation(const Network& base, const Perturbation& change) {
  const int nx = base.space.nx;
  InputChain input = base.input;
  if (change.input) {
    if (change.input->rows() != nx || change.input->cols() != nx)
      fail("--perturb input: the matrix is ", change.input->rows(), " x ", change.input->cols(),
           " but the network has nx = ", nx, " input states");
    if (change.switch_up || change.switch_down) fail("--perturb: input conflicts with switch_up/switch_down");
    input = matrix_input(*change.input, "--perturb input");
  }
  if (change.switch_up || change.switch_down) {
    if (nx != 2) fail("--perturb switch_up/switch_down need a binary input (nx = 2); this network has nx = ", nx);
    const double up = change.switch_up.value_or(input.P(0, 1));
    const double down = change.switch_down.value_or(input.P(1, 0));
    input = telegraph_input(up, down);
  }
  std::vector<int> dead = change.dead;
  for (int i = 0; i < base.n(); ++i)
    if (base.is_dead(i)) {
      bool listed = false;
      for (int k : dead) listed = listed || k == i;
      if (!listed) dead.push_back(i);
    }
  return make_network(base.n(), input, base.reward, change.lambda.value_or(base.lambda), dead);
}

}  // namespace nirl
