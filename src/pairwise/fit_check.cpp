#include "nirl/pairwise/fit_check.hpp"

#include <cmath>
#include <sstream>

#include "nirl/core/error.hpp"
#include "nirl/pairwise/ising_forward.hpp"

namespace nirl {
namespace {

// Model statistics: P(active) in x, P(both active) in the upper triangle of xx_upper and
// P(k active) in by_count.
ActivitySums model_statistics(const IsingParams& params, const FitCheckOptions& o, FitCheck& check) {
  const int n = params.n();
  if (n <= kMaxExactIsingNeurons) {
    StateEnsemble e = StateEnsemble::enumeration(n);
    e.set_gibbs_weights(params);
    return ActivitySums::of(ActiveSets::enumeration(n), e.weights());
  }
  check.exact = false;
  GibbsChains chains(n, o.chains, o.seed);
  const Eigen::MatrixXd S = chains.sample(params, o.burn_in, o.samples_per_chain, o.thin);
  check.model_samples = double(S.rows());
  return ActivitySums::of(ActiveSets::from_spins(S), Eigen::VectorXd::Constant(S.rows(), 1.0 / double(S.rows())));
}

}  // namespace

FitCheck check_fit(const SpinCounts& data, const IsingParams& params, const FitCheckOptions& o) {
  const int n = data.n();
  if (params.n() != n) fail("fit check: a model of ", params.n(), " neurons for data of ", n);
  FitCheck c;
  const ActivitySums d = ActivitySums::of(data.states, data.counts / data.total);
  const ActivitySums m = model_statistics(params, o, c);
  c.data_rates = d.x;
  c.model_rates = m.x;
  c.rate_max_error = (m.x - d.x).cwiseAbs().maxCoeff();
  // Connected correlations over the pairs i < j.
  const Eigen::Index pairs = Eigen::Index(n) * (n - 1) / 2;
  Eigen::VectorXd x(pairs), y(pairs);
  for (int i = 0, k = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j, ++k) {
      x[k] = d.xx_upper(i, j) - d.x[i] * d.x[j];
      y[k] = m.xx_upper(i, j) - m.x[i] * m.x[j];
    }
  const Eigen::ArrayXd dx = x.array() - x.mean(), dy = y.array() - y.mean();
  const double sxx = (dx * dx).sum(), syy = (dy * dy).sum(), sxy = (dx * dy).sum();
  c.correlation_slope = sxx > 0.0 ? sxy / sxx : std::nan("");
  c.correlation_r2 = sxx > 0.0 && syy > 0.0 ? sxy * sxy / (sxx * syy) : std::nan("");
  c.data_counts = d.by_count;
  c.model_counts = m.by_count;
  c.count_tv = 0.5 * (m.by_count - d.by_count).cwiseAbs().sum();
  double expected_tv = 0.0;  // from the data's sampling error (independent bins)
  for (Eigen::Index k = 0; k <= n; ++k) {
    expected_tv += std::sqrt(d.by_count[k] * (1.0 - d.by_count[k]) / data.total);
    if (d.by_count[k] == 0.0) c.unsupported_mass += m.by_count[k];
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
