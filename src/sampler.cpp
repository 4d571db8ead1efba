// Exact sampling of the asynchronous dynamics (MODEL.md section 2).
#include "nirl/sampler.hpp"

#include "nirl/error.hpp"
#include "nirl/numerics.hpp"
#include "nirl/random_stream.hpp"

namespace nirl {
namespace {

// Smallest index k with cumulative[k] > u (cumulative[last] is forced to 1).
std::size_t draw_from_cumulative(const std::vector<double>& cumulative, double u) {
  std::size_t lo = 0, hi = cumulative.size() - 1;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (cumulative[mid] > u) hi = mid; else lo = mid + 1;
  }
  return lo;
}

}  // namespace

Raster simulate(const Network& net, const Eigen::VectorXd& w, const LogMarginals& q,
                const Eigen::VectorXd& stationary, std::size_t steps, std::uint64_t seed,
                std::uint64_t stream, const std::function<void(std::size_t)>& progress) {
  const int n = net.n(), nx = net.space.nx;
  if (steps < 1) fail("simulate: steps must be >= 1");
  const RandomStream rng(seed, stream);
  const double inv_lambda = 1.0 / net.lambda;

  std::vector<std::vector<double>> input_cdf(static_cast<std::size_t>(nx));
  for (int x = 0; x < nx; ++x) {
    double c = 0.0;
    for (int y = 0; y < nx; ++y) input_cdf[std::size_t(x)].push_back(c += net.input.P(x, y));
    input_cdf[std::size_t(x)].back() = 1.0;
  }

  Raster raster;
  raster.n = n;
  raster.steps = steps;
  raster.spikes.resize(steps * std::size_t(n));
  if (nx > 1) raster.input.resize(steps);

  // Initial state ~ stationary distribution: scan its cumulative sum (no O(S) copy).
  const double target = RandomStream::uniform(rng.words(0)[0]) * stationary.sum();
  std::size_t s0 = 0;
  for (double acc = 0.0; s0 + 1 < net.space.size; ++s0)
    if ((acc += stationary[Eigen::Index(s0)]) > target) break;
  std::uint64_t sigma = net.space.sigma_of(s0);
  int x = net.space.input_of(s0);
  for (std::size_t t = 0; t < steps; ++t) {
    for (int i = 0; i < n; ++i) raster.spikes[t * std::size_t(n) + std::size_t(i)] = (sigma >> i) & 1;
    if (nx > 1) raster.input[t] = x;
    if (t + 1 == steps) break;
    const auto r = rng.words(t + 1);
    const int i = int(RandomStream::below(r[0], std::uint64_t(n)));
    const std::size_t base = net.space.n_sigma * std::size_t(x);
    const double z = flip_logit(w.data(), base, sigma, i, inv_lambda, q);
    const std::uint64_t bit = std::uint64_t(1) << i;
    sigma = RandomStream::uniform(r[1]) < sigmoid(z) ? (sigma | bit) : (sigma & ~bit);
    if (nx > 1) x = int(draw_from_cumulative(input_cdf[std::size_t(x)], RandomStream::uniform(r[2])));
    if (progress && ((t + 1) & ((std::size_t(1) << 20) - 1)) == 0) progress(t + 1);
  }
  return raster;
}

}  // namespace nirl
