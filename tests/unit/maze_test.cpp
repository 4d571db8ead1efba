// The general MDP and the Fig 1 maze (docs/model.md section 1), checked against independent
// computations: dense linear solves for the policy's average reward, value and stationary
// distribution, the objective L(pi) evaluated directly (no perturbation of the optimal
// policy may raise it), the inverse on the exact policy, and the command line.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <cstring>
#include <random>

#include "cli_harness.hpp"
#include "nirl/core/error.hpp"
#include "nirl/maze/gridworld.hpp"
#include "nirl/core/marginal_iteration.hpp"
#include "nirl/maze/mdp.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/core/soft_backup.hpp"

namespace {

using nirl::Gridworld;
using nirl::Mdp;
using nirl::MdpSolution;

const char* const kTinyMap = "S.. .X. ..G";
// The serpentine of jobs/fig1.ini: the route uses east, south and west.
const char* const kSerpentine = "S........ XXXXXXXX. ......... .XXXXXXXX ........G";

// Dense transition matrix of a policy.
Eigen::MatrixXd transition_matrix(const Mdp& mdp, const Eigen::MatrixXd& pi) {
  Eigen::MatrixXd P = Eigen::MatrixXd::Zero(mdp.states, mdp.states);
  for (int s = 0; s < mdp.states; ++s)
    for (int a = 0; a < mdp.actions; ++a) {
      const std::size_t k = mdp.pair(s, a);
      for (std::size_t e = mdp.first[k]; e < mdp.first[k + 1]; ++e) P(s, mdp.next[e]) += pi(s, a) * mdp.prob[e];
    }
  return P;
}

// Stationary distribution by a dense least-squares solve of [P^T - I; 1^T] p = [0; 1].
Eigen::VectorXd dense_stationary(const Eigen::MatrixXd& P) {
  const int S = int(P.rows());
  Eigen::MatrixXd M(S + 1, S);
  M.topRows(S) = P.transpose() - Eigen::MatrixXd::Identity(S, S);
  M.row(S).setOnes();
  Eigen::VectorXd b = Eigen::VectorXd::Zero(S + 1);
  b[S] = 1.0;
  return M.colPivHouseholderQr().solve(b);
}

// The objective of docs/model.md section 1 evaluated directly: L(pi) = sum_s p_pi(s) [r(s) -
// lambda KL(pi(.|s) || q_pi)], q_pi the policy's own action marginal.
double objective(const Mdp& mdp, const Eigen::MatrixXd& pi) {
  const Eigen::VectorXd p = dense_stationary(transition_matrix(mdp, pi));
  const Eigen::RowVectorXd q = p.transpose() * pi;
  double L = 0.0;
  for (int s = 0; s < mdp.states; ++s) {
    double kl = 0.0;
    for (int a = 0; a < mdp.actions; ++a)
      if (pi(s, a) > 0.0) kl += pi(s, a) * std::log(pi(s, a) / q[a]);
    L += p[s] * (mdp.reward[s] - mdp.lambda * kl);
  }
  return L;
}

TEST(SoftBackup, TwoActionsAreLogSumExp2BitForBit) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(-40.0, 40.0);
  for (int k = 0; k < 10000; ++k) {
    double x[2] = {u(gen), k % 100 == 0 ? -std::numeric_limits<double>::infinity() : u(gen)};
    if (k % 7 == 0) x[1] = x[0] + 1e-3 * u(gen);
    const double a = nirl::log_sum_exp(x, 2).value(), b = nirl::log_sum_exp2(x[0], x[1]);
    ASSERT_EQ(std::memcmp(&a, &b, sizeof a), 0) << x[0] << " " << x[1];
  }
}

TEST(SoftBackup, ManyActionsMatchTheDirectSum) {
  std::mt19937_64 gen(8);
  std::uniform_real_distribution<double> u(-30.0, 5.0);
  for (int k = 0; k < 1000; ++k) {
    double x[5];
    long double direct = 0.0L;
    for (double& xi : x) {
      xi = u(gen);
      direct += std::exp((long double)xi);
    }
    const nirl::LogSumExp z = nirl::log_sum_exp(x, 5);
    EXPECT_NEAR(z.value(), double(std::log(direct)), 1e-14 * std::max(1.0, std::fabs(z.value())));
    long double total = 0.0L;
    for (double xi : x) total += std::exp((long double)z.log_normalised(xi));
    EXPECT_NEAR(double(total), 1.0, 1e-14);
  }
}

