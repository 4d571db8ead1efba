// nirl run with experiment.kind = study: each grid point's entries in the file equal the
// pipeline composed here directly from library calls with that point's settings (the
// override of a key, the point and task indexing of the arrays, the documented random
// streams), and a study varying only the sample size shares one truth across its points.
#include "cli_harness.hpp"
#include "nirl/sample/bootstrap.hpp"
#include "nirl/inverse/max_likelihood.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/core/optimum_search.hpp"
#include "nirl/io/perturbation_spec.hpp"
#include "nirl/core/continuation.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/core/reward.hpp"
#include "nirl/sample/sampler.hpp"
#include "nirl/maze/gridworld.hpp"
#include "nirl/maze/mdp.hpp"
#include "nirl/measures/tuning.hpp"
#include "nirl/pairwise/ising_forward.hpp"
#include "nirl/pairwise/pseudo_likelihood.hpp"
#include "nirl/pairwise/reward_assumptions.hpp"
#include "test_networks.hpp"

namespace {

// The streams of study tasks (observed_counts.hpp): raster (1 << 40) | (point * T + trial),
// bootstrap resample (2 << 40) | task id, raster excerpt (3 << 40) | point << 8 | k.
constexpr std::uint64_t kRaster = std::uint64_t(1) << 40, kBootstrap = std::uint64_t(2) << 40,
                        kExcerpt = std::uint64_t(3) << 40;

class CliStudy : public Cli {};

TEST_F(CliStudy, EveryGridPointMatchesThePipelineComposedDirectly) {
  // Slow input (switch 0.02): at small_config's 0.1 the optimum is frozen.
  const std::string ini = small_config() +
                          "\n[experiment]\nkind = study\n\n[study]\n"
                          "vary = network.lambda: 0.3, 0.7\nvary = study.samples: 500, 4000\n"
                          "trials = 1\nbootstraps = 1\nblock_length = 40\nperturbations = dead=1\n"
                          "measures = r2, kl_predicted, aligned_reward, true_stationary\n";
  const RunResult r = run({"run", config(ini).string(), "--input.switch_up", "0.02", "--input.switch_down", "0.02",
                           "--out", out().string()});
  ASSERT_EQ(r.status, 0) << describe(r);
  const nirl::h5::InputFile f(out().string());
  std::vector<hsize_t> dims;
  const std::vector<double> r2 = nirl::h5::read_doubles(f, "/study/r2", 4, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{2, 2, 1, 2}));
  const std::vector<double> kl = nirl::h5::read_doubles(f, "/study/kl_predicted", 5);
  const std::vector<double> aligned = nirl::h5::read_doubles(f, "/study/aligned_reward", 5);
  const std::vector<double> stationary = nirl::h5::read_doubles(f, "/study/true_stationary", 3);

