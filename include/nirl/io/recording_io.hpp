// Recordings as neuroscientists have them, turned into the binary raster of docs/model.md
// section 3 (no input: the closed form of 3a and the model choice apply):
//  - h5:  any HDF5 dataset (integer, h5py boolean enum, or integer-valued float), time x
//         neurons (default) or neurons x time in HDF5 (C / h5py) order;
//  - mat: a MATLAB .mat file of any version: v7.3 (HDF5 after a 512-byte userblock, read
//         a block at a time) or v4, v6, v7 (read whole with libmatio). The dataset is the
//         variable's name (`spikes15`, or `/spikes15` as a dataset path); a missing one is
//         an error listing the file's variables. The orientation refers to the array as
//         MATLAB shows it; default neurons x time (the maxent_toolbox convention of
//         example15.mat);
//  - nwb: spike times of the NWB units table (/units/spike_times, ragged by
//         /units/spike_times_index, optional /units/id), binned with a bin width over a
//         time window and a selection of units.
// Binarisation rule: a bin is active (1) when its count is > 0; counts > 1 (several
// spikes in one bin) become 1 and are counted in Recording::clipped. Negative counts,
// non-integer or non-finite floats are errors. Every problem is one nirl::Error line
// naming the file, the dataset and the offending value.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "nirl/sample/raster.hpp"

namespace nirl {

struct RecordingSource {
  std::string path;
  std::string format = "auto";  // auto (by extension: .mat, .nwb, else h5) | h5 | mat | nwb
  std::string dataset;          // h5: default /raster/spikes; mat: the variable, default the only one
  std::string orientation;      // time_x_neurons | neurons_x_time; empty = the format's default
  // nwb only
  double bin_width = 0.0;  // seconds, > 0 (required)
  double t_start = std::numeric_limits<double>::quiet_NaN();  // default: the first selected spike
  double t_stop = std::numeric_limits<double>::quiet_NaN();   // default: just after the last one
  std::vector<long long> units;                               // unit ids (/units/id); empty = all
};

struct Recording {
  Raster raster;              // binary, no input
  std::string format;         // resolved format
  std::string dataset;        // resolved dataset (h5), variable name (mat) or /units (nwb)
  std::size_t clipped = 0;    // (bin, neuron) entries whose count was > 1
  std::vector<long long> unit_ids;  // the neuron of each column (nwb: unit ids; else 0..n-1)
  double bin_width = 0.0, t_start = 0.0;  // nwb binning (0 otherwise)
};

// The format `auto` resolves to for a path.
std::string recording_format(const RecordingSource& source);

// Refuses an unknown format or orientation and options that do not apply to the format.
void check_recording_source(const RecordingSource& source);

// Checks the source (check_recording_source) and reads it. An h5 or mat raster with fewer
// time bins than neurons is refused as probably transposed.
Recording read_recording(const RecordingSource& source);

}  // namespace nirl