TEST(MarginalIteration, SquaremOnABinaryGroupGivesLogSigmoids) {
  // q2 extrapolated from three points of a binary group: the result is a distribution whose
  // logit is theta0 - 2 s r + s^2 u, s = min(-1, -|r|/|u|).
  nirl::LogCategoricals q0, q1, q2;
  for (nirl::LogCategoricals* q : {&q0, &q1, &q2}) {
    q->groups = 1;
    q->actions = 2;
  }
  const double t0 = 0.3, t1 = 0.5, t2 = 0.6;
  for (auto [q, t] : {std::pair{&q0, t0}, std::pair{&q1, t1}, std::pair{&q2, t2}})
    q->log_q = {nirl::log_sigmoid(t), nirl::log_sigmoid(-t)};
  const nirl::LogCategoricals q = nirl::squarem_step(q0, q1, q2);
  const double r = t1 - t0, u = t2 - t1 - r, s = std::min(-1.0, -std::fabs(r) / std::fabs(u));
  const double theta = t0 - 2.0 * s * r + s * s * u;
  EXPECT_NEAR(q.log_q[0] - q.log_q[1], theta, 1e-14);
  EXPECT_NEAR(std::exp(q.log_q[0]) + std::exp(q.log_q[1]), 1.0, 1e-15);
}

TEST(Maze, GridworldTransitions) {
  const Gridworld w = nirl::parse_gridworld(kTinyMap, "map");
  ASSERT_EQ(w.states(), 8);
  const Mdp mdp = nirl::gridworld_mdp(w, 0.5, 1.0);
  const int start = w.start, goal = w.goals.at(0);
  EXPECT_EQ(start, 0);
  // From the start: north and west bump (stay), east and south move.
  EXPECT_EQ(mdp.next[mdp.first[mdp.pair(start, nirl::kNorth)]], start);
  EXPECT_EQ(mdp.next[mdp.first[mdp.pair(start, nirl::kWest)]], start);
  EXPECT_EQ(mdp.next[mdp.first[mdp.pair(start, nirl::kEast)]], w.state_of[1]);
  EXPECT_EQ(mdp.next[mdp.first[mdp.pair(start, nirl::kSouth)]], w.state_of[3]);
  // The cell north of the wall cannot move south.
  EXPECT_EQ(mdp.next[mdp.first[mdp.pair(w.state_of[1], nirl::kSouth)]], w.state_of[1]);
  // The goal resets, whatever the action.
  for (int a = 0; a < nirl::kMazeActions; ++a) EXPECT_EQ(mdp.next[mdp.first[mdp.pair(goal, a)]], start);
  EXPECT_EQ(mdp.reward[goal], 1.0);
  EXPECT_EQ(mdp.reward.sum(), 1.0);
}

TEST(Maze, TinyMazeAgainstDenseSolves) {
  const Gridworld w = nirl::parse_gridworld(kTinyMap, "map");
  const Mdp mdp = nirl::gridworld_mdp(w, 0.5, 1.0);
  const MdpSolution sol = nirl::solve_mdp(mdp, {}, 0.5);
  ASSERT_TRUE(sol.converged);
  const int S = mdp.states;
  const Eigen::MatrixXd P = transition_matrix(mdp, sol.policy);

  // Stationary distribution and q = sum_s p(s) pi(.|s).
  const Eigen::VectorXd p = dense_stationary(P);
  EXPECT_LT((p - sol.stationary).lpNorm<Eigen::Infinity>(), 1e-12);
  const Eigen::RowVectorXd q = p.transpose() * sol.policy;
  for (int a = 0; a < mdp.actions; ++a) EXPECT_NEAR(q[a], std::exp(sol.log_q[std::size_t(a)]), 1e-10);

  // Policy evaluation: (I - P) h + g 1 = r - lambda KL(pi(.|s) || q), h(0) = 0.
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(S + 1, S + 1);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(S + 1);
  M.topLeftCorner(S, S) = Eigen::MatrixXd::Identity(S, S) - P;
  M.topRightCorner(S, 1).setOnes();
  M(S, 0) = 1.0;
  for (int s = 0; s < S; ++s) {
    double kl = 0.0;
    for (int a = 0; a < mdp.actions; ++a)
      if (sol.policy(s, a) > 0.0) kl += sol.policy(s, a) * (std::log(sol.policy(s, a)) - sol.log_q[std::size_t(a)]);
    b[s] = mdp.reward[s] - mdp.lambda * kl;
  }
  const Eigen::VectorXd hg = M.fullPivLu().solve(b);
  EXPECT_NEAR(hg[S], sol.L, 1e-10);
  EXPECT_LT((hg.head(S) - sol.value).lpNorm<Eigen::Infinity>(), 1e-9);
  EXPECT_NEAR(sol.L, sol.mean_reward - mdp.lambda * sol.coding_cost, 1e-10);

  // Optimality: the objective evaluated directly, at the solution and at perturbed policies.
  const double L = objective(mdp, sol.policy);
  EXPECT_NEAR(L, sol.L, 1e-10);
  std::mt19937_64 gen(3);
  std::normal_distribution<double> noise;
  for (double eps : {1e-1, 1e-2, 1e-3})
    for (int k = 0; k < 50; ++k) {
      Eigen::MatrixXd pi = sol.policy;
      for (int s = 0; s < S; ++s) {
        for (int a = 0; a < mdp.actions; ++a) pi(s, a) *= std::exp(eps * noise(gen));
        pi.row(s) /= pi.row(s).sum();
      }
      EXPECT_LE(objective(mdp, pi), L + 1e-13) << "eps " << eps;
    }
}

