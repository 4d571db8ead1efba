// Fig 1F end to end: maze forward -> trajectories -> inverse -> predictions (MODEL.md 1, 4, 7).
#include "nirl/study/fig1.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nirl/core/error.hpp"
#include "nirl/maze/gridworld.hpp"
#include "nirl/maze/mdp.hpp"
#include "nirl/measures/measures.hpp"

namespace nirl {
namespace {

// Random streams: the drawn trajectory, then one per (sample size, trial).
constexpr std::uint64_t kStreamTrajectory = 0, kStreamData = 1;

const double kNaN = std::numeric_limits<double>::quiet_NaN();

void write_grid(const h5::OutputFile& out, const std::string& name, const Gridworld& w, const Eigen::VectorXd& g) {
  h5::write_doubles(out.id(), name, g.data(), {hsize_t(w.rows), hsize_t(w.cols)});
}

void write_map(const h5::OutputFile& out, const std::string& name, const Gridworld& w) {
  const std::vector<unsigned char> codes = map_codes(w);
  h5::write_uint8(out.id(), name, codes.data(), {hsize_t(w.rows), hsize_t(w.cols)});
}

// Starting point of a re-solve: the operating point q, at least 1e-6 so an action the agent
// did not use in the original maze can come back.
SolverOptions from_operating_point(SolverOptions solver, const std::vector<double>& log_q) {
  solver.initial_q.clear();
  for (double l : log_q) solver.initial_q.push_back(std::max(std::exp(l), 1e-6));
  return solver;
}

// The occupancy of a policy that does not adapt: pi(.|cell) of the original maze where the
// cell existed there, the original q in newly opened cells.
Eigen::VectorXd unadapted_occupancy(const Gridworld& old_world, const MdpSolution& old_sol, const Gridworld& world,
                                    const Mdp& mdp) {
  Eigen::MatrixXd pi(mdp.states, mdp.actions);
  for (int s = 0; s < mdp.states; ++s) {
    const int old_s = old_world.state_of[std::size_t(world.cell_of[std::size_t(s)])];
    for (int a = 0; a < mdp.actions; ++a)
      pi(s, a) = old_s >= 0 ? old_sol.policy(old_s, a) : std::exp(old_sol.log_q[std::size_t(a)]);
  }
  return mdp_stationary(mdp, pi);
}

struct Prediction {
  Eigen::VectorXd truth, predicted, baseline;  // occupancies on the grid
  double kl_predicted = 0.0, kl_baseline = 0.0;
};

void write_prediction(const h5::OutputFile& out, const std::string& group, const Gridworld& w, const Prediction& p) {
  write_grid(out, group + "/true", w, p.truth);
  write_grid(out, group + "/predicted", w, p.predicted);
  write_grid(out, group + "/baseline", w, p.baseline);
  h5::set_attribute(out.id(), group, "kl_predicted", p.kl_predicted);
  h5::set_attribute(out.id(), group, "kl_baseline", p.kl_baseline);
}

}  // namespace

Fig1Summary run_fig1(const Fig1Options& o, const h5::OutputFile& out,
                     const std::function<void(const std::string&)>& stage) {
  auto announce = [&](const std::string& s) {
    if (stage) stage(s);
  };
  if (o.sample_sizes.empty()) fail("Fig 1 needs at least one sample size");
  Fig1Summary summary;
  const Gridworld world = parse_gridworld(o.map, "maze.map");
  const Gridworld moved = parse_gridworld(o.moved_map, "maze.moved_map");
  if (moved.rows != world.rows || moved.cols != world.cols)
    fail("maze.moved_map is ", moved.rows, " x ", moved.cols, " but maze.map is ", world.rows, " x ", world.cols);
  const Mdp mdp = gridworld_mdp(world, o.lambda, o.goal_reward);
  const int S = mdp.states, A = mdp.actions;
  const hsize_t rows = hsize_t(world.rows), cols = hsize_t(world.cols);

  announce("optimal policy");
  const MdpSolution sol = solve_mdp(mdp, o.solver, o.damping);
  if (!sol.converged) fail("the maze solve did not converge (raise solver.max_sweeps or solver.max_outer)");
  summary.cells = S;
  summary.L = sol.L;
  summary.mean_reward = sol.mean_reward;
  summary.coding_cost = sol.coding_cost;
  for (double l : sol.log_q) summary.q.push_back(std::exp(l));

  write_map(out, "/fig1/maze", world);
  write_map(out, "/fig1/moved_maze", moved);
  std::vector<double> policy(rows * cols * hsize_t(A), kNaN);
  for (int s = 0; s < S; ++s)
    for (int a = 0; a < A; ++a)
      policy[std::size_t(world.cell_of[std::size_t(s)]) * std::size_t(A) + std::size_t(a)] = sol.policy(s, a);
  h5::write_doubles(out.id(), "/fig1/policy", policy.data(), {rows, cols, hsize_t(A)});
  h5::write_doubles(out.id(), "/fig1/q", summary.q.data(), {hsize_t(A)});
  write_grid(out, "/fig1/value", world, on_grid(world, sol.value, kNaN));
  write_grid(out, "/fig1/visit_density", world, on_grid(world, sol.stationary, 0.0));
  write_grid(out, "/fig1/true_reward", world, on_grid(world, mdp.reward, kNaN));
  const hid_t f = out.id();
  h5::set_attribute(f, "/fig1", "lambda", o.lambda);
  h5::set_attribute(f, "/fig1", "goal_reward", o.goal_reward);
  h5::set_attribute(f, "/fig1", "L", sol.L);
  h5::set_attribute(f, "/fig1", "mean_reward", sol.mean_reward);
  h5::set_attribute(f, "/fig1", "coding_cost", sol.coding_cost);
  h5::set_attribute(f, "/fig1", "converged", (long long)sol.converged);
  h5::set_attribute(f, "/fig1", "outer_iterations", (long long)sol.outer_iterations);
  h5::set_attribute(f, "/fig1", "bellman_sweeps", (long long)sol.bellman_sweeps);
  std::string names;
  for (int a = 0; a < A; ++a) names += (a ? "," : "") + std::string(kMazeActionNames[a]);
  h5::set_attribute(f, "/fig1", "actions", names);

  announce("trajectory");
  const Trajectory tr = sample_trajectory(mdp, sol.policy, world.start, o.trajectory_steps, o.seed, kStreamTrajectory);
  std::vector<std::int32_t> tr_cells;
  for (const std::int32_t s : tr.states) tr_cells.push_back(world.cell_of[std::size_t(s)]);
  h5::write_int32(f, "/fig1/trajectory/cells", tr_cells.data(), {tr_cells.size()});
  h5::write_int32(f, "/fig1/trajectory/actions", tr.actions.data(), {tr.actions.size()});

  // Identified cells: those the agent visits (true p above the threshold).
  Eigen::VectorXd identified(S);
  for (int s = 0; s < S; ++s) identified[s] = sol.stationary[s] > o.threshold ? 1.0 : 0.0;
  summary.identified = int(identified.sum());
  write_grid(out, "/fig1/identified", world, on_grid(world, identified, 0.0));
  h5::set_attribute(f, "/fig1", "threshold", o.threshold);
  h5::set_attribute(f, "/fig1", "identified_cells", (long long)summary.identified);

  MdpInverseOptions inv_options;
  inv_options.ridge = o.ridge;
  announce("inverse from the exact policy");
  {
    // Expected counts p(s) pi(a|s) per step, of 1e6 steps (the ridge is relative to the data).
    const Eigen::MatrixXd counts = 1e6 * (sol.stationary.asDiagonal() * sol.policy);
    const MdpInverse inv = infer_mdp_reward(mdp, counts, inv_options);
    const AlignedFit fit = aligned_r2(mdp.reward, inv.reward, sol.stationary, o.threshold);
    summary.exact_r2 = fit.r2;
    summary.exact_scale = fit.scale;
    write_grid(out, "/fig1/exact/inferred_reward", world, on_grid(world, inv.reward, kNaN));
    h5::set_attribute(f, "/fig1/exact", "r2", fit.r2);
    h5::set_attribute(f, "/fig1/exact", "scale", fit.scale);
  }

  announce("r2 vs data");
  const std::size_t K = o.sample_sizes.size(), T = std::size_t(o.trials);
  std::vector<double> r2(K * T), scale(K * T), converged(K * T);
  MdpInverse used;
  for (std::size_t k = 0; k < K; ++k) {
    double total = 0.0;
    for (std::size_t t = 0; t < T; ++t) {
      const Trajectory data =
          sample_trajectory(mdp, sol.policy, world.start, o.sample_sizes[k], o.seed, kStreamData + k * T + t);
      MdpInverse inv = infer_mdp_reward(mdp, action_counts(mdp, data), inv_options);
      const AlignedFit fit = aligned_r2(mdp.reward, inv.reward, sol.stationary, o.threshold);
      r2[k * T + t] = fit.r2;
      scale[k * T + t] = fit.scale;
      converged[k * T + t] = inv.converged;
      total += fit.r2;
      if (k + 1 == K && t == 0) {
        summary.r2 = fit.r2;
        summary.scale = fit.scale;
        used = std::move(inv);
      }
    }
    summary.mean_r2.push_back(total / double(T));
  }
  std::vector<double> sizes(o.sample_sizes.begin(), o.sample_sizes.end());
  h5::write_doubles(f, "/fig1/data/sample_sizes", sizes.data(), {K});
  h5::write_doubles(f, "/fig1/data/r2", r2.data(), {K, T});
  h5::write_doubles(f, "/fig1/data/scale", scale.data(), {K, T});
  h5::write_doubles(f, "/fig1/data/converged", converged.data(), {K, T});
  const AlignedFit used_fit = aligned_r2(mdp.reward, used.reward, sol.stationary, o.threshold);
  Eigen::VectorXd aligned = used_fit.scale * used.reward;
  aligned.array() += used_fit.offset[0];
  write_grid(out, "/fig1/inferred_reward", world, on_grid(world, used.reward, kNaN));
  write_grid(out, "/fig1/aligned_inferred_reward", world, on_grid(world, aligned, kNaN));
  h5::set_attribute(f, "/fig1/inferred_reward", "r2", used_fit.r2);
  h5::set_attribute(f, "/fig1/inferred_reward", "scale", used_fit.scale);
  h5::set_attribute(f, "/fig1/inferred_reward", "samples", double(o.sample_sizes.back()));
  h5::set_attribute(f, "/fig1/inferred_reward", "converged", (long long)used.converged);

  announce("prediction: larger lambda");
  Prediction big;
  {
    Mdp truth_mdp = mdp, pred_mdp = mdp;
    truth_mdp.lambda = pred_mdp.lambda = o.larger_lambda;
    pred_mdp.reward = used.reward;
    const MdpSolution truth = solve_mdp(truth_mdp, from_operating_point(o.solver, sol.log_q), o.damping);
    const MdpSolution pred = solve_mdp(pred_mdp, from_operating_point(o.solver, used.log_q), o.damping);
    big.truth = on_grid(world, truth.stationary, 0.0);
    big.predicted = on_grid(world, pred.stationary, 0.0);
    big.baseline = on_grid(world, sol.stationary, 0.0);
  }
  big.kl_predicted = kl_divergence(big.truth, big.predicted);
  big.kl_baseline = kl_divergence(big.truth, big.baseline);
  write_prediction(out, "/fig1/predictions/larger_lambda", world, big);
  h5::set_attribute(f, "/fig1/predictions/larger_lambda", "lambda", o.larger_lambda);
  summary.kl_lambda = big.kl_predicted;
  summary.kl_lambda_baseline = big.kl_baseline;

  announce("prediction: moved walls");
  Prediction walls;
  {
    const Mdp truth_mdp = gridworld_mdp(moved, o.lambda, o.goal_reward);
    Mdp pred_mdp = truth_mdp;
    // Newly opened cells were never observed: they get the median inferred reward of the identified cells.
    std::vector<double> known;
    for (int s = 0; s < S; ++s)
      if (identified[s] > 0.0) known.push_back(used.reward[s]);
    std::nth_element(known.begin(), known.begin() + std::ptrdiff_t(known.size() / 2), known.end());
    const double typical = known[known.size() / 2];
    for (int s = 0; s < pred_mdp.states; ++s) {
      const int old_s = world.state_of[std::size_t(moved.cell_of[std::size_t(s)])];
      pred_mdp.reward[s] = old_s >= 0 ? used.reward[old_s] : typical;
    }
    const MdpSolution truth = solve_mdp(truth_mdp, from_operating_point(o.solver, sol.log_q), o.damping);
    const MdpSolution pred = solve_mdp(pred_mdp, from_operating_point(o.solver, used.log_q), o.damping);
    walls.truth = on_grid(moved, truth.stationary, 0.0);
    walls.predicted = on_grid(moved, pred.stationary, 0.0);
    walls.baseline = on_grid(moved, unadapted_occupancy(world, sol, moved, truth_mdp), 0.0);
    h5::set_attribute(f, "/fig1", "new_cell_reward", typical);
  }
  walls.kl_predicted = kl_divergence(walls.truth, walls.predicted);
  walls.kl_baseline = kl_divergence(walls.truth, walls.baseline);
  write_prediction(out, "/fig1/predictions/moved_walls", moved, walls);
  summary.kl_walls = walls.kl_predicted;
  summary.kl_walls_baseline = walls.kl_baseline;
  return summary;
}

}  // namespace nirl
