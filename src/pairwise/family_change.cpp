#include "nirl/pairwise/family_change.hpp"

#include "nirl/core/error.hpp"

namespace nirl {

IsingFamily apply_family_change(const IsingFamily& family, const FamilyChange& change) {
  IsingFamily changed = change.remove_beyond > 0 ? family.without_couplings_beyond(change.remove_beyond) : family;
  if (change.pinned.empty()) return changed;
  Eigen::VectorXd field = Eigen::VectorXd::Zero(family.n());
  for (int i : change.pinned) {
    if (i < 0 || i >= family.n()) fail("pinned neuron ", i, " is outside [0, ", family.n(), ")");
    field[i] = change.pin_field;
  }
  return changed.with_extra_field(field);
}

}  // namespace nirl
