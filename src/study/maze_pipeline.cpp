#include "nirl/study/maze_pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nirl/core/error.hpp"
#include "nirl/io/perturbation_spec.hpp"

namespace nirl {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct MazeContext {
  Gridworld world;
  Mdp mdp;
};

struct MazeTruth : PipelineTruth {
  Mdp mdp;
  MdpSolution solution;
  Eigen::VectorXd identified;             // 1 where the true p is above the threshold
  std::vector<MazeContext> changed;       // per perturbation
  std::vector<MdpSolution> adapted;       // per perturbation
  std::vector<Eigen::VectorXd> baseline;  // per perturbation: the unadapted occupancy
  std::vector<double> kl_baseline;        // KL(true adapted || unadapted) on the grid
};

// Starting point of a re-solve: the operating point q, at least 1e-6 so an action the agent
// did not use before can come back.
SolverOptions from_operating_point(SolverOptions solver, const std::vector<double>& log_q) {
  solver.initial_q.clear();
  for (double l : log_q) solver.initial_q.push_back(std::max(std::exp(l), 1e-6));
  return solver;
}

MazeContext changed_context(const MazePoint& p, const MazeChange& change) {
  MazeContext c{change.map ? parse_gridworld(*change.map, "the perturbation's map") : p.world, {}};
  if (c.world.rows != p.world.rows || c.world.cols != p.world.cols)
    fail("the perturbation's map is ", c.world.rows, " x ", c.world.cols, " but maze.map is ", p.world.rows, " x ",
         p.world.cols);
  c.mdp = gridworld_mdp(c.world, change.lambda ? *change.lambda : p.lambda, p.goal_reward);
  return c;
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

void append(std::vector<double>& record, const Eigen::VectorXd& v) { record.insert(record.end(), v.data(), v.data() + v.size()); }

void append_map(std::vector<double>& record, const Gridworld& world) {
  for (unsigned char c : map_codes(world)) record.push_back(c);
}

}  // namespace

MazePipeline::MazePipeline(std::vector<std::string> perturbations, std::function<MazePoint(const Assignments&)> resolve)
    : perturbations_(std::move(perturbations)), resolve_(std::move(resolve)) {
  changes_ = parse_perturbations(perturbations_, parse_maze_change);
}

const std::vector<MeasureInfo>& MazePipeline::measures() const {
  using L = MeasureLevel;
  static const std::vector<MeasureInfo> all = {
      {"r2", L::task, {}, "1", "aligned r2 of the inferred reward against the true one over the identified cells"},
      {"scale", L::task, {}, "1", "fitted a in r_true = a r_hat + b"},
      {"converged", L::task, {}, "1", "1 if the maximum-likelihood fit met its tolerance, else 0", true},
      {"inferred_reward", L::task, {"row", "column"}, "reward", "the inferred reward per cell (up to a constant; NaN on walls)"},
      {"aligned_reward", L::task, {"row", "column"}, "reward", "the inferred reward after the fit a r_hat + b"},
      {"kl_predicted", L::task, {"perturbation"}, "nats",
       "KL(true adapted occupancy || predicted occupancy) on the grid; NaN where the prediction's solve failed"},
      {"prediction_converged", L::task, {"perturbation"}, "1", "1 if the prediction's solve converged to a finite occupancy, else 0", true},
      {"predicted_occupancy", L::task, {"perturbation", "row", "column"}, "probability",
       "stationary occupancy of the agent re-optimised for the inferred reward in the changed context"},
      {"true_value", L::point, {}, "reward per step", "L = E[r] - lambda E[KL(pi || q)] of the optimal agent"},
      {"true_mean_reward", L::point, {}, "reward per step", "E[r] of the optimal agent"},
      {"coding_cost", L::point, {}, "nats per step", "E[KL(pi(.|s) || q)] of the optimal agent"},
      {"maze", L::point, {"row", "column"}, "1", "the map: 0 wall, 1 free, 2 start, 3 rewarded", true},
      {"true_reward", L::point, {"row", "column"}, "reward", "the true reward per cell (NaN on walls)"},
      {"value", L::point, {"row", "column"}, "reward", "the optimal relative value v (v(start state) = 0; NaN on walls)"},
      {"visit_density", L::point, {"row", "column"}, "probability", "the optimal agent's stationary occupancy"},
      {"identified", L::point, {"row", "column"}, "1", "1 where the true occupancy is above the threshold", true},
      {"policy", L::point, {"row", "column", "action"}, "probability", "pi(a | cell) of the optimal agent (NaN on walls)"},
      {"action_marginal", L::point, {"action"}, "probability", "q(a), the optimal agent's action marginal"},
      {"trajectory_cells", L::point, {"step"}, "cell", "a drawn trajectory from the start: the cell (row-major index) of each step", true},
      {"trajectory_actions", L::point, {"step"}, "action", "the action taken at each step of that trajectory", true},
      {"adapted_maze", L::point, {"perturbation", "row", "column"}, "1", "the map after each perturbation", true},
      {"adapted_occupancy", L::point, {"perturbation", "row", "column"}, "probability",
       "occupancy of the true agent re-optimised in the changed context"},
      {"baseline_occupancy", L::point, {"perturbation", "row", "column"}, "probability",
       "occupancy of the unadapted agent in the changed context (its old policy; the old q in new cells)"},
      {"kl_baseline", L::point, {"perturbation"}, "nats", "KL(true adapted occupancy || unadapted occupancy)"},
  };
  return all;
}

std::vector<std::string> MazePipeline::default_measures() const {
  if (perturbations_.empty()) return {"r2"};
  return {"r2", "kl_predicted", "kl_baseline"};
}

std::shared_ptr<const PipelinePoint> MazePipeline::resolve(const Assignments& settings) const {
  auto point = std::make_shared<MazePoint>(resolve_(settings));
  point->observation.samples = point->samples;
  if (point->samples < 1) fail("study.samples must be >= 1 (got ", point->samples, ")");
  if (!(point->lambda > 0.0)) fail("maze.lambda must be > 0 (got ", point->lambda, ")");
  if (!(point->damping > 0.0 && point->damping <= 1.0)) fail("maze.damping must be in (0, 1] (got ", point->damping, ")");
  if (!(point->threshold >= 0.0)) fail("study.threshold must be >= 0");
  for (std::size_t k = 0; k < changes_.size(); ++k) {
    try {
      changed_context(*point, changes_[k]);
    } catch (const Error& e) {
      fail("study.perturbations '", perturbations_[k], "': ", e.what());
    }
  }
  return point;
}

std::vector<ValueAxis> MazePipeline::value_axes(const PipelinePoint& point) const {
  const MazePoint& p = static_cast<const MazePoint&>(point);
  std::vector<std::string> actions(kMazeActionNames, kMazeActionNames + kMazeActions);
  return {{"perturbation", perturbations_.size(), perturbations_, "changes of the maze", "study.perturbations"},
          {"row", std::size_t(p.world.rows), {}, "map row, top to bottom", ""},
          {"column", std::size_t(p.world.cols), {}, "map column, left to right", ""},
          {"action", actions.size(), actions, "the agent's actions", ""},
          {"step", p.trajectory_steps, {}, "time step of the drawn trajectory", "study.raster_steps"}};
}

std::shared_ptr<const PipelineTruth> MazePipeline::solve_truth(const PipelinePoint& point, const SolveRunner&) const {
  const MazePoint& p = static_cast<const MazePoint&>(point);
  auto truth = std::make_shared<MazeTruth>();
  truth->mdp = gridworld_mdp(p.world, p.lambda, p.goal_reward);
  truth->solution = solve_mdp(truth->mdp, p.solver, p.damping);
  if (!truth->solution.converged) fail("the maze solve did not converge (raise solver.max_sweeps or solver.max_outer)");
  const MdpSolution& sol = truth->solution;
  truth->identified = (sol.stationary.array() > p.threshold).cast<double>();
  for (const MazeChange& change : changes_) {
    MazeContext c = changed_context(p, change);
    truth->adapted.push_back(solve_mdp(c.mdp, from_operating_point(p.solver, sol.log_q), p.damping));
    truth->baseline.push_back(on_grid(c.world, unadapted_occupancy(p.world, sol, c.world, c.mdp), 0.0));
    truth->kl_baseline.push_back(
        kl_divergence(on_grid(c.world, truth->adapted.back().stationary, 0.0), truth->baseline.back()));
    truth->changed.push_back(std::move(c));
  }
  return truth;
}

void MazePipeline::run_task(const PipelinePoint& point, const PipelineTruth& truth, const StudyGrid& grid,
                            const StudyTask& task, const std::vector<const MeasureInfo*>& measures,
                            std::vector<double>& record) const {
  const MazePoint& p = static_cast<const MazePoint&>(point);
  const MazeTruth& t = static_cast<const MazeTruth&>(truth);
  if (task.bootstrap != 0) fail("the maze pipeline has no bootstrap resamples (study.bootstraps must be 0)");
  const MdpSolution& sol = t.solution;
  const Eigen::MatrixXd counts =
      p.observation.statistics == Statistics::exact
          ? Eigen::MatrixXd(double(p.samples) * (sol.stationary.asDiagonal() * sol.policy))
          : action_counts(t.mdp, sample_trajectory(t.mdp, sol.policy, p.world.start, p.samples, p.observation.seed,
                                                   kRasterStreams | grid.raster_index(task)));
  const MdpInference inv = infer_mdp_reward(t.mdp, counts, p.inverse);
  const AlignedFit fit = aligned_r2(t.mdp.reward, inv.reward, sol.stationary, p.threshold);
  // Cells a change opens were never observed: the median inferred reward of the identified cells.
  std::vector<double> known;
  for (int s = 0; s < t.mdp.states; ++s)
    if (t.identified[s] > 0.0) known.push_back(inv.reward[s]);
  std::nth_element(known.begin(), known.begin() + std::ptrdiff_t(known.size() / 2), known.end());
  const double typical = known.empty() ? 0.0 : known[known.size() / 2];
  std::vector<Eigen::VectorXd> predicted;
  std::vector<double> kl, solved;
  for (std::size_t k = 0; k < t.changed.size(); ++k) {
    const MazeContext& c = t.changed[k];
    Mdp pred = c.mdp;
    for (int s = 0; s < pred.states; ++s) {
      const int old_s = p.world.state_of[std::size_t(c.world.cell_of[std::size_t(s)])];
      pred.reward[s] = old_s >= 0 ? inv.reward[old_s] : typical;
    }
    // A solve that fails (an inferred reward from few steps can be extreme on cells seen
    // once, or leave the chain without a unique stationary distribution) leaves the
    // prediction undefined: NaN, and prediction_converged says so.
    MdpSolution r;
    try {
      r = solve_mdp(pred, from_operating_point(p.solver, inv.log_q), p.damping);
    } catch (const Error&) {
      r.converged = false;
    }
    solved.push_back(r.converged && r.stationary.allFinite() ? 1.0 : 0.0);
    predicted.push_back(solved.back() > 0.0 ? on_grid(c.world, r.stationary, 0.0)
                                            : Eigen::VectorXd::Constant(p.world.rows * p.world.cols, kNaN));
    kl.push_back(solved.back() > 0.0 ? kl_divergence(on_grid(c.world, t.adapted[k].stationary, 0.0), predicted.back())
                                     : kNaN);
  }
  for (const MeasureInfo* m : measures) {
    const std::string& name = m->name;
    if (name == "r2") record.push_back(fit.r2);
    else if (name == "scale") record.push_back(fit.scale);
    else if (name == "converged") record.push_back(inv.converged ? 1.0 : 0.0);
    else if (name == "inferred_reward") append(record, on_grid(p.world, inv.reward, kNaN));
    else if (name == "aligned_reward")
      append(record, on_grid(p.world, (fit.scale * inv.reward.array() + fit.offset[0]).matrix(), kNaN));
    else if (name == "kl_predicted") record.insert(record.end(), kl.begin(), kl.end());
    else if (name == "prediction_converged") record.insert(record.end(), solved.begin(), solved.end());
    else if (name == "predicted_occupancy")
      for (const Eigen::VectorXd& occupancy : predicted) append(record, occupancy);
    else fail("measure ", name, " is not a task measure");
  }
}

void MazePipeline::point_measures(const PipelinePoint& point, const PipelineTruth& truth, const StudyTask& first,
                                  const std::vector<const MeasureInfo*>& measures, std::vector<double>& record) const {
  const MazePoint& p = static_cast<const MazePoint&>(point);
  const MazeTruth& t = static_cast<const MazeTruth&>(truth);
  const MdpSolution& sol = t.solution;
  for (const MeasureInfo* m : measures) {
    const std::string& name = m->name;
    if (name == "true_value") record.push_back(sol.L);
    else if (name == "true_mean_reward") record.push_back(sol.mean_reward);
    else if (name == "coding_cost") record.push_back(sol.coding_cost);
    else if (name == "maze") append_map(record, p.world);
    else if (name == "true_reward") append(record, on_grid(p.world, t.mdp.reward, kNaN));
    else if (name == "value") append(record, on_grid(p.world, sol.value, kNaN));
    else if (name == "visit_density") append(record, on_grid(p.world, sol.stationary, 0.0));
    else if (name == "identified") append(record, on_grid(p.world, t.identified, 0.0));
    else if (name == "policy") {
      for (int cell = 0; cell < p.world.rows * p.world.cols; ++cell) {
        const int s = p.world.state_of[std::size_t(cell)];
        for (int a = 0; a < kMazeActions; ++a) record.push_back(s >= 0 ? sol.policy(s, a) : kNaN);
      }
    } else if (name == "action_marginal") {
      for (double l : sol.log_q) record.push_back(std::exp(l));
    } else if (name == "trajectory_cells" || name == "trajectory_actions") {
      // Stream (seed, kExcerptStreams | point << 8).
      const Trajectory tr = sample_trajectory(t.mdp, sol.policy, p.world.start, p.trajectory_steps,
                                              p.observation.seed, kExcerptStreams | std::uint64_t(first.point) << 8);
      if (name == "trajectory_actions") record.insert(record.end(), tr.actions.begin(), tr.actions.end());
      else
        for (std::int32_t s : tr.states) record.push_back(p.world.cell_of[std::size_t(s)]);
    } else if (name == "adapted_maze")
      for (const MazeContext& c : t.changed) append_map(record, c.world);
    else if (name == "adapted_occupancy")
      for (std::size_t k = 0; k < t.adapted.size(); ++k) append(record, on_grid(t.changed[k].world, t.adapted[k].stationary, 0.0));
    else if (name == "baseline_occupancy")
      for (const Eigen::VectorXd& b : t.baseline) append(record, b);
    else if (name == "kl_baseline") record.insert(record.end(), t.kl_baseline.begin(), t.kl_baseline.end());
    else fail("measure ", name, " is not a point measure");
  }
}

}  // namespace nirl