  const int trials = 1, B = 2;
  const std::size_t sizes[] = {500, 4000};
  for (int l = 0; l < 2; ++l) {
    const nirl::InputChain input = nirl::telegraph_input(0.02, 0.02);
    const nirl::StateSpace space(4, input.nx());
    const nirl::Network net =
        nirl::make_network(4, input, nirl::spike_count_reward(space, {1, 3}), l == 0 ? 0.3 : 0.7, {});
    nirl::SearchOptions search;
    search.seed = 1;
    const nirl::Solution truth = nirl::search_optimum(net, nirl::SolverOptions{}, search);
    nirl::PredictionOptions prediction;
    prediction.search = search;
    const nirl::Network dead = nirl::apply_perturbation(net, nirl::parse_perturbation("dead=1"));
    const nirl::Solution adapted = nirl::adapted_optimum(net, truth, dead, nirl::SolverOptions{}, prediction);
    for (int k = 0; k < 2; ++k) {
      const std::size_t point = std::size_t(l * 2 + k);
      for (std::size_t s = 0; s < space.size; ++s)
        ASSERT_DOUBLE_EQ(stationary[point * space.size + s], truth.stationary[Eigen::Index(s)]) << "point " << point;
      for (int t = 0; t < trials; ++t) {
        const nirl::Raster raster = nirl::simulate(net, nirl::expected_next_value(net, truth), truth.q, truth.stationary,
                                                   sizes[k], 1, kRaster | (point * trials + std::size_t(t)));
        for (int b = 0; b < B; ++b) {
          const std::uint64_t id = (point * trials + std::uint64_t(t)) * B + std::uint64_t(b);
          nirl::TransitionCounts counts = nirl::count_transitions(raster, 2);
          if (b > 0) {
            const std::vector<std::size_t> starts =
                nirl::moving_block_resample(sizes[k] - 1, 40, nirl::RandomStream(1, kBootstrap | id));
            counts = nirl::count_transitions(raster, 2, &starts);
          }
          nirl::MaxLikelihoodOptions ml;
          ml.ridge = 1.0;
          const nirl::LikelihoodInference inv = nirl::max_likelihood_reward(counts, net.input, net.lambda, ml);
          const nirl::AlignedFit fit = nirl::aligned_r2(space, net.reward, inv.reward, truth.stationary, 1e-6);
          EXPECT_DOUBLE_EQ(r2[id], fit.r2) << "lambda index " << l << ", samples " << sizes[k] << ", trial " << t << ", bootstrap " << b;
          for (std::size_t s = 0; s < space.size; ++s)
            ASSERT_NEAR(aligned[id * space.size + s],
                        fit.scale * inv.reward[Eigen::Index(s)] + fit.offset[std::size_t(space.input_of(s))], 1e-12);
          nirl::Network inferred = net;
          inferred.reward = inv.reward;
          const nirl::Network inferred_dead = nirl::apply_perturbation(inferred, nirl::parse_perturbation("dead=1"));
          const nirl::Solution predicted =
              nirl::predict_adapted(inferred, counts.on, inferred_dead, nirl::SolverOptions{}, prediction, true);
          EXPECT_DOUBLE_EQ(kl[id], nirl::kl_divergence(adapted.stationary, predicted.stationary));
        }
      }
    }
  }
}

TEST_F(CliStudy, ExplicitPointsAndUndefinedR2OfAFrozenTruthAreRecorded) {
  // Point 0: the frozen optimum of small_config (switch 0.1): r2 is undefined, so NaN; point 1
  // (switch 0.02) moves. The explicit points form one axis labelled with their assignments.
  const std::string ini = small_config() +
                          "\n[experiment]\nkind = study\n\n[study]\nsamples = 2000\ntrials = 1\n"
                          "point = input.switch_up = 0.1; input.switch_down = 0.1\n"
                          "point = input.switch_up = 0.02; input.switch_down = 0.02\n"
                          "measures = r2, true_value\n";
  const RunResult r = run({"run", config(ini).string(), "--out", out().string()});
  ASSERT_EQ(r.status, 0) << describe(r);
  const nirl::h5::InputFile f(out().string());
  std::vector<hsize_t> dims;
  const std::vector<double> r2 = nirl::h5::read_doubles(f, "/study/r2", 3, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{2, 1, 1}));
  EXPECT_TRUE(std::isnan(r2[0]));
  EXPECT_GT(r2[1], 0.0);
  EXPECT_LE(r2[1], 1.0);
  const std::vector<double> value = nirl::h5::read_doubles(f, "/study/true_value", 1);
  // The frozen state with one neuron on (r = 1 at x = -1 only), reached to the solver's tolerances.
  EXPECT_NEAR(value[0], 0.5, 1e-9);
}

