// The Fig 1 maze as an MDP (docs/model.md section 1).
#include "nirl/maze/gridworld.hpp"

#include <sstream>

#include "nirl/core/error.hpp"

namespace nirl {

Gridworld parse_gridworld(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::vector<std::string> rows;
  for (std::string row; in >> row;) rows.push_back(row);
  if (rows.empty()) fail(key, ": the map is empty");
  Gridworld w;
  w.rows = int(rows.size());
  w.cols = int(rows[0].size());
  int starts = 0;
  for (int r = 0; r < w.rows; ++r) {
    const std::string& row = rows[std::size_t(r)];
    if (int(row.size()) != w.cols)
      fail(key, ": row ", r + 1, " has ", row.size(), " cells but row 1 has ", w.cols,
           " (the map must be rectangular)");
    for (int c = 0; c < w.cols; ++c) {
      const char ch = row[std::size_t(c)];
      if (ch != 'X' && ch != '.' && ch != 'S' && ch != 'G')
        fail(key, ": unknown character '", ch, "' at row ", r + 1, ", column ", c + 1,
             " (expected X wall, . free, S start, G rewarded)");
      starts += ch == 'S';
    }
    w.cells += row;
  }
  if (starts != 1) fail(key, ": the map needs exactly one start cell 'S' (found ", starts, ")");
  if (w.cells.find('G') == std::string::npos) fail(key, ": the map has no rewarded cell 'G'");

  w.state_of.assign(w.cells.size(), -1);
  for (std::size_t cell = 0; cell < w.cells.size(); ++cell) {
    if (w.cells[cell] == 'X') continue;
    w.state_of[cell] = int(w.cell_of.size());
    if (w.cells[cell] == 'S') w.start = int(w.cell_of.size());
    if (w.cells[cell] == 'G') w.goals.push_back(int(w.cell_of.size()));
    w.cell_of.push_back(int(cell));
  }

  // Reachability from the start by moves, not through a rewarded cell (it resets).
  std::vector<bool> seen(w.cells.size(), false);
  std::vector<int> stack = {w.cell_of[std::size_t(w.start)]};
  seen[std::size_t(stack[0])] = true;
  const int dr[4] = {-1, 0, 1, 0}, dc[4] = {0, 1, 0, -1};
  while (!stack.empty()) {
    const int cell = stack.back();
    stack.pop_back();
    if (w.cells[std::size_t(cell)] == 'G') continue;
    for (int d = 0; d < 4; ++d) {
      const int r = cell / w.cols + dr[d], c = cell % w.cols + dc[d];
      if (r < 0 || r >= w.rows || c < 0 || c >= w.cols) continue;
      const int next = r * w.cols + c;
      if (w.cells[std::size_t(next)] == 'X' || seen[std::size_t(next)]) continue;
      seen[std::size_t(next)] = true;
      stack.push_back(next);
    }
  }
  for (const int g : w.goals) {
    const int cell = w.cell_of[std::size_t(g)];
    if (!seen[std::size_t(cell)])
      fail(key, ": the rewarded cell at row ", cell / w.cols + 1, ", column ", cell % w.cols + 1,
           " cannot be reached from the start");
  }
  for (const int cell : w.cell_of)
    if (!seen[std::size_t(cell)])
      fail(key, ": the free cell at row ", cell / w.cols + 1, ", column ", cell % w.cols + 1,
           " cannot be reached from the start without passing a rewarded cell (make it a wall)");
  return w;
}

Mdp gridworld_mdp(const Gridworld& world, double lambda, double goal_reward) {
  Mdp mdp;
  mdp.states = world.states();
  mdp.actions = kMazeActions;
  mdp.lambda = lambda;
  mdp.reward = Eigen::VectorXd::Zero(mdp.states);
  const int dr[4] = {-1, 0, 1, 0}, dc[4] = {0, 1, 0, -1};
  mdp.first.push_back(0);
  for (int s = 0; s < mdp.states; ++s) {
    const int cell = world.cell_of[std::size_t(s)];
    const bool goal = world.cells[std::size_t(cell)] == 'G';
    if (goal) mdp.reward[s] = goal_reward;
    for (int a = 0; a < kMazeActions; ++a) {
      int next = s;
      if (goal) {
        next = world.start;  // episodic reset, whatever the action
      } else if (a != kStay) {
        const int r = cell / world.cols + dr[a], c = cell % world.cols + dc[a];
        if (r >= 0 && r < world.rows && c >= 0 && c < world.cols &&
            world.state_of[std::size_t(r * world.cols + c)] >= 0)
          next = world.state_of[std::size_t(r * world.cols + c)];
      }
      mdp.next.push_back(next);
      mdp.prob.push_back(1.0);
      mdp.first.push_back(mdp.next.size());
    }
  }
  check_mdp(mdp);
  return mdp;
}

Eigen::VectorXd on_grid(const Gridworld& world, const Eigen::VectorXd& per_state, double fill) {
  Eigen::VectorXd g = Eigen::VectorXd::Constant(world.rows * world.cols, fill);
  for (int s = 0; s < world.states(); ++s) g[world.cell_of[std::size_t(s)]] = per_state[s];
  return g;
}

std::vector<unsigned char> map_codes(const Gridworld& world) {
  std::vector<unsigned char> codes;
  for (const char ch : world.cells) codes.push_back(ch == 'X' ? 0 : ch == '.' ? 1 : ch == 'S' ? 2 : 3);
  return codes;
}

}  // namespace nirl
