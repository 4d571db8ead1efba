// The text form of a perturbation (`nirl predict --perturb`, study.perturbations):
// comma-separated key=value items,
//   lambda=0.5            new coding cost
//   dead=3 | dead=3+5     neurons clamped silent (added to those already dead)
//   switch_up=0.01        telegraph input (nx = 2): p(x=-1 -> +1); switch_down likewise
//   input=FILE:DATASET    a new nx x nx input transition matrix, read from HDF5
//   none                  no change (re-solve as is)
#pragma once
#include <string>

#include "nirl/coding/coding_change.hpp"
#include "nirl/core/perturbation.hpp"
#include "nirl/maze/gridworld.hpp"
#include "nirl/pairwise/family_change.hpp"

namespace nirl {

// Throws nirl::Error naming the item (and the file, for input=) on bad text.
Perturbation parse_perturbation(const std::string& spec);

// The text form of a change of the pairwise family (study.pipeline = pairwise):
// comma-separated items,
//   lambda=1.5          new coding cost
//   remove_beyond=3     couplings of ring distance > 3 removed
//   pin=0+1             neurons 0 and 1 driven by an extra field ...
//   pin_field=1.0       ... of this size (default 1)
//   none                no change
// Throws nirl::Error naming the item.
FamilyChange parse_family_change(const std::string& spec);

// The text form of a change of an efficient-coding network (study.pipeline = coding):
// comma-separated items,
//   pixel_on=0.15       new stationary on-probability of every pixel
//   pixel_redraw=0.1    new per-step redraw probability of every pixel
//   lambda=0.2          new coding cost
//   none                no change
// Throws nirl::Error naming the item.
CodingChange parse_coding_change(const std::string& spec);

// The text form of a change of a maze (study.pipeline = maze): comma-separated items,
//   lambda=0.06                      new coding cost
//   map=S..... ...... .....G         a new map of the same size (rows separated by spaces)
//   none                             no change
// Throws nirl::Error naming the item.
MazeChange parse_maze_change(const std::string& spec);

}  // namespace nirl