TEST_F(CliStudy, Fig2StudyPredictsBetterThanNoAdaptationAndItsPanelsMatchTheLibrary) {
  // jobs/fig2.ini as shipped: from 1e6 simulated steps the inferred reward is close to the
  // true one and predicts every perturbation better than no adaptation; the panels' point
  // measures equal the library's tuning curves, spike-count distributions and raster
  // excerpts of the true and adapted optima composed here.
  const std::string ini = std::string(NIRL_SOURCE_DIR) + "/jobs/fig2.ini";
  const RunResult r = run({"run", ini, "--out", out().string()});
  ASSERT_EQ(r.status, 0) << describe(r);
  const nirl::h5::InputFile f(out().string());
  std::vector<hsize_t> dims;
  const double r2 = nirl::h5::read_doubles(f, "/study/r2", 2)[0], scale = nirl::h5::read_doubles(f, "/study/scale", 2)[0];
  EXPECT_GT(r2, 0.95);
  EXPECT_NEAR(scale, 1.0, 0.05);
  const std::vector<double> kl = nirl::h5::read_doubles(f, "/study/kl_predicted", 3, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{1, 1, 3}));
  const std::vector<double> baseline = nirl::h5::read_doubles(f, "/study/kl_baseline", 1);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_LT(kl[k], baseline[k]) << "perturbation " << k;

  const nirl::Network net = nirl::testing::fig2(0.3, 0.05);
  nirl::SearchOptions search;
  search.seed = 1;
  nirl::PredictionOptions prediction;
  prediction.search = search;
  const nirl::Solution truth = nirl::search_optimum(net, nirl::SolverOptions{}, search);
  const std::vector<double> tuning = nirl::h5::read_doubles(f, "/study/tuning", 3, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{8, 2, 8}));
  const std::vector<double> adapted_tuning = nirl::h5::read_doubles(f, "/study/adapted_tuning", 4, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{3, 8, 2, 8}));
  const std::vector<double> adapted_counts = nirl::h5::read_doubles(f, "/study/adapted_count_distribution", 3);
  const std::vector<std::int64_t> adapted_raster = nirl::h5::read_integers(f, "/study/adapted_raster", 3, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{3, 3000, 8}));
  auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
  const char* specs[] = {"switch_up=0.035", "dead=3", "lambda=1.0"};
  for (std::size_t k = 0; k < 4; ++k) {  // k = 0: the truth; 1 + p: perturbation p
    nirl::Network net_k = net;
    nirl::Solution sol_k = truth;
    if (k > 0) {
      net_k = nirl::apply_perturbation(net, nirl::parse_perturbation(specs[k - 1]));
      sol_k = nirl::adapted_optimum(net, truth, net_k, nirl::SolverOptions{}, prediction);
    }
    const std::vector<Eigen::MatrixXd> curves = nirl::tuning_curves(net_k, sol_k);
    const std::vector<double>& file = k == 0 ? tuning : adapted_tuning;
    const std::size_t base = k == 0 ? 0 : (k - 1) * 8 * 2 * 8;
    for (std::size_t i = 0; i < 8; ++i)
      for (std::size_t x = 0; x < 2; ++x)
        for (std::size_t c = 0; c < 8; ++c)
          ASSERT_TRUE(same(file[base + (i * 2 + x) * 8 + c], curves[i](Eigen::Index(x), Eigen::Index(c))))
              << "k " << k << " neuron " << i << " x " << x << " others " << c;
    if (k == 0) continue;
    const Eigen::MatrixXd counts = nirl::count_distribution(net_k.space, sol_k.stationary);
    for (Eigen::Index x = 0; x < 2; ++x)
      for (Eigen::Index c = 0; c < 9; ++c)
        ASSERT_EQ(adapted_counts[(k - 1) * 18 + std::size_t(x * 9 + c)], counts(x, c));
    const nirl::Raster excerpt = nirl::simulate(net_k, nirl::expected_next_value(net_k, sol_k), sol_k.q,
                                                sol_k.stationary, 3000, 1, kExcerpt | k);
    for (std::size_t e = 0; e < excerpt.spikes.size(); ++e)
      ASSERT_EQ(adapted_raster[(k - 1) * 3000 * 8 + e], std::int64_t(excerpt.spikes[e])) << "k " << k << " entry " << e;
  }
}