TEST(Maze, SparseStationarySolveAgreesWithTheDenseOne) {
  const Mdp mdp = nirl::gridworld_mdp(nirl::parse_gridworld(kSerpentine, "map"), 0.3, 1.0);
  const MdpSolution sol = nirl::solve_mdp(mdp, {}, 0.5);
  const Eigen::VectorXd sparse = nirl::mdp_stationary(mdp, sol.policy, /*dense_limit=*/0);
  EXPECT_LT((sparse - dense_stationary(transition_matrix(mdp, sol.policy))).lpNorm<Eigen::Infinity>(), 1e-12);
  EXPECT_LT((sparse - sol.stationary).lpNorm<Eigen::Infinity>(), 1e-12);
}

TEST(Maze, DampingKeepsTheSolution) {
  const Mdp mdp = nirl::gridworld_mdp(nirl::parse_gridworld(kTinyMap, "map"), 0.3, 1.0);
  const MdpSolution a = nirl::solve_mdp(mdp, {}, 1.0), b = nirl::solve_mdp(mdp, {}, 0.5);
  ASSERT_TRUE(a.converged && b.converged);
  EXPECT_NEAR(a.L, b.L, 1e-11);
  EXPECT_LT((a.stationary - b.stationary).lpNorm<Eigen::Infinity>(), 1e-9);
}

TEST(Maze, InverseOnTheExactPolicyRecoversTheReward) {
  const Gridworld w = nirl::parse_gridworld(kSerpentine, "map");
  for (double lambda : {0.3, 0.02}) {
    const Mdp mdp = nirl::gridworld_mdp(w, lambda, 1.0);
    const MdpSolution sol = nirl::solve_mdp(mdp, {}, 0.5);
    ASSERT_TRUE(sol.converged);
    const Eigen::MatrixXd counts = 1e6 * (sol.stationary.asDiagonal() * sol.policy);
    const nirl::MdpInference inv = nirl::infer_mdp_reward(mdp, counts);
    EXPECT_TRUE(inv.converged) << inv.status;
    const nirl::AlignedFit fit = nirl::aligned_r2(mdp.reward, inv.reward, sol.stationary, 1e-6);
    EXPECT_EQ(fit.states, std::size_t(mdp.states)) << "every cell is visited";
    EXPECT_GT(fit.r2, 0.9999) << "lambda " << lambda;
    EXPECT_NEAR(fit.scale, 1.0, 1e-3) << "lambda " << lambda;
  }
}

TEST(Maze, SampledVisitsMatchTheStationaryDistribution) {
  const Gridworld w = nirl::parse_gridworld(kTinyMap, "map");
  const Mdp mdp = nirl::gridworld_mdp(w, 0.5, 1.0);
  const MdpSolution sol = nirl::solve_mdp(mdp, {}, 0.5);
  const std::size_t T = 200000;
  const nirl::Trajectory tr = nirl::sample_trajectory(mdp, sol.policy, w.start, T, 5, 2);
  const Eigen::MatrixXd n = nirl::action_counts(mdp, tr);
  EXPECT_EQ(n.sum(), double(T));
  // Correlated samples of a fast-mixing chain: 0.01 is many standard errors.
  EXPECT_LT((n.rowwise().sum() / double(T) - sol.stationary).lpNorm<Eigen::Infinity>(), 0.01);
  const nirl::Trajectory again = nirl::sample_trajectory(mdp, sol.policy, w.start, 1000, 5, 2);
  const nirl::Trajectory other = nirl::sample_trajectory(mdp, sol.policy, w.start, 1000, 5, 3);
  EXPECT_TRUE(std::equal(again.actions.begin(), again.actions.end(), tr.actions.begin()));
  EXPECT_NE(again.actions, other.actions);
}

