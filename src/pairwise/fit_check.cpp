#include "nirl/pairwise/fit_check.hpp"

#include <cmath>
#include <sstream>

#include "nirl/core/error.hpp"
#include "nirl/pairwise/ising_forward.hpp"

namespace nirl {
namespace {

// P(active), P(both active) and P(k active) of weighted spin states (rows of ±1).
struct ActivityStatistics {
  Eigen::VectorXd rates;
  Eigen::MatrixXd both;
  Eigen::VectorXd counts;
};

ActivityStatistics statistics(const Eigen::MatrixXd& S, const Eigen::VectorXd& w) {
  const Eigen::MatrixXd A = (S.array() + 1.0) / 2.0;  // 0/1
  ActivityStatistics s;
  s.rates = A.transpose() * w;
  s.both = A.transpose() * w.asDiagonal() * A;
  s.counts = Eigen::VectorXd::Zero(S.cols() + 1);
  const Eigen::VectorXd k = A.rowwise().sum();
  for (Eigen::Index t = 0; t < S.rows(); ++t) s.counts[Eigen::Index(std::lround(k[t]))] += w[t];
  return s;
}

ActivityStatistics model_statistics(const IsingParams& params, const FitCheckOptions& o, FitCheck& check) {
  const int n = params.n();
  if (n <= kMaxExactIsingNeurons) {
    StateEnsemble e = StateEnsemble::enumeration(n);
    e.set_gibbs_weights(params);
    ActivityStatistics s{Eigen::VectorXd::Zero(n), Eigen::MatrixXd::Zero(n, n), Eigen::VectorXd::Zero(n + 1)};
    const std::vector<double> sums = e.blocked(n + n * n + n + 1, [&](std::size_t begin, const Eigen::MatrixXd& S, double* acc) {
      const ActivityStatistics b = statistics(S, e.weights().segment(Eigen::Index(begin), S.rows()));
      Eigen::Map<Eigen::VectorXd>(acc, n) += b.rates;
      Eigen::Map<Eigen::MatrixXd>(acc + n, n, n) += b.both;
      Eigen::Map<Eigen::VectorXd>(acc + n + n * n, n + 1) += b.counts;
    });
    s.rates = Eigen::Map<const Eigen::VectorXd>(sums.data(), n);
    s.both = Eigen::Map<const Eigen::MatrixXd>(sums.data() + n, n, n);
    s.counts = Eigen::Map<const Eigen::VectorXd>(sums.data() + n + n * n, n + 1);
    return s;
  }
  check.exact = false;
  GibbsChains chains(n, o.chains, o.seed);
  const Eigen::MatrixXd S = chains.sample(params, o.burn_in, o.samples_per_chain, o.thin);
  check.model_samples = double(S.rows());
  return statistics(S, Eigen::VectorXd::Constant(S.rows(), 1.0 / double(S.rows())));
}

}  // namespace

FitCheck check_fit(const SpinCounts& data, const IsingParams& params, const FitCheckOptions& o) {
  const int n = data.n();
  if (params.n() != n) fail("fit check: a model of ", params.n(), " neurons for data of ", n);
  FitCheck c;
  const ActivityStatistics d = statistics(data.states, data.counts / data.total);
  const ActivityStatistics m = model_statistics(params, o, c);
  c.data_rates = d.rates;
  c.model_rates = m.rates;
  c.rate_max_error = (m.rates - d.rates).cwiseAbs().maxCoeff();
  // Connected correlations over the pairs i < j.
  const Eigen::Index pairs = Eigen::Index(n) * (n - 1) / 2;
  Eigen::VectorXd x(pairs), y(pairs);
  for (int i = 0, k = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j, ++k) {
      x[k] = d.both(i, j) - d.rates[i] * d.rates[j];
      y[k] = m.both(i, j) - m.rates[i] * m.rates[j];
    }
  const Eigen::ArrayXd dx = x.array() - x.mean(), dy = y.array() - y.mean();
  const double sxx = (dx * dx).sum(), syy = (dy * dy).sum(), sxy = (dx * dy).sum();
  c.correlation_slope = sxx > 0.0 ? sxy / sxx : std::nan("");
  c.correlation_r2 = sxx > 0.0 && syy > 0.0 ? sxy * sxy / (sxx * syy) : std::nan("");
  c.data_counts = d.counts;
  c.model_counts = m.counts;
  c.count_tv = 0.5 * (m.counts - d.counts).cwiseAbs().sum();
  double expected_tv = 0.0;  // from the data's sampling error (independent bins)
  for (Eigen::Index k = 0; k <= n; ++k) {
    expected_tv += std::sqrt(d.counts[k] * (1.0 - d.counts[k]) / data.total);
    if (d.counts[k] == 0.0) c.unsupported_mass += m.counts[k];
  }
  expected_tv /= std::sqrt(2.0 * M_PI);
  c.tv_threshold = std::max(o.tv_floor, 5.0 * expected_tv);
  std::ostringstream problem;
  if (c.unsupported_mass > o.unsupported_threshold) {
    problem << "the model puts " << c.unsupported_mass << " of its mass on numbers of active neurons the data never show";
  } else if (c.count_tv > c.tv_threshold) {
    problem << "the model's distribution of the number of active neurons differs from the data's by TV " << c.count_tv
            << " (threshold " << c.tv_threshold << ")";
  }
  c.problem = problem.str();
  c.passed = c.problem.empty();
  return c;
}

}  // namespace nirl
