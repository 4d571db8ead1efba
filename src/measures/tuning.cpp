#include "nirl/measures/tuning.hpp"

#include <cmath>
#include <limits>

#include "nirl/core/error.hpp"
#include "nirl/detail/numerics.hpp"

namespace nirl {

std::vector<Eigen::MatrixXd> tuning_curves(const Network& net, const Solution& sol) {
  std::vector<int> identity(std::size_t(net.space.nx));
  for (std::size_t x = 0; x < identity.size(); ++x) identity[x] = int(x);
  return tuning_curves(net, sol, identity, net.space.nx);
}

std::vector<Eigen::MatrixXd> tuning_curves(const Network& net, const Solution& sol, const std::vector<int>& input_group,
                                           int groups) {
  const int n = net.n(), nx = groups;
  if (int(input_group.size()) != net.space.nx) fail("tuning curves: ", input_group.size(), " input groups for nx = ", net.space.nx);
  for (int g : input_group)
    if (g < 0 || g >= groups) fail("tuning curves: input group ", g, " outside [0, ", groups, ")");
  const Eigen::VectorXd w = expected_next_value(net, sol);
  std::vector<Eigen::MatrixXd> fires(std::size_t(n), Eigen::MatrixXd::Zero(nx, n));
  std::vector<Eigen::MatrixXd> mass(std::size_t(n), Eigen::MatrixXd::Zero(nx, n));
  for (std::size_t s = 0; s < net.space.size; ++s) {
    const double ps = sol.stationary[Eigen::Index(s)];
    if (ps == 0.0) continue;
    const std::uint64_t sigma = net.space.sigma_of(s);
    const int x = input_group[std::size_t(net.space.input_of(s))], count = spike_count(sigma);
    for (int i = 0; i < n; ++i) {
      const int others = count - int((sigma >> i) & 1);
      const double on = sigmoid(flip_logit(w.data(), s - sigma, sigma, i, 1.0 / net.lambda, sol.q));
      fires[std::size_t(i)](x, others) += ps * on;
      mass[std::size_t(i)](x, others) += ps;
    }
  }
  for (int i = 0; i < n; ++i)
    for (int x = 0; x < nx; ++x)
      for (int k = 0; k < n; ++k) {
        const double m = mass[std::size_t(i)](x, k);
        fires[std::size_t(i)](x, k) = m > 0.0 ? fires[std::size_t(i)](x, k) / m : std::numeric_limits<double>::quiet_NaN();
      }
  return fires;
}

std::vector<int> tuning_groups(const std::vector<Eigen::MatrixXd>& tuning, double tol) {
  const std::size_t n = tuning.size();
  std::vector<int> group(n, -1);
  auto close = [&](std::size_t a, std::size_t b) {
    const Eigen::ArrayXXd d = (tuning[a] - tuning[b]).array();
    for (Eigen::Index k = 0; k < d.size(); ++k)
      if (std::isfinite(d(k)) && std::fabs(d(k)) >= tol) return false;
    return true;
  };
  int groups = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (group[i] >= 0) continue;
    group[i] = groups;
    // Single linkage: grow the group through chains of close neurons.
    for (bool grew = true; grew;) {
      grew = false;
      for (std::size_t j = 0; j < n; ++j)
        if (group[j] < 0)
          for (std::size_t m = 0; m < n; ++m)
            if (group[m] == groups && close(j, m)) {
              group[j] = groups;
              grew = true;
              break;
            }
    }
    ++groups;
  }
  return group;
}

}  // namespace nirl
