// Anderson-accelerated relative value iteration against the plain iteration (soft_bellman.hpp)
// on random rewards, random marginals and a random input chain. The checks follow from the
// average-reward theory of docs/model.md section 2: for any v, L lies in [min, max] of T(v) - v,
// so two solutions with spans below tol agree on L within tol; T is non-expansive in the span
// seminorm, so the returned v (an image G(v_k)) has residual span below tol too; and the
// relative values of two approximate solutions differ by at most about their residual spans
// times the relaxation time of the iteration, measured here from the plain iteration itself.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <vector>

#include "nirl/core/anderson_value_iteration.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/input_chain.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/core/soft_bellman.hpp"
#include "nirl/core/stationary.hpp"

using namespace nirl;

namespace {

double uniform(const RandomStream& rng, std::uint64_t k) { return RandomStream::uniform(rng.words(k)[0]); }

struct Problem {
  Network net;
  LogMarginals q;
};

// A network with rewards uniform in [-scale, scale], q_i(+1) uniform in (0.1, 0.9).
Problem random_problem(int n, InputChain input, double lambda, double scale, std::uint64_t stream) {
  const RandomStream rng(17, stream);
  const std::size_t S = (std::size_t(1) << n) * std::size_t(input.nx());
  Eigen::VectorXd reward{Eigen::Index(S)};
  for (std::size_t s = 0; s < S; ++s) reward[Eigen::Index(s)] = scale * (2.0 * uniform(rng, s) - 1.0);
  std::vector<double> q(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) q[std::size_t(i)] = 0.1 + 0.8 * uniform(rng, S + std::size_t(i));
  Network net = make_network(n, std::move(input), reward, lambda, {});
  LogMarginals lq = LogMarginals::from_probabilities(net, q);
  return {std::move(net), std::move(lq)};
}

// span(T(v) - v) by one plain sweep.
double residual_span(const Problem& pb, const Eigen::VectorXd& v) {
  Eigen::VectorXd w, out;
  if (pb.net.space.nx > 1) expected_next_value(pb.net, v, w);
  const double* wp = pb.net.space.nx > 1 ? w.data() : v.data();
  const SweepRange r = soft_bellman_sweep(pb.net, pb.q, wp, v, 0.0, out);
  return r.max - r.min;
}

void expect_same_solution(const Problem& pb, int memory) {
  const Eigen::Index S = pb.net.reward.size();
  const double tol = 1e-12;
  // The plain iteration to 1e-5, then on to tol: the sweeps per factor e of the residual
  // measure its relaxation time t.
  Eigen::VectorXd plain = Eigen::VectorXd::Zero(S), scratch, w;
  const long early = relative_value_iteration(pb.net, pb.q, plain, 1e-5, 1000000, scratch, w).sweeps;
  const ValueIterationResult ref = relative_value_iteration(pb.net, pb.q, plain, tol, 1000000, scratch, w);
  ASSERT_TRUE(ref.converged);
  const double relaxation = double(ref.sweeps) / std::log(1e-5 / tol);

  Eigen::VectorXd v = Eigen::VectorXd::Zero(S);
  const ValueIterationResult acc = anderson_value_iteration(pb.net, pb.q, v, tol, 1000000, memory);
  ASSERT_TRUE(acc.converged);
  EXPECT_LT(acc.span, tol);
  EXPECT_LE(residual_span(pb, v), tol);
  EXPECT_LE(std::fabs(acc.L - ref.L), tol);
  EXPECT_EQ(v[0], 0.0);
  // Each solution is within (its residual span) x (about the relaxation time) of the exact one.
  EXPECT_LT((v - plain).cwiseAbs().maxCoeff(), 2.0 * tol * (relaxation + 1.0));
  EXPECT_LT(acc.sweeps, early + ref.sweeps);
  std::printf("  memory %d: %ld sweeps (plain %ld), relaxation %.1f sweeps, |dv| %.2e\n", memory, acc.sweeps,
              early + ref.sweeps, relaxation, (v - plain).cwiseAbs().maxCoeff());
}

}  // namespace

TEST(AndersonValueIteration, SameSolutionAsThePlainIterationWithoutInput) {
  for (std::uint64_t stream = 0; stream < 3; ++stream)
    for (int memory : {1, 3, 8}) expect_same_solution(random_problem(9, no_input(), 0.5 + stream, 2.0, stream), memory);
}

