// The maze of Fig 1 (docs/model.md section 1) as an MDP: an ASCII map, one state per free
// cell, five actions (north, east, south, west, stay; a move into a wall or off the map is
// a stay), reward on the rewarded cells. The maze is episodic: in a rewarded cell every
// action takes the agent back to the start (so the optimum walks start -> goal again and
// again instead of sitting on the reward at no coding cost).
//
// Map text: rows from top to bottom separated by whitespace; 'X' wall, '.' free, 'S' the
// start (exactly one), 'G' a rewarded cell (at least one). Every free cell must be
// reachable from the start without passing a rewarded cell.
#pragma once
#include <Eigen/Dense>
#include <optional>
#include <string>
#include <vector>

#include "nirl/maze/mdp.hpp"

namespace nirl {

enum MazeAction { kNorth = 0, kEast = 1, kSouth = 2, kWest = 3, kStay = 4 };
inline constexpr int kMazeActions = 5;
inline const char* const kMazeActionNames[kMazeActions] = {"north", "east", "south", "west", "stay"};

struct Gridworld {
  int rows = 0, cols = 0;
  std::string cells;          // rows * cols map characters, row-major
  std::vector<int> state_of;  // cell -> state, -1 for walls
  std::vector<int> cell_of;   // state -> cell
  int start = 0;              // state of 'S'
  std::vector<int> goals;     // states of 'G'

  int states() const { return int(cell_of.size()); }
};

// Parses and checks a map; errors name `key` (e.g. "maze.map") and the offending row,
// column or character.
Gridworld parse_gridworld(const std::string& text, const std::string& key);

// The MDP of the maze: reward goal_reward on the rewarded cells, 0 elsewhere.
Mdp gridworld_mdp(const Gridworld& world, double lambda, double goal_reward);

// A per-state vector laid out on the grid (rows * cols, row-major); walls get `fill`.
Eigen::VectorXd on_grid(const Gridworld& world, const Eigen::VectorXd& per_state, double fill);

// The map as uint8 codes per cell: 0 wall, 1 free, 2 start, 3 rewarded.
std::vector<unsigned char> map_codes(const Gridworld& world);

// A change of the agent's context (Fig 1F predictions): a new coding cost, a new map of the
// same size (walls moved).
struct MazeChange {
  std::optional<double> lambda;
  std::optional<std::string> map;
};

}  // namespace nirl
