// Benchmarks of nirl's kernels against their rooflines, measured by this binary in the
// same run (tools/bench runs it and writes the table of BENCHMARKS.md):
//   Bellman      one sweep of relative value iteration (docs/model.md section 2)
//   Stationary   one pull-form power-iteration sweep (docs/model.md section 2)
//   Sampler      simulate(): one neuron update per step
//   Likelihood   the inverse's negative log-likelihood plus gradient (docs/model.md 3b)
// Rooflines (the work a kernel cannot avoid, done with the best vectorised exp / log1p
// available: nirl's own, numerics.hpp, or glibc's libmvec, whichever is faster):
//   BellmanRoofline/terms:k     n*S/k two-term log-sum-exps from L1 plus one streaming
//                               pass over the sweep's arrays (w, v, r read; v_new written);
//                               k = 1 is one term per state-neuron, k = 2 the floor once each
//                               pair of neighbours shares its term
//   StationaryRoofline          n*S sigmoids (exp + division) plus one streaming pass
//   LikelihoodRoofline          2 n*S log-sum-exps (the log-sigmoid of each logit and the
//                               log-sum-exp over neurons), data from L1
//   RandomOnly                  the sampler's Philox4x64 draws and nothing else
#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>

#include "nirl/inverse/max_likelihood.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/detail/numerics.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/core/reward.hpp"
#include "nirl/sample/sampler.hpp"
#include "nirl/core/soft_bellman.hpp"
#include "nirl/core/stationary.hpp"
#include "roofline.hpp"

