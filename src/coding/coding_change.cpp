// A changed context of an efficient-coding network (coding_change.hpp).
#include "nirl/coding/coding_change.hpp"

#include "nirl/core/error.hpp"

namespace nirl {

Network apply_coding_change(const Network& base, const CodingChange& change) {
  const std::vector<Eigen::Matrix2d>& factors = base.input.factors;
  if (factors.empty()) fail("a change of pixel statistics needs a pixel input (input.type = pixels)");
  for (const Eigen::Matrix2d& f : factors)
    if (f != factors.front()) fail("a change of pixel statistics needs identical pixels (input.type = pixels)");
  const double up = factors.front()(0, 1), down = factors.front()(1, 0);
  const double redraw = change.pixel_redraw.value_or(up + down);
  const double on = change.pixel_on.value_or(up / (up + down));
  if (change.lambda && !(*change.lambda > 0.0)) fail("lambda must be > 0 (got ", *change.lambda, ")");
  std::vector<int> dead;
  for (int i = 0; i < base.n(); ++i)
    if (base.is_dead(i)) dead.push_back(i);
  return make_network(base.n(), pixel_input(int(factors.size()), on, redraw), base.reward,
                      change.lambda.value_or(base.lambda), dead);
}

}  // namespace nirl