TEST_F(CliStudy, MazeStudyMatchesTheLibraryComposedDirectly) {
  // A maze study's r2 and predictions equal the inverse and re-solve composed here from a
  // trajectory of the documented stream; the exact-statistics point recovers the reward.
  const std::string map = "S.... XXX.. ..... ..XXX ....G", moved = "S.... XX.X. ..... ..XXX ....G";
  const std::string ini = "seed = 2\n\n[maze]\nmap = " + map + "\nlambda = 0.05\n\n[experiment]\nkind = study\n\n"
                          "[study]\npipeline = maze\npoint = study.statistics = sampled\n"
                          "point = study.statistics = exact; study.ridge = 1e-6\nsamples = 3000\n"
                          "trials = 2\nperturbations = lambda=0.1; map=" + moved + "\n"
                          "measures = r2, kl_predicted, prediction_converged, kl_baseline\n";
  const RunResult r = run({"run", config(ini).string(), "--out", out().string()});
  ASSERT_EQ(r.status, 0) << describe(r);
  const nirl::h5::InputFile f(out().string());
  std::vector<hsize_t> dims;
  const std::vector<double> r2 = nirl::h5::read_doubles(f, "/study/r2", 3, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{2, 2, 1}));
  const std::vector<double> kl = nirl::h5::read_doubles(f, "/study/kl_predicted", 4);
  const std::vector<double> baseline = nirl::h5::read_doubles(f, "/study/kl_baseline", 2);

  const nirl::Gridworld world = nirl::parse_gridworld(map, "map");
  const nirl::Mdp mdp = nirl::gridworld_mdp(world, 0.05, 1.0);
  const nirl::MdpSolution truth = nirl::solve_mdp(mdp, nirl::SolverOptions{}, 0.5);
  nirl::SolverOptions from_q;
  for (double l : truth.log_q) from_q.initial_q.push_back(std::max(std::exp(l), 1e-6));
  nirl::Mdp bigger = mdp;
  bigger.lambda = 0.1;
  const nirl::MdpSolution adapted = nirl::solve_mdp(bigger, from_q, 0.5);
  EXPECT_GT(baseline[0], 0.0);
  for (int t = 0; t < 2; ++t) {
    const nirl::Trajectory tr = nirl::sample_trajectory(mdp, truth.policy, world.start, 3000, 2, kRaster | std::uint64_t(t));
    const nirl::MdpInference inv = nirl::infer_mdp_reward(mdp, nirl::action_counts(mdp, tr));
    EXPECT_DOUBLE_EQ(r2[std::size_t(t)], nirl::aligned_r2(mdp.reward, inv.reward, truth.stationary, 1e-6).r2) << "trial " << t;
    nirl::Mdp predicted = bigger;
    predicted.reward = inv.reward;
    nirl::SolverOptions from_inferred;
    for (double l : inv.log_q) from_inferred.initial_q.push_back(std::max(std::exp(l), 1e-6));
    const nirl::MdpSolution p = nirl::solve_mdp(predicted, from_inferred, 0.5);
    EXPECT_DOUBLE_EQ(kl[std::size_t(t) * 2],
                     nirl::kl_divergence(nirl::on_grid(world, adapted.stationary, 0.0), nirl::on_grid(world, p.stationary, 0.0)));
  }
  // Exact statistics with a negligible prior (point 1): the reward is recovered on the
  // identified cells (the prior's bias is of order ridge / counts = 3e-10).
  for (int t = 0; t < 2; ++t) EXPECT_GT(r2[2 + std::size_t(t)], 1 - 1e-6);
}

