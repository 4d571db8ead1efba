// store_solution / load_solution and solution_bytes / solution_from_bytes give back every
// field of a solution bit for bit (a search with its optima, a network with a dead neuron:
// log q_i(+1) = -inf), and the synthetic pipeline's stored truth loads as the truth it
// solves (what the study runner shares between ranks through the checkpoint folder), which
// is the same when its solves are shared out over ranks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "error_matchers.hpp"
#include "nirl/core/optimum_search.hpp"
#include "nirl/io/solution_bytes.hpp"
#include "nirl/io/solution_store.hpp"
#include "nirl/study/synthetic_pipeline.hpp"
#include "same_solution.hpp"
#include "shared_out_runner.hpp"
#include "test_networks.hpp"

using namespace nirl;
using nirl::testing::error_of;
using nirl::testing::expect_same_solution;
using nirl::testing::mentions;

namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "/nirl_store_" + name + "_" + std::to_string(::getpid()) + ".h5";
}

}  // namespace

TEST(SolutionStore, EveryFieldComesBackBitForBit) {
  const Solution searched = search_optimum(nirl::testing::fig2(0.3, 0.05), SolverOptions{}, SearchOptions{});
  ASSERT_GE(searched.optima.size(), 2u);
  const Solution dead = optimise(nirl::testing::fig2(0.3, 0.05, {3}));
  ASSERT_EQ(dead.q.log_on[3], -std::numeric_limits<double>::infinity());
  const std::string path = temp_path("round_trip");
  {
    h5::OutputFile out(path);
    store_solution(out.id(), "/searched", searched);
    store_solution(out.id(), "/a/dead", dead);
    out.commit();
  }
  const h5::InputFile in(path);
  expect_same_solution(load_solution(in, "/searched"), searched);
  expect_same_solution(load_solution(in, "/a/dead"), dead);
  EXPECT_TRUE(mentions(error_of([&] { load_solution(in, "/absent"); }), "no stored solution /absent"));
  std::remove(path.c_str());
}

TEST(SolutionBytes, EveryFieldComesBackBitForBit) {
  const Solution searched = search_optimum(nirl::testing::fig2(0.3, 0.05), SolverOptions{}, SearchOptions{});
  ASSERT_GE(searched.optima.size(), 2u);
  const Solution dead = optimise(nirl::testing::fig2(0.3, 0.05, {3}));
  for (const Solution* sol : {&searched, &dead}) {
    const std::vector<unsigned char> bytes = solution_bytes(*sol);
    expect_same_solution(solution_from_bytes(bytes.data(), bytes.size()), *sol);
    EXPECT_TRUE(mentions(error_of([&] { solution_from_bytes(bytes.data(), bytes.size() - 1); }), "cut short"));
    std::vector<unsigned char> longer = bytes;
    longer.push_back(0);
    EXPECT_TRUE(mentions(error_of([&] { solution_from_bytes(longer.data(), longer.size()); }), "run on past its end"));
  }
  // An empty solution (what a failed solve leaves) travels too.
  const std::vector<unsigned char> empty = solution_bytes(Solution{});
  expect_same_solution(solution_from_bytes(empty.data(), empty.size()), Solution{});
}

TEST(SolutionStore, SyntheticTruthLoadsAsItIsSolved) {
  const SyntheticPipeline pipeline({"switch_up=0.035", "dead=3", "lambda=1.0"}, [](const Assignments&) {
    SyntheticPoint p;
    p.net = nirl::testing::fig2(0.3, 0.05);
    p.samples = p.observation.samples = 1000;
    return p;
  });
  ASSERT_TRUE(pipeline.stores_truths());
  const std::shared_ptr<const PipelinePoint> point = pipeline.resolve({});
  const std::shared_ptr<const PipelineTruth> solved = pipeline.solve_truth(*point, {});
  const std::string path = temp_path("truth");
  {
    h5::OutputFile out(path);
    pipeline.store_truth(*solved, out.id());
    out.commit();
  }
  const std::shared_ptr<const PipelineTruth> loaded = pipeline.load_truth(*point, h5::InputFile(path));
  const auto& a = static_cast<const SyntheticTruth&>(*solved);
  const auto& b = static_cast<const SyntheticTruth&>(*loaded);
  expect_same_solution(b.solution, a.solution);
  ASSERT_EQ(b.adapted.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    expect_same_solution(b.adapted[k], a.adapted[k]);
    EXPECT_EQ(b.adapted_net[k].lambda, a.adapted_net[k].lambda);
    EXPECT_EQ(b.adapted_net[k].input.P, a.adapted_net[k].input.P);
  }
  EXPECT_EQ(b.kl_baseline, a.kl_baseline);
  std::remove(path.c_str());
  // Solved by three pretend ranks: the same truth, bit for bit.
  nirl::testing::SharedOutRunner ranks;
  const std::shared_ptr<const PipelineTruth> shared = pipeline.solve_truth(*point, ranks.runner());
  const auto& c = static_cast<const SyntheticTruth&>(*shared);
  EXPECT_GE(ranks.calls, 3u);  // the starts, a polish round, the adapted optima
  expect_same_solution(c.solution, a.solution);
  ASSERT_EQ(c.adapted.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) expect_same_solution(c.adapted[k], a.adapted[k]);
  EXPECT_EQ(c.kl_baseline, a.kl_baseline);
}
