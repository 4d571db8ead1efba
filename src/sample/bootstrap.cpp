#include "nirl/sample/bootstrap.hpp"

#include <algorithm>
#include <cmath>

#include "nirl/core/error.hpp"

namespace nirl {

std::vector<std::size_t> moving_block_resample(std::size_t transitions, std::size_t block, const RandomStream& rng) {
  if (transitions < 1) fail("bootstrap: no transitions to resample");
  if (block < 1) fail("bootstrap: the block length must be >= 1");
  block = std::min(block, transitions);
  const std::size_t positions = transitions - block + 1;  // possible block starts
  std::vector<std::size_t> out;
  out.reserve(transitions);
  for (std::uint64_t k = 0; out.size() < transitions; ++k) {
    const std::size_t start = std::size_t(RandomStream::below(rng.words(k)[0], positions));
    for (std::size_t j = 0; j < block && out.size() < transitions; ++j) out.push_back(start + j);
  }
  return out;
}

double integrated_autocorrelation_time(const std::vector<double>& series) {
  const std::size_t T = series.size();
  if (T < 2) return 0.5;
  double mean = 0.0;
  for (double x : series) mean += x;
  mean /= double(T);
  double var = 0.0;
  for (double x : series) var += (x - mean) * (x - mean);
  if (!(var > 0.0)) return 0.5;
  double tau = 0.5;
  for (std::size_t lag = 1; lag < T / 2; ++lag) {
    double c = 0.0;
    for (std::size_t t = 0; t + lag < T; ++t) c += (series[t] - mean) * (series[t + lag] - mean);
    tau += c / var;
    if (double(lag) >= 5.0 * tau) break;
  }
  return std::max(tau, 0.5);
}

std::size_t default_block_length(std::size_t steps, double tau) {
  const double rule = std::max(std::ceil(std::cbrt(double(steps))), std::ceil(10.0 * tau));
  return std::size_t(std::max(1.0, std::min(rule, std::floor(double(steps) / 20.0))));
}

}  // namespace nirl
