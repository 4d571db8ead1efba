// The description the tests give the HDF5 writers (h5::Describe) for the input files they
// write: units "1", a generic description and dimensions dim0, dim1, ...
#pragma once
#include <cstddef>
#include <string>

#include "nirl/io/hdf5_io.hpp"

inline nirl::h5::Describe test_data(std::size_t rank) {
  nirl::h5::Describe d{"1", "test input", {}};
  for (std::size_t k = 0; k < rank; ++k) d.dims.push_back("dim" + std::to_string(k));
  return d;
}
