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
// 1e9 steps; step t is row t).
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

 private:
  // The index axis `name` of the given length (0, 1, ...) when missing; true if written now.
  bool index_axis(const std::string& name, std::uint64_t length, const std::string& units,
                  const std::string& description) const;
  // AXIS_spikes [2^n * copies, n] and, for the state axis, AXIS_input, attached to the axis.
  void spikes_of(const std::string& axis, int n, int copies) const;
  hid_t file_;
  std::string group_;
};

}  // namespace nirl
