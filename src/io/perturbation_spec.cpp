// The text forms of changes of context (perturbation_spec.hpp).
#include "nirl/io/perturbation_spec.hpp"

#include <limits>
#include <sstream>
#include <utility>
#include <vector>

#include "nirl/core/error.hpp"
#include "nirl/io/parse_number.hpp"
#include "nirl/io/hdf5_io.hpp"

namespace nirl {
namespace {

Eigen::MatrixXd read_matrix(const std::string& where) {
  const auto colon = where.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == where.size())
    fail("--perturb input: expected FILE:DATASET (got '", where, "')");
  return h5::read_matrix(h5::InputFile(where.substr(0, colon)), where.substr(colon + 1));
}

// The key=value items of a change's text form: comma-separated, blanks around an item
// ignored, 'none' for no change. Fails on an empty text and on an item without '=' (keys:
// the accepted keys, for the message).
std::vector<std::pair<std::string, std::string>> change_items(const std::string& spec, const char* keys) {
  std::vector<std::pair<std::string, std::string>> items;
  std::istringstream in(spec);
  std::string item;
  bool any = false;
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
    if (b == std::string::npos) continue;
    item = item.substr(b, e - b + 1);
    any = true;
    if (item == "none") continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos) fail("'", item, "' is not key=value ", keys);
    items.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  if (!any) fail("the change is empty (use 'none' for no change)");
  return items;
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

FamilyChange parse_family_change(const std::string& spec) {
  FamilyChange change;
  std::istringstream in(spec);
  std::string item;
  bool any = false, field = false;
  const char* keys = "(keys: lambda, remove_beyond, pin, pin_field)";
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    any = true;
    if (item == "none") continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos) fail("'", item, "' is not key=value ", keys);
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "lambda") {
      change.lambda = parse_real(value, key);
      if (!(*change.lambda > 0.0)) fail("lambda must be > 0 (got ", value, ")");
    } else if (key == "remove_beyond") {
      change.remove_beyond = int(parse_integer(value, key, 1, std::numeric_limits<int>::max()));
    } else if (key == "pin") {
      std::istringstream cells(value);
      std::string cell;
      while (std::getline(cells, cell, '+'))
        change.pinned.push_back(int(parse_integer(cell, key, 0, std::numeric_limits<int>::max())));
      if (value.empty() || value.back() == '+') fail("pin: expected neurons such as 0+1 (got '", value, "')");
    } else if (key == "pin_field") {
      change.pin_field = parse_real(value, key);
      field = true;
    } else {
      fail("unknown key '", key, "' ", keys);
    }
  }
  if (!any) fail("the change is empty (use 'none' for no change)");
  if (field && change.pinned.empty()) fail("pin_field was given without pin (the neurons it drives)");
  return change;
}

CodingChange parse_coding_change(const std::string& spec) {
  CodingChange change;
  for (const auto& [key, value] : change_items(spec, "(keys: pixel_on, pixel_redraw, lambda)")) {
    if (key != "pixel_on" && key != "pixel_redraw" && key != "lambda")
      fail("unknown key '", key, "' (keys: pixel_on, pixel_redraw, lambda)");
    const double x = parse_real(value, key);
    if (key == "pixel_on") {
      if (!(x > 0.0 && x < 1.0)) fail("pixel_on must be in (0, 1) (got ", value, ")");
      change.pixel_on = x;
    } else if (key == "pixel_redraw") {
      if (!(x > 0.0 && x <= 1.0)) fail("pixel_redraw must be in (0, 1] (got ", value, ")");
      change.pixel_redraw = x;
    } else {
      if (!(x > 0.0)) fail("lambda must be > 0 (got ", value, ")");
      change.lambda = x;
    }
  }
  return change;
}

MazeChange parse_maze_change(const std::string& spec) {
  MazeChange change;
  for (const auto& [key, value] : change_items(spec, "(keys: lambda, map)")) {
    if (key == "lambda") {
      change.lambda = parse_real(value, key);
      if (!(*change.lambda > 0.0)) fail("lambda must be > 0 (got ", value, ")");
    } else if (key == "map") {
      change.map = value;
    } else {
      fail("unknown key '", key, "' (keys: lambda, map)");
    }
  }
  return change;
}

}  // namespace nirl
