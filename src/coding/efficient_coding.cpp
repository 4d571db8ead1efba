// Efficient coding iteration and its measures (docs/model.md section 6).
#include "nirl/coding/efficient_coding.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nirl/core/error.hpp"
#include "nirl/core/random_stream.hpp"

namespace nirl {
namespace {

// Stream of the initial-q jitter (bits 40+ name the purpose, as in study/observed_counts.hpp).
constexpr std::uint64_t kJitterStream = std::uint64_t(3) << 40;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_sizes(const StateSpace& space, const Eigen::VectorXd& p, const std::vector<int>& y) {
  if (std::size_t(p.size()) != space.size) fail("joint distribution has ", p.size(), " entries, expected ", space.size);
  if (int(y.size()) != space.nx) fail("feature has ", y.size(), " entries, expected nx = ", space.nx);
}

// mass(sigma, y) = sum_{x : y(x) = y} p(sigma, x), as a 2^n x 2 matrix.
Eigen::MatrixXd joint_with_feature(const StateSpace& space, const Eigen::VectorXd& p, const std::vector<int>& y) {
  check_sizes(space, p, y);
  Eigen::MatrixXd mass = Eigen::MatrixXd::Zero(Eigen::Index(space.n_sigma), 2);
  for (int x = 0; x < space.nx; ++x)
    for (std::size_t sigma = 0; sigma < space.n_sigma; ++sigma)
      mass(Eigen::Index(sigma), y[std::size_t(x)]) += p[Eigen::Index(space.index(sigma, x))];
  return mass / mass.sum();
}

}  // namespace

std::vector<int> threshold_feature(int pixels, int t) {
  if (pixels < 1 || pixels > 30) fail("feature: pixels must be in [1, 30] (got ", pixels, ")");
  if (t < 0 || t >= pixels) fail("feature threshold must be in [0, ", pixels - 1, "] (got ", t, ")");
  std::vector<int> y(std::size_t(1) << pixels);
  for (std::size_t x = 0; x < y.size(); ++x) y[x] = __builtin_popcountll(x) > t ? 1 : 0;
  return y;
}

std::vector<int> feature_from_table(const std::vector<double>& table, int nx, const std::string& what) {
  if (int(table.size()) != nx) fail(what, ": the feature has ", table.size(), " entries, expected nx = ", nx);
  const bool signs = std::any_of(table.begin(), table.end(), [](double v) { return v == -1.0; });
  std::vector<int> y;
  for (double v : table) {
    if (signs ? !(v == -1.0 || v == 1.0) : !(v == 0.0 || v == 1.0))
      fail(what, ": feature values must be all -1/+1 or all 0/1 (got ", v, ")");
    y.push_back(v == 1.0 ? 1 : 0);
  }
  const int ones = int(std::count(y.begin(), y.end(), 1));
  if (ones == 0 || ones == nx) fail(what, ": the feature is constant, there is nothing to encode");
  return y;
}

Eigen::VectorXd symmetry_breaking_reward(const StateSpace& space, const InputChain& input, const std::vector<int>& y) {
  const Eigen::VectorXd px = input_stationary(input);
  double p_on = 0.0;  // p(y = +1) under the input's stationary distribution
  for (int x = 0; x < space.nx; ++x)
    if (y[std::size_t(x)]) p_on += px[x];
  Eigen::VectorXd r(Eigen::Index(space.size));
  for (std::size_t s = 0; s < space.size; ++s) {
    const bool on = y[std::size_t(space.input_of(s))];
    const double sign = on ? 1.0 : -1.0, balance = 0.5 / (on ? p_on : 1.0 - p_on);
    r[Eigen::Index(s)] = sign * balance * (spike_count(space.sigma_of(s)) - 0.5 * space.n) / space.n;
  }
  return r;
}

Eigen::VectorXd log_posterior_reward(const StateSpace& space, const Eigen::VectorXd& p, const std::vector<int>& y) {
  const Eigen::MatrixXd mass = joint_with_feature(space, p, y);
  const Eigen::Vector2d prior = mass.colwise().sum().transpose();
  Eigen::VectorXd r(Eigen::Index(space.size));
  for (std::size_t s = 0; s < space.size; ++s) {
    const Eigen::Index sigma = Eigen::Index(space.sigma_of(s));
    const int ys = y[std::size_t(space.input_of(s))];
    const double total = mass(sigma, 0) + mass(sigma, 1);
    // An underflowed mass keeps the reward finite: log of the smallest normal ratio.
    r[Eigen::Index(s)] = total > 0.0 ? std::log(std::max(mass(sigma, ys) / total, std::numeric_limits<double>::min()))
                                     : std::log(prior[ys]);
  }
  return r;
}

Eigen::VectorXd feature_readout(const StateSpace& space, const Eigen::VectorXd& p, const std::vector<int>& y) {
  const Eigen::MatrixXd mass = joint_with_feature(space, p, y);
  Eigen::VectorXd out(mass.rows());
  for (Eigen::Index sigma = 0; sigma < mass.rows(); ++sigma) {
    const double total = mass(sigma, 0) + mass(sigma, 1);
    out[sigma] = total > 0.0 ? mass(sigma, 1) / total : kNaN;
  }
  return out;
}

Eigen::VectorXd readout_by_count(const StateSpace& space, const Eigen::VectorXd& p, const std::vector<int>& y) {
  const Eigen::MatrixXd mass = joint_with_feature(space, p, y);
  Eigen::MatrixXd by_count = Eigen::MatrixXd::Zero(space.n + 1, 2);
  for (Eigen::Index sigma = 0; sigma < mass.rows(); ++sigma)
    by_count.row(spike_count(std::uint64_t(sigma))) += mass.row(sigma);
  Eigen::VectorXd out(space.n + 1);
  for (int c = 0; c <= space.n; ++c) {
    const double total = by_count(c, 0) + by_count(c, 1);
    out[c] = total > 0.0 ? by_count(c, 1) / total : kNaN;
  }
  return out;
}

double feature_information(const StateSpace& space, const Eigen::VectorXd& p, const std::vector<int>& y) {
  const Eigen::MatrixXd mass = joint_with_feature(space, p, y);
  const Eigen::RowVector2d py = mass.colwise().sum();
  double info = 0.0;
  for (Eigen::Index sigma = 0; sigma < mass.rows(); ++sigma) {
    const double ps = mass(sigma, 0) + mass(sigma, 1);
    for (int k = 0; k < 2; ++k) {
      const double m = mass(sigma, k);
      if (m > 0.0) info += m * std::log(m / (ps * py[k]));
    }
  }
  return info;
}

Eigen::VectorXd independent_joint(const StateSpace& space, const Eigen::VectorXd& p) {
  if (std::size_t(p.size()) != space.size) fail("joint distribution has ", p.size(), " entries, expected ", space.size);
  const int n = space.n;
  const Eigen::VectorXd pn = p / p.sum();
  Eigen::VectorXd out(Eigen::Index(space.size));
  std::vector<double> on(static_cast<std::size_t>(n));
  for (int x = 0; x < space.nx; ++x) {
    double px = 0.0;
    std::fill(on.begin(), on.end(), 0.0);
    for (std::size_t sigma = 0; sigma < space.n_sigma; ++sigma) {
      const double ps = pn[Eigen::Index(space.index(sigma, x))];
      px += ps;
      for (int i = 0; i < n; ++i)
        if ((sigma >> i) & 1) on[std::size_t(i)] += ps;
    }
    for (std::size_t sigma = 0; sigma < space.n_sigma; ++sigma) {
      double prob = px;
      for (int i = 0; i < n && px > 0.0; ++i) {
        const double pi = on[std::size_t(i)] / px;
        prob *= ((sigma >> i) & 1) ? pi : 1.0 - pi;
      }
      out[Eigen::Index(space.index(sigma, x))] = prob;
    }
  }
  return out;
}

EfficientCodingResult efficient_coding(const Network& base, const std::vector<int>& y,
                                       const EfficientCodingOptions& options,
                                       const std::function<void(const UpdateProgress&)>& progress) {
  const StateSpace& space = base.space;
  if (int(y.size()) != space.nx) fail("feature has ", y.size(), " entries, expected nx = ", space.nx);
  if (!(options.tol > 0.0)) fail("efficient coding tolerance must be > 0 (got ", options.tol, ")");
  if (!(options.jitter >= 0.0 && options.jitter < 0.5)) fail("q jitter must be in [0, 0.5) (got ", options.jitter, ")");
  EfficientCodingResult res;
  res.net = base;
  res.net.reward = symmetry_breaking_reward(space, base.input, y);
  std::vector<double> q(std::size_t(base.n()), 0.5);
  if (options.jitter > 0.0) {
    const RandomStream stream(options.seed, kJitterStream);
    for (std::size_t i = 0; i < q.size(); ++i)
      q[i] = 0.5 + options.jitter * (2.0 * RandomStream::uniform(stream.words(i)[0]) - 1.0);
  }
  for (;;) {
    res.solution = optimise_from(res.net, options.solver, q);
    q = res.solution.q.on_probabilities();
    Eigen::VectorXd next = log_posterior_reward(space, res.solution.stationary, y);
    res.change = (next - res.net.reward).cwiseAbs().maxCoeff();
    if (progress) progress({res.updates, res.change});
    if (res.change < options.tol || res.updates == options.max_updates) break;
    res.net.reward = std::move(next);
    ++res.updates;
  }
  // Only the last solve has to be converged: earlier ones are intermediate steps.
  res.converged = res.change < options.tol && res.solution.converged;
  res.information = feature_information(space, res.solution.stationary, y);
  res.independent_information = feature_information(space, independent_joint(space, res.solution.stationary), y);
  return res;
}

}  // namespace nirl
