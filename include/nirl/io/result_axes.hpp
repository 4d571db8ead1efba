// The axes of a result file outside studies (docs/hdf5_layout.md), in the group
// PREFIX/axes: 1-D dimension scales (H5DS) with units and a description, each written the
// first time a writer asks for it and attached to the dimensions that run along it, so
// h5py's `f[path].dims[k][0]` gives the values of axis k:
//   state [S] int64, s = sigma + 2^n x (state_space.hpp), with its states written out:
//     state_spikes [S, n] uint8 (bit i of sigma: neuron i spiking, 0/1) and state_input [S]
//     int32 (x); all three chunked and compressed, written a block at a time;
//   pattern [2^n] int64, a spike pattern sigma alone, with pattern_spikes [2^n, n] uint8;
//   neuron [n] and input [nx] int64 indices; active [n + 1] int64, a number of neurons
//   spiking at once.
// A raster's time dimension is labelled `time` with no axis dataset (a raster can have
// 1e9 steps; step t is row t). A study spells out its state and pattern axes with
// write_spikes on the group /study/axes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "nirl/core/state_space.hpp"
#include "nirl/io/hdf5_io.hpp"

namespace nirl {

class ResultAxes {
 public:
  // Axes under prefix + "/axes" ("" for the root).
  ResultAxes(hid_t file, const std::string& prefix);
  // Each returns the axis dataset's path, writing it (and its companions) when missing; an
  // existing axis of another length is an error.
  std::string state(const StateSpace& space) const;
  std::string pattern(int n) const;
  std::string neuron(int n) const;
  std::string input(int nx) const;
  std::string active(int n) const;
  // Attaches axes[k] (a path returned above, or "" for none) to dimension k of dataset.
  void attach(const std::string& dataset, const std::vector<std::string>& axes) const;
  // Spells out the states of the index axis AXIS (a dataset of this group of length
  // 2^n copies): AXIS_spikes [2^n copies, n] and, for copies > 1 or an axis called state,
  // AXIS_input, with AXIS attached (and the group's neuron axis, where it has one of n).
  void write_spikes(const std::string& axis, int n, int copies) const;

 private:
  // The index axis `name` of the given length (0, 1, ...) when missing; true if written now.
  bool index_axis(const std::string& name, std::uint64_t length, const std::string& units,
                  const std::string& description) const;
  hid_t file_;
  std::string group_;
};

}  // namespace nirl
