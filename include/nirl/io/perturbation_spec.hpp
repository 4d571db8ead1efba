// The text form of a perturbation (`nirl predict --perturb`, study.perturbations):
// comma-separated key=value items,
//   lambda=0.5            new coding cost
//   dead=3 | dead=3+5     neurons clamped silent (added to those already dead)
//   switch_up=0.01        telegraph input (nx = 2): p(x=-1 -> +1); switch_down likewise
//   input=FILE:DATASET    a new nx x nx input transition matrix, read from HDF5
//   none                  no change (re-solve as is)
#pragma once
#include <string>

#include "nirl/core/perturbation.hpp"

namespace nirl {

// Throws nirl::Error naming the item (and the file, for input=) on bad text.
Perturbation parse_perturbation(const std::string& spec);

}  // namespace nirl
