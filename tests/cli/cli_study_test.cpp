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

namespace {

// The streams of study tasks (synthetic_pipeline.hpp): raster (1 << 40) | (point * T + trial),
// bootstrap resample (2 << 40) | task id.
constexpr std::uint64_t kRaster = std::uint64_t(1) << 40, kBootstrap = std::uint64_t(2) << 40;

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
          const nirl::InverseResult inv = nirl::max_likelihood_reward(counts, net.input, net.lambda, ml);
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

TEST_F(CliStudy, BatchLogsGetPlainProgressLines) {
  // stderr is a pipe here, as in a batch log: plain lines at the set interval, no '\r'.
  const std::string ini = small_config() +
                          "\n[experiment]\nkind = study\n\n[study]\nsamples = 20000\ntrials = 12\nmeasures = r2\n";
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
