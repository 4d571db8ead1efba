// HDF5 result layout: write_solution / read_solution round trip and provenance.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "nirl/core/error.hpp"
#include "nirl/io/results_io.hpp"
#include "nirl/version.hpp"
#include "test_networks.hpp"
#include "test_data.hpp"

using namespace nirl;

TEST(ResultsIo, SolutionRoundTrip) {
  const Network net = nirl::testing::fig2(0.3, 0.02, {2});
  const Solution sol = optimise(net);
  const std::string path = ::testing::TempDir() + "/nirl_roundtrip_" + std::to_string(::getpid()) + ".h5";
  {
    h5::OutputFile out(path);
    write_provenance(out, "[network]\nn = 8\n", 17, "nirl optimise");
    write_solution(out, net, sol);
    out.commit();
  }
  const h5::InputFile in(path);
  const StoredSolution back = read_solution(in);
  EXPECT_EQ(back.net.space.size, net.space.size);
  EXPECT_EQ(back.net.lambda, net.lambda);
  EXPECT_EQ(back.net.reward, net.reward);
  EXPECT_EQ(back.net.input.P, net.input.P);
  EXPECT_TRUE(back.net.is_dead(2));
  EXPECT_FALSE(back.net.is_dead(3));
  EXPECT_EQ(back.sol.value, sol.value);
  EXPECT_EQ(back.sol.stationary, sol.stationary);
  EXPECT_EQ(back.sol.q.log_on, sol.q.log_on);
  EXPECT_EQ(back.sol.q.log_off, sol.q.log_off);
  EXPECT_EQ(back.sol.L, sol.L);
  EXPECT_EQ(h5::read_attribute_string(in, "/", "version"), kVersion);
  EXPECT_EQ(h5::read_attribute_string(in, "/", "commit"), kCommit);
  EXPECT_EQ(h5::read_attribute_string(in, "/solution/value", "units"), "reward");
  EXPECT_EQ(h5::read_attribute_string(in, "/solution/optimum", "best_frozen_spikes").size(), 8u);
  // The state axis writes each state out: row s of state_spikes is sigma's bits, state_input x.
  std::vector<hsize_t> dims;
  const std::vector<std::int64_t> spikes = h5::read_integers(in, "/axes/state_spikes", 2, &dims);
  const std::vector<std::int64_t> input = h5::read_integers(in, "/axes/state_input", 1);
  ASSERT_EQ(dims, (std::vector<hsize_t>{net.space.size, 8}));
  for (std::size_t s = 0; s < net.space.size; ++s) {
    EXPECT_EQ(input[s], net.space.input_of(s));
    for (int i = 0; i < 8; ++i) EXPECT_EQ(spikes[s * 8 + std::size_t(i)], std::int64_t((net.space.sigma_of(s) >> i) & 1));
  }
  EXPECT_EQ(h5::read_attribute_int(in, "/", "seed"), 17);
  EXPECT_EQ(h5::read_attribute_string(in, "/", "config"), "[network]\nn = 8\n");
  EXPECT_EQ(h5::shape(in, "/model/input_transition"), (std::vector<hsize_t>{2, 2}));
  std::remove(path.c_str());
}

TEST(ResultsIo, UncommittedOutputLeavesNoFile) {
  const std::string path = ::testing::TempDir() + "/nirl_uncommitted_" + std::to_string(::getpid()) + ".h5";
  {
    h5::OutputFile out(path);
    const double x = 1.0;
    h5::write_doubles(out.id(), "/a/b", &x, {1}, test_data(1));
  }
  EXPECT_NE(access(path.c_str(), F_OK), 0);
  EXPECT_NE(access((path + ".tmp." + std::to_string(::getpid())).c_str(), F_OK), 0);
}

TEST(ResultsIo, WritersRefuseUndescribedDatasets) {
  const std::string path = ::testing::TempDir() + "/nirl_undescribed_" + std::to_string(::getpid()) + ".h5";
  h5::OutputFile out(path);
  const double x[2] = {1.0, 2.0};
  for (const h5::Describe& d : {h5::Describe{"", "no units", {"k"}}, h5::Describe{"1", "", {"k"}},
                                h5::Describe{"1", "no dimension names", {}}}) {
    try {
      h5::write_doubles(out.id(), "/x", x, {2}, d);
      FAIL() << d.description;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("/x"), std::string::npos) << e.what();
    }
  }
}

TEST(ResultsIo, ReaderNamesMissingAndMistypedDatasets) {
  const std::string path = ::testing::TempDir() + "/nirl_types_" + std::to_string(::getpid()) + ".h5";
  {
    h5::OutputFile out(path);
    const std::int32_t k[3] = {1, 2, 3};
    h5::write_int32(out.id(), "/ints", k, {3}, test_data(1));
    out.commit();
  }
  const h5::InputFile in(path);
  try {
    h5::read_doubles(in, "/ints", 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("integer type"), std::string::npos);
  }
  try {
    h5::read_doubles(in, "/nothing/here", 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nothing/here is missing"), std::string::npos);
  }
  std::remove(path.c_str());
}
