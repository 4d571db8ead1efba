// A change of context for a network of the pairwise family (docs/model.md section 5; the
// pairwise study pipeline's perturbations, Fig 5 B-D): a new coding cost, the couplings
// beyond a ring distance removed, neurons pinned by a fixed extra field.
#pragma once
#include <optional>
#include <vector>

#include "nirl/pairwise/ising_family.hpp"

namespace nirl {

struct FamilyChange {
  std::optional<double> lambda;  // unset: unchanged
  int remove_beyond = 0;         // > 0: couplings of ring distance > remove_beyond removed
  std::vector<int> pinned;       // neurons given the extra field pin_field
  double pin_field = 1.0;
};

// The changed family; throws nirl::Error for a pinned neuron outside [0, n).
IsingFamily apply_family_change(const IsingFamily& family, const FamilyChange& change);

}  // namespace nirl
