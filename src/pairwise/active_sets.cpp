// Population states by their active neurons (see the header).
#include "nirl/pairwise/active_sets.hpp"

#include <algorithm>
#include <cmath>

#include "nirl/core/error.hpp"
#include "nirl/detail/thread_team.hpp"

namespace nirl {

ActiveSets ActiveSets::from_spins(const Eigen::Ref<const Eigen::MatrixXd>& S) {
  ActiveSets a(int(S.cols()));
  a.offsets_.reserve(std::size_t(S.rows()) + 1);
  for (Eigen::Index t = 0; t < S.rows(); ++t) {
    for (Eigen::Index i = 0; i < S.cols(); ++i)
      if (S(t, i) > 0.0) a.active_.push_back(std::int32_t(i));
    a.offsets_.push_back(a.active_.size());
  }
  return a;
}

ActiveSets ActiveSets::enumeration(int n) {
  if (n < 1 || n > 30) fail("an enumeration of active sets needs 1 <= n <= 30 (got ", n, ")");
  ActiveSets a(n);
  const std::size_t states = std::size_t(1) << n;
  a.offsets_.reserve(states + 1);
  a.active_.reserve(states * std::size_t(n) / 2);
  for (std::size_t s = 0; s < states; ++s) {
    for (int i = 0; i < n; ++i)
      if ((s >> i) & 1) a.active_.push_back(std::int32_t(i));
    a.offsets_.push_back(a.active_.size());
  }
  return a;
}

void ActiveSets::append(const std::uint8_t* activities) {
  for (int i = 0; i < n_; ++i)
    if (activities[i]) active_.push_back(std::int32_t(i));
  offsets_.push_back(active_.size());
}

Eigen::MatrixXd ActiveSets::spins(std::size_t first, std::size_t rows) const {
  Eigen::MatrixXd S = Eigen::MatrixXd::Constant(Eigen::Index(rows), n_, -1.0);
  for (std::size_t r = 0; r < rows; ++r)
    for (const std::int32_t* i = begin(first + r); i != end(first + r); ++i) S(Eigen::Index(r), *i) = 1.0;
  return S;
}

ActivitySums::ActivitySums(int n)
    : x(Eigen::VectorXd::Zero(n)), xx_upper(Eigen::MatrixXd::Zero(n, n)), by_count(Eigen::VectorXd::Zero(n + 1)) {}

void ActivitySums::add(const ActiveSets& s, std::size_t first, std::size_t rows, const double* w) {
  const Eigen::Index n = x.size();
  double* xx = xx_upper.data();
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t t = first + r;
    const std::int32_t* a = s.begin(t);
    const int k = s.count(t);
    const double wt = w[r];
    by_count[k] += wt;
    for (int q = 0; q < k; ++q) {
      x[a[q]] += wt;
      double* column = xx + Eigen::Index(a[q]) * n;  // pairs (a[p], a[q]), p <= q
      for (int p = 0; p <= q; ++p) column[a[p]] += wt;
    }
  }
}

double ActivitySums::count_moment(int power) const {
  double m = 0.0;
  for (Eigen::Index k = 0; k < by_count.size(); ++k) m += by_count[k] * std::pow(double(k), power);
  return m;
}

Eigen::MatrixXd symmetric_from_upper(const Eigen::MatrixXd& m) {
  Eigen::MatrixXd s = m.triangularView<Eigen::Upper>();
  s.triangularView<Eigen::StrictlyLower>() = m.transpose();
  return s;
}

ActivitySums ActivitySums::of(const ActiveSets& s, const Eigen::VectorXd& w) {
  const int n = s.n();
  const std::size_t m = std::size_t(n) + std::size_t(n) * n + std::size_t(n) + 1;
  const std::vector<double> total = sum_over_blocks(s.size(), 1024, m, [&](std::size_t first, std::size_t rows, double* acc) {
    ActivitySums b(n);
    b.add(s, first, rows, w.data() + first);
    Eigen::Map<Eigen::VectorXd>(acc, n) = b.x;
    Eigen::Map<Eigen::MatrixXd>(acc + n, n, n) = b.xx_upper;
    Eigen::Map<Eigen::VectorXd>(acc + n + n * n, n + 1) = b.by_count;
  });
  ActivitySums out(n);
  out.x = Eigen::Map<const Eigen::VectorXd>(total.data(), n);
  out.xx_upper = Eigen::Map<const Eigen::MatrixXd>(total.data() + n, n, n);
  out.by_count = Eigen::Map<const Eigen::VectorXd>(total.data() + n + n * n, n + 1);
  return out;
}

std::vector<double> sum_over_blocks(std::size_t size, std::size_t min_rows, std::size_t m,
                                    const std::function<void(std::size_t, std::size_t, double*)>& body) {
  const std::size_t rows = std::max(min_rows, (size + kMaxBlocks - 1) / kMaxBlocks);
  const std::size_t blocks = (size + rows - 1) / rows;
  std::vector<double> partial(blocks * m, 0.0);
  static ThreadTeam team;
  const ThreadTeam::Call call(team, double(size) * double(std::max<std::size_t>(m, 1)), blocks > 1);
  team_for_dynamic(call, blocks, [&](std::size_t b) {
    const std::size_t first = b * rows;
    body(first, std::min(size, first + rows) - first, partial.data() + b * m);
  });
  std::vector<double> total(m, 0.0);
  for (std::size_t b = 0; b < blocks; ++b)
    for (std::size_t k = 0; k < m; ++k) total[k] += partial[b * m + k];
  return total;
}

}  // namespace nirl