TEST_F(CliStudy, PairwiseStudyMatchesTheLibraryComposedDirectly) {
  // A pairwise study's r2 per assumption and its prediction KL equal the fit, inverse and
  // re-solve composed here from i.i.d. samples of the documented stream (seed, task id).
  const std::string ini = "seed = 4\n\n[network]\nn = 6\nlambda = 1.0\n\n[reward]\ntype = ring\nring_m = 2\n\n"
                          "[experiment]\nkind = study\n\n[study]\npipeline = pairwise\nsamples = 3000\ntrials = 2\n"
                          "perturbations = lambda=1.2,remove_beyond=2\nmeasures = r2, kl_predicted, kl_baseline\n\n"
                          "[pairwise]\nrandom_starts = 2\n";
  const RunResult r = run({"run", config(ini).string(), "--out", out().string()});
  ASSERT_EQ(r.status, 0) << describe(r);
  const nirl::h5::InputFile f(out().string());
  std::vector<hsize_t> dims;
  const std::vector<double> r2 = nirl::h5::read_doubles(f, "/study/r2", 3, &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{2, 1, 3}));
  const std::vector<double> kl = nirl::h5::read_doubles(f, "/study/kl_predicted", 4);

  const int n = 6;
  const nirl::StateSpace space(n, 1);
  nirl::IsingReward reward;
  reward.table = nirl::ring_reward(space, 2);
  const nirl::IsingFamily ring = nirl::IsingFamily::ring_tied(n);
  nirl::IsingForwardOptions options;
  options.lambda = 1.0;
  options.exact = true;
  const nirl::IsingForwardResult truth =
      nirl::optimise_ising_multistart(ring, reward, nirl::default_ring_starts(ring), options);
  const nirl::IsingFamily changed = ring.without_couplings_beyond(2);
  const nirl::IsingForwardResult adapted =
      nirl::optimise_in_context(changed, reward, 1.2, truth.theta, 2, 4, nirl::IsingForwardOptions{});
  for (std::uint64_t t = 0; t < 2; ++t) {
    const std::vector<std::uint8_t> data = nirl::iid_raster(truth.distribution, n, 3000, 4, t);
    nirl::PseudoLikelihoodOptions fit_options;
    const nirl::PseudoLikelihoodFit fit = nirl::fit_pseudo_likelihood(nirl::count_states(data, 3000, n), fit_options);
    const nirl::ConstraintSet constraints = nirl::build_constraints(fit.params, 1.0);
    for (std::size_t a = 0; a < 3; ++a) {
      const nirl::PairwiseInference inferred = nirl::infer_pairwise_reward(constraints, nirl::kAssumptions[a], {});
      const Eigen::VectorXd table = nirl::reward_table(constraints, inferred);
      EXPECT_DOUBLE_EQ(r2[t * 3 + a], nirl::aligned_r2(space, reward.table, table, truth.distribution, 1e-6).r2)
          << "trial " << t << ", assumption " << a;
      nirl::IsingReward inferred_reward;
      inferred_reward.table = table;
      const nirl::IsingForwardResult predicted =
          nirl::optimise_in_context(changed, inferred_reward, 1.2, truth.theta, 2, 4, nirl::IsingForwardOptions{});
      EXPECT_DOUBLE_EQ(kl[t * 3 + a], nirl::kl_divergence(adapted.distribution, predicted.distribution));
    }
  }
}

TEST_F(CliStudy, BatchLogsGetPlainProgressLines) {
  // stderr is a pipe here, as in a batch log: plain lines at the set interval, no '\r'.
  const std::string ini = small_config() +
                          "\n[experiment]\nkind = study\n\n[study]\nsamples = 2000\ntrials = 12\nmeasures = r2\n";
  const RunResult r = run({"run", config(ini).string(), "--input.switch_up", "0.02", "--input.switch_down", "0.02",
                           "--out", out().string()},
                          {"NIRL_PROGRESS_SECONDS=0.001"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.err.find("run: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" / 12 tasks\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  const RunResult quiet = run({"run", config(ini).string(), "--input.switch_up", "0.02", "--input.switch_down", "0.02",
                               "--out", path("quiet.h5").string()},
                              {"NIRL_PROGRESS_SECONDS=0"});
  ASSERT_EQ(quiet.status, 0) << describe(quiet);
  EXPECT_EQ(quiet.err, "");
}

}  // namespace
