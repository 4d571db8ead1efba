// The sampler's decision threshold (docs/model.md section 2): step t sets the chosen neuron when
// its flip logit z exceeds log(u / (1 - u)), u the step's uniform, the same event as
// u < sigmoid(z). The threshold depends on u alone, so the sampler takes it ahead of the
// chain of steps, cheaply in single precision with an error bound, and falls back to the
// exact value only when z lies within that bound of it.
#pragma once
#include <cstddef>

namespace nirl {

// Thresholds come in batches of this many (one AVX2 vector of floats).
inline constexpr std::size_t kLogBatch = 8;

// log(u / (1 - u)) in double precision; -inf at u = 0. The definition of a decision.
double exact_logit(double u);

// For u[0 .. kLogBatch) in [0, 1): logit[k] ~ exact_logit(u[k]) in single precision and
// bound[k] >= |logit[k] - exact_logit(u[k])| (logit -inf and bound 0 at u = 0).
void approximate_logits(const double* u, double* logit, double* bound);

}  // namespace nirl
