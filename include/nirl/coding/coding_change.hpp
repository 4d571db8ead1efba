// A change of context for an efficient-coding network (docs/model.md sections 4 and 6, Fig 4H):
// new pixel statistics or a new coding cost. The network then re-optimises its code for
// the same feature y(x) under the changed context (efficient_coding.hpp); a prediction does
// so for the feature recovered from data (feature_recovery.hpp), the truth for the true one.
// The text form a user writes is read by io/perturbation_spec.hpp.
#pragma once
#include <optional>

#include "nirl/core/network.hpp"

namespace nirl {

struct CodingChange {
  std::optional<double> pixel_on;      // stationary on-probability of every pixel
  std::optional<double> pixel_redraw;  // per-step redraw probability of every pixel
  std::optional<double> lambda;        // coding cost
};

// The changed copy of a network of identical pixels (pixel_input, input_chain.hpp): the
// unchanged pixel parameter is read back from the chain's factors (redraw = p(off -> on) +
// p(on -> off), on = p(off -> on) / redraw). Throws nirl::Error when the input is not a
// chain of identical pixels or a new value is out of range.
Network apply_coding_change(const Network& base, const CodingChange& change);

}  // namespace nirl
