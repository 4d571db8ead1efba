// Fig 2 end to end (issue acceptance): from 1e6 simulated steps the inferred reward
// predicts the adapted response better than the no-adaptation baseline, for the input
// change and for the cell death, and every panel lands in the file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "nirl/study/fig2.hpp"
#include "test_networks.hpp"

using namespace nirl;

TEST(Fig2, PredictionsBeatNoAdaptationBaseline) {
  const Network net = nirl::testing::fig2(0.3, 0.05);  // the network of jobs/fig2.ini
  Fig2Options options;
  options.samples = 1000000;
  const std::string path = ::testing::TempDir() + "/nirl_fig2_" + std::to_string(::getpid()) + ".h5";
  Fig2Summary s;
  {
    h5::OutputFile out(path);
    s = run_fig2(net, options, out);
    out.commit();
  }
  RecordProperty("r2", std::to_string(s.r2));
  EXPECT_GT(s.r2, 0.95);
  EXPECT_NEAR(s.scale, 1.0, 0.05);
  EXPECT_LT(s.kl_input, s.kl_input_baseline);
  EXPECT_LT(s.kl_death, s.kl_death_baseline);
  const h5::InputFile in(path);
  for (const char* name : {"/fig2/C/tuning", "/fig2/D/0/raster/spikes", "/fig2/D/1/count_distribution",
                           "/fig2/E/aligned_inferred_reward", "/fig2/F/input_change/predicted_tuning",
                           "/fig2/F/cell_death/true_tuning", "/solution/stationary"})
    EXPECT_TRUE(h5::exists(in, name)) << name;
  EXPECT_EQ(h5::shape(in, "/fig2/C/tuning"), (std::vector<hsize_t>{8, 2, 8}));
  std::remove(path.c_str());
}