namespace nirl::bench {

NIRL_VECTOR_CLONES
double bellman_roofline_custom(const RooflineArgs& a, std::size_t begin, int len) {
  alignas(64) double wl[kBlock], acc[kBlock], on[kBlock], off[kBlock], t[kBlock];
#pragma omp simd
  for (int j = 0; j < len; ++j) {
    wl[j] = a.w[begin + j] * a.inv_lambda;
    acc[j] = 0.0;
  }
  for (int i = 0; i < a.terms; ++i) {
    const double lon = a.log_on[i], loff = a.log_off[i];
#pragma omp simd
    for (int j = 0; j < len; ++j) {
      on[j] = lon + wl[j];
      off[j] = loff + wl[j];
    }
    log_sum_exp2_n(on, off, t, len);
#pragma omp simd
    for (int j = 0; j < len; ++j) acc[j] += t[j];
  }
  double lo = 1e300;
  for (int j = 0; j < len; ++j) {
    const double u = a.reward[begin + j] + a.scale * acc[j];
    lo = std::min(lo, u - a.v[begin + j]);
    a.out[begin + j] = u - a.offset;
  }
  return lo;
}

NIRL_VECTOR_CLONES
double stationary_roofline_custom(const RooflineArgs& a, std::size_t begin, int len) {
  alignas(64) double wl[kBlock], acc[kBlock], z[kBlock], e[kBlock];
#pragma omp simd
  for (int j = 0; j < len; ++j) {
    wl[j] = a.w[begin + j] * a.inv_lambda;
    acc[j] = 0.0;
  }
  for (int i = 0; i < a.terms; ++i) {
    const double dq = a.log_on[i] - a.log_off[i];
#pragma omp simd
    for (int j = 0; j < len; ++j) {
      z[j] = wl[j] + dq;
      e[j] = exp_nonpositive(-std::fabs(z[j]));
    }
#pragma omp simd
    for (int j = 0; j < len; ++j) {
      const double p = a.v[begin + j];
      acc[j] += sigmoid_given(z[j], e[j]) * (p + p);
    }
  }
  double change = 0.0;
  for (int j = 0; j < len; ++j) {
    const double p = a.scale * acc[j];
    change += std::fabs(p - a.v[begin + j]);
    a.out[begin + j] = p;
  }
  return change;
}

namespace {

using Roofline = double (*)(const RooflineArgs&, std::size_t, int);

// A network with n neurons and 1, 2 (telegraph) or 128 (7 pixels) input states, spread
// firing marginals and random values, so every log-sum-exp is a generic one.
struct Problem {
  Network net;
  LogMarginals q;
  Eigen::VectorXd v, w, p, out, scratch;
  const double* wp() const { return net.space.nx > 1 ? w.data() : v.data(); }
};

// inputs = -128: the same 7 pixels as a dense 128 x 128 matrix (the product V P^T as a
// matrix product instead of factor by factor), to compare the two paths.
InputChain input_of(int inputs) {
  if (inputs == 1) return no_input();
  if (inputs == 2) return telegraph_input(0.05, 0.05);
  if (inputs == 128) return pixel_input(7, 0.5, 0.1);
  if (inputs == -128) return InputChain{pixel_input(7, 0.5, 0.1).P, {}};
  throw std::invalid_argument("inputs must be 1, 2, 128 or -128");
}

Problem& problem(int n, int inputs) {
  static std::map<std::pair<int, int>, std::unique_ptr<Problem>> cache;
  std::unique_ptr<Problem>& slot = cache[{n, inputs}];
  if (slot) return *slot;
  slot = std::make_unique<Problem>();
  Problem& pr = *slot;
  InputChain in = input_of(inputs);
  const StateSpace space(n, in.nx());
  std::vector<int> targets;
  for (int x = 0; x < in.nx(); ++x) targets.push_back((3 * x + 2) % (n + 1));
  pr.net = make_network(n, in, spike_count_reward(space, targets), 0.5, {});
  std::vector<double> on;
  for (int i = 0; i < n; ++i) on.push_back(0.2 + 0.6 * (i + 0.5) / n);
  pr.q = LogMarginals::from_probabilities(pr.net, on);
  std::mt19937_64 gen(12345);
  std::uniform_real_distribution<double> uni(-2.0, 2.0);
  const Eigen::Index S = Eigen::Index(space.size);
  // The O(S) arrays allocated as the solver allocates its own (memory.hpp).
  for (Eigen::VectorXd* a : {&pr.v, &pr.p, &pr.out, &pr.scratch}) resize_on_huge_pages(*a, S);
  for (Eigen::Index s = 0; s < S; ++s) {
    pr.v[s] = uni(gen);
    pr.p[s] = 3.0 + uni(gen);
  }
  pr.p /= pr.p.sum();
  if (in.nx() > 1) expected_next_value(pr.net, pr.v, pr.w);
  return pr;
}

void set_threads(benchmark::State& state, int index) { omp_set_num_threads(int(state.range(index))); }

void Bellman(benchmark::State& state) {
  Problem& pr = problem(int(state.range(0)), int(state.range(1)));
  set_threads(state, 2);
  const bool has_input = pr.net.space.nx > 1;
  for (auto _ : state) {
    if (has_input) expected_next_value(pr.net, pr.v, pr.w);
    const double offset = soft_bellman_backup(pr.net, pr.q, pr.wp(), 0);
    benchmark::DoNotOptimize(soft_bellman_sweep(pr.net, pr.q, pr.wp(), pr.v, offset, pr.out));
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * pr.net.n() * std::int64_t(pr.net.space.size));
}

// Times `block` over the state space in kBlock chunks; log_on / log_off hold `terms` entries
// (the network's log q unless given).
void run_roofline(benchmark::State& state, const Problem& pr, Roofline block, int terms, double scale,
                  const double* read, const double* log_on = nullptr, const double* log_off = nullptr) {
  const std::size_t S = pr.net.space.size;
  const RooflineArgs args{pr.wp(),
                          read,
                          pr.net.reward.data(),
                          const_cast<double*>(pr.out.data()),
                          log_on ? log_on : pr.q.log_on.data(),
                          log_off ? log_off : pr.q.log_off.data(),
                          1.0 / pr.net.lambda,
                          scale,
                          0.0,
                          terms};
  const std::size_t blocks = (S + kBlock - 1) / kBlock;
  for (auto _ : state) {
    double acc = 0.0;
#pragma omp parallel for schedule(dynamic) reduction(+ : acc) if (blocks > 1)
    for (std::size_t b = 0; b < blocks; ++b)
      acc += block(args, b * kBlock, int(std::min<std::size_t>(kBlock, S - b * kBlock)));
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * terms * std::int64_t(S));
}

template <Roofline block>
void BellmanRoofline(benchmark::State& state) {
  Problem& pr = problem(int(state.range(0)), int(state.range(1)));
  set_threads(state, 2);
  // terms:1 = n per state; terms:2 = n/2 per state (rounded up).
  const int terms = int((pr.net.n() + state.range(3) - 1) / state.range(3));
  run_roofline(state, pr, block, terms, pr.net.lambda / pr.net.n(), pr.v.data());
}

void Stationary(benchmark::State& state) {
  Problem& pr = problem(int(state.range(0)), int(state.range(1)));
  set_threads(state, 2);
  Eigen::VectorXd p = pr.p;
  for (auto _ : state) benchmark::DoNotOptimize(stationary_sweep(pr.net, pr.q, pr.wp(), p, pr.out, pr.scratch));
  state.SetItemsProcessed(std::int64_t(state.iterations()) * pr.net.n() * std::int64_t(pr.net.space.size));
}

template <Roofline block>
void StationaryRoofline(benchmark::State& state) {
  Problem& pr = problem(int(state.range(0)), int(state.range(1)));
  set_threads(state, 2);
  run_roofline(state, pr, block, pr.net.n(), 1.0 / pr.net.n(), pr.p.data());
}

// One neuron update per step; the state walks the whole space (random values, so every
// neuron flips often), which is the cache-unfriendly case for large n.
void Sampler(benchmark::State& state) {
  Problem& pr = problem(int(state.range(0)), int(state.range(1)));
  const std::size_t steps = std::size_t(state.range(2));
  const Eigen::VectorXd& w = pr.net.space.nx > 1 ? pr.w : pr.v;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    const Raster r = simulate(pr.net, w, pr.q, pr.p, steps, seed++, 0);
    benchmark::DoNotOptimize(r.spikes.data());
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(steps));
}

// The same Philox draws as the sampler (counter t + 1 for step t), and nothing else.
void RandomOnly(benchmark::State& state) {
  const std::size_t steps = std::size_t(state.range(2));
  std::uint64_t seed = 1;
  for (auto _ : state) {
    const RandomStream rng(seed++, 0);
    std::uint64_t sink = 0;
    for (std::size_t t = 0; t + 1 < steps; ++t) {
      const auto r = rng.words(t + 1);
      sink += r[0] ^ r[1] ^ r[2];
    }
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(steps));
}

// Transition counts of a 10^6-step raster of the problem's own dynamics.
const TransitionCounts& counts_of(int n, int inputs) {
  static std::map<std::pair<int, int>, std::unique_ptr<TransitionCounts>> cache;
  std::unique_ptr<TransitionCounts>& slot = cache[{n, inputs}];
  if (!slot) {
    const Problem& pr = problem(n, inputs);
    const Eigen::VectorXd w = pr.net.space.nx > 1 ? pr.w : pr.v;
    slot = std::make_unique<TransitionCounts>(
        count_transitions(simulate(pr.net, w, pr.q, pr.p, 1000000, 7, 0), pr.net.space.nx));
  }
  return *slot;
}

void Likelihood(benchmark::State& state) {
  const int n = int(state.range(0)), inputs = int(state.range(1));
  const TransitionCounts& counts = counts_of(n, inputs);
  const Problem& pr = problem(n, inputs);
  set_threads(state, 2);
  const LogMarginals q = LogMarginals::from_probabilities(pr.net, counts.on);
  Eigen::VectorXd gradient;
  for (auto _ : state)
    benchmark::DoNotOptimize(
        negative_log_likelihood(counts, pr.net.input.P, pr.net.lambda, q, 1.0, pr.v, gradient));
  state.SetItemsProcessed(std::int64_t(state.iterations()) * n * std::int64_t(pr.net.space.size));
}

template <Roofline block>
void LikelihoodRoofline(benchmark::State& state) {
  Problem& pr = problem(int(state.range(0)), int(state.range(1)));
  set_threads(state, 2);
  // 2 n terms per state; log q repeated for the second n.
  static std::vector<double> log_on, log_off;
  log_on = pr.q.log_on;
  log_off = pr.q.log_off;
  log_on.insert(log_on.end(), pr.q.log_on.begin(), pr.q.log_on.end());
  log_off.insert(log_off.end(), pr.q.log_off.begin(), pr.q.log_off.end());
  run_roofline(state, pr, block, 2 * pr.net.n(), 1.0, pr.v.data(), log_on.data(), log_off.data());
}

// (n, inputs) of the sweeps: n = 12..22 without input, n = 8 with 2 inputs, n = 7 with 128.
const std::vector<std::pair<int, int>> kSweepCases = {{12, 1}, {14, 1}, {16, 1}, {18, 1}, {20, 1},
                                                      {22, 1}, {8, 2},  {7, 128}};

void sweep_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "inputs", "threads"});
  for (const auto& [n, inputs] : kSweepCases)
    for (int threads : {1, 2}) b->Args({n, inputs, threads});
  for (int threads : {1, 2}) b->Args({7, -128, threads});  // the dense product, for comparison
}