TEST(Maze, RewardFromSampledTrajectories) {
  const Gridworld w = nirl::parse_gridworld(kSerpentine, "map");
  const Mdp mdp = nirl::gridworld_mdp(w, 0.02, 1.0);
  const MdpSolution sol = nirl::solve_mdp(mdp, {}, 0.5);
  const nirl::Trajectory tr = nirl::sample_trajectory(mdp, sol.policy, w.start, 100000, 1, 1);
  const nirl::MdpInference inv = nirl::infer_mdp_reward(mdp, nirl::action_counts(mdp, tr));
  EXPECT_GT(nirl::aligned_r2(mdp.reward, inv.reward, sol.stationary, 1e-6).r2, 0.9);
}

TEST(Maze, MapErrors) {
  auto message = [](const std::string& map) {
    try {
      nirl::parse_gridworld(map, "maze.map");
    } catch (const nirl::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("S.. .X ..G").find("row 2 has 2 cells"), std::string::npos);
  EXPECT_NE(message("S.. ... ...").find("no rewarded cell"), std::string::npos);
  EXPECT_NE(message("S.. .x. ..G").find("unknown character 'x'"), std::string::npos);
  EXPECT_NE(message("S.X .X. X.G").find("rewarded cell at row 3, column 3 cannot be reached"), std::string::npos);
  EXPECT_NE(message("... .X. ..G").find("exactly one start"), std::string::npos);
  EXPECT_NE(message("S.G XXX ...").find("free cell at row 3"), std::string::npos);
}

class MazeCli : public Cli {};

// A 3 x 3 serpentine (east, south, west: identified) and the same with its wall moved.
const char* const kSmallSerpentine = "S.. XX. G..";

// A maze study (study.pipeline = maze) of `map`: two sample sizes x 2 trajectories, a larger
// coding cost and a moved wall predicted.
std::string maze_config(const std::string& map, const std::string& vary = "vary = study.samples: 100, 30000\n") {
  return "seed = 2\n\n[maze]\nmap = " + map + "\nlambda = 0.1\n\n[experiment]\nkind = study\n\n[study]\n" +
         "pipeline = maze\nsamples = 100\n" + vary + "trials = 2\nperturbations = lambda=0.3; map=S.. X.X G..\n" +
         "measures = r2, kl_predicted, kl_baseline, policy\n";
}

TEST_F(MazeCli, MazeRunsAsAStudy) {
  const RunResult r =
      run({"run", config(maze_config(kSmallSerpentine)).string(), "--out", out().string()});
  ASSERT_EQ(r.status, 0) << describe(r);
  nirl::h5::InputFile in(out().string());
  EXPECT_EQ(nirl::h5::read_attribute_string(in, "/", "command").rfind("nirl run", 0), 0u);
  EXPECT_NE(nirl::h5::read_attribute_string(in, "/", "config").find("map = S.. XX. G.."), std::string::npos);
  std::vector<hsize_t> dims;
  nirl::h5::read_doubles(in, "/study/policy", 4, &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{2, 3, 3, 5}));
  nirl::h5::read_doubles(in, "/study/r2", 3, &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{2, 2, 1}));
  // From 30000 steps (point 1) both predictions beat no adaptation in both trials.
  const std::vector<double> kl = nirl::h5::read_doubles(in, "/study/kl_predicted", 4);
  const std::vector<double> baseline = nirl::h5::read_doubles(in, "/study/kl_baseline", 2);
  for (std::size_t t = 0; t < 2; ++t)
    for (std::size_t k = 0; k < 2; ++k) EXPECT_LT(kl[(2 + t) * 2 + k], baseline[2 + k]) << "trial " << t << ", perturbation " << k;
}

TEST_F(MazeCli, MazeConfigErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"S.. .X ..G", "row 2 has 2 cells"},
      {"S.. ... ...", "no rewarded cell"},
      {"S.. .x. ..G", "unknown character 'x'"},
      {"S.X .X. X.G", "cannot be reached from the start"},
  };
  for (const auto& [map, needle] : cases) {
    const RunResult r = run({"run", config(maze_config(map, "")).string(), "--out", out().string()});
    EXPECT_TRUE(FailsCleanly(r, "run", needle, out(), dir_)) << map;
  }
  const RunResult r = run({"run", config(maze_config(kSmallSerpentine, "")).string(), "--out", out().string(),
                           "--maze.lambda", "-1"});
  EXPECT_TRUE(FailsCleanly(r, "run", "maze.lambda", out(), dir_));
}

}  // namespace