TEST(AndersonValueIteration, SameSolutionAsThePlainIterationWithInput) {
  for (std::uint64_t stream = 3; stream < 5; ++stream)
    for (int memory : {2, 8}) expect_same_solution(random_problem(7, telegraph_input(0.05, 0.1), 1.0, 2.0, stream), memory);
}

// A slowly mixing case (strong random rewards, small lambda): the reason for the method.
TEST(AndersonValueIteration, FarFewerSweepsWhenThePlainIterationIsSlow) {
  const Problem pb = random_problem(10, no_input(), 0.3, 1.0, 7);
  Eigen::VectorXd plain = Eigen::VectorXd::Zero(pb.net.reward.size()), v = plain, scratch, w;
  const ValueIterationResult ref = relative_value_iteration(pb.net, pb.q, plain, 1e-10, 1000000, scratch, w);
  const ValueIterationResult acc = anderson_value_iteration(pb.net, pb.q, v, 1e-10, 1000000, 8);
  ASSERT_TRUE(ref.converged && acc.converged);
  std::printf("  plain %ld sweeps, Anderson(8) %ld\n", ref.sweeps, acc.sweeps);
  EXPECT_LT(4 * acc.sweeps, ref.sweeps);
}

// Over random problems from nearly linear (lambda 2.5, small rewards) to strongly nonlinear
// (lambda 0.15, rewards +-5): always converged to the same solution, never much slower than
// the plain iteration (the restart limit), and several times faster on average.
TEST(AndersonValueIteration, NeverMuchSlowerThanThePlainIteration) {
  double speedup = 0.0;
  int cases = 0;
  for (double lambda : {0.15, 0.3, 0.6, 1.2, 2.5})
    for (double scale : {0.5, 2.0, 5.0})
      for (std::uint64_t k = 0; k < 2; ++k) {
        const Problem pb = random_problem(8, no_input(), lambda, scale, 100 + std::uint64_t(cases));
        Eigen::VectorXd plain = Eigen::VectorXd::Zero(256), v = plain, scratch, w;
        const ValueIterationResult ref = relative_value_iteration(pb.net, pb.q, plain, 1e-10, 1000000, scratch, w);
        const ValueIterationResult acc = anderson_value_iteration(pb.net, pb.q, v, 1e-10, 1000000, 8);
        ASSERT_TRUE(ref.converged && acc.converged);
        EXPECT_LE(std::fabs(acc.L - ref.L), 1e-10);
        EXPECT_LT(acc.sweeps, 1.5 * double(ref.sweeps) + 50) << "lambda " << lambda << ", scale " << scale;
        speedup += double(ref.sweeps) / double(acc.sweeps);
        ++cases;
      }
  std::printf("  mean ratio of sweeps plain / Anderson(8) over %d problems: %.2f\n", cases, speedup / cases);
  EXPECT_GT(speedup / cases, 3.0);
}

TEST(AndersonValueIteration, IdenticalForOneAndTwoThreads) {
  const Problem pb = random_problem(13, no_input(), 1.0, 2.0, 11);  // 8192 states: parallel sweeps and sums
  const int saved = omp_get_max_threads();
  std::vector<Eigen::VectorXd> out;
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    Eigen::VectorXd v = Eigen::VectorXd::Zero(pb.net.reward.size());
    ASSERT_TRUE(anderson_value_iteration(pb.net, pb.q, v, 1e-11, 1000000, 8).converged);
    out.push_back(v);
  }
  omp_set_num_threads(saved);
  EXPECT_EQ(out[0], out[1]);
}

TEST(AndersonValueIteration, UnfinishedRunReturnsTheLastImageAndBadMemoryIsRefused) {
  const Problem pb = random_problem(6, no_input(), 0.5, 2.0, 13);
  Eigen::VectorXd v = Eigen::VectorXd::Zero(pb.net.reward.size());
  const ValueIterationResult r = anderson_value_iteration(pb.net, pb.q, v, 1e-15, 5, 4);
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.sweeps, 5);
  EXPECT_EQ(v[0], 0.0);
  EXPECT_TRUE(v.allFinite());
  EXPECT_THROW(anderson_value_iteration(pb.net, pb.q, v, 1e-9, 10, 0), Error);
}