void roofline_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "inputs", "threads", "terms"});
  for (const auto& [n, inputs] : kSweepCases)
    for (int threads : {1, 2})
      for (int per : {1, 2}) b->Args({n, inputs, threads, per});
}

void stationary_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "inputs", "threads"});
  for (const auto& [n, inputs] : std::vector<std::pair<int, int>>{{16, 1}, {20, 1}, {8, 2}, {7, 128}, {7, -128}})
    for (int threads : {1, 2}) b->Args({n, inputs, threads});
}

void sampler_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "inputs", "steps"});
  for (const auto& [n, inputs] : std::vector<std::pair<int, int>>{{8, 2}, {12, 1}, {20, 1}, {22, 1}})
    b->Args({n, inputs, 1 << 22});
}

void likelihood_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "inputs", "threads"});
  for (const auto& [n, inputs] : std::vector<std::pair<int, int>>{{8, 2}, {7, 128}, {7, -128}})
    for (int threads : {1, 2}) b->Args({n, inputs, threads});
}

BENCHMARK(Bellman)->Apply(sweep_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BellmanRoofline, bellman_roofline_custom)
    ->Name("BellmanRoofline/custom")->Apply(roofline_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BellmanRoofline, bellman_roofline_libmvec)
    ->Name("BellmanRoofline/libmvec")->Apply(roofline_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(Stationary)->Apply(stationary_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(StationaryRoofline, stationary_roofline_custom)
    ->Name("StationaryRoofline/custom")->Apply(stationary_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(StationaryRoofline, stationary_roofline_libmvec)
    ->Name("StationaryRoofline/libmvec")->Apply(stationary_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(Sampler)->Apply(sampler_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(RandomOnly)->Apply(sampler_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(Likelihood)->Apply(likelihood_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(LikelihoodRoofline, bellman_roofline_custom)
    ->Name("LikelihoodRoofline/custom")->Apply(likelihood_args)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(LikelihoodRoofline, bellman_roofline_libmvec)
    ->Name("LikelihoodRoofline/libmvec")->Apply(likelihood_args)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nirl::bench

// As nirl's own main: freed memory stays in the process (memory.hpp).
int main(int argc, char** argv) {
  nirl::retain_freed_memory();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
