// HDF5 types as h5py writes them, for tests that build files the project's wrapper does
// not write.
#pragma once
#include <hdf5.h>

#include "nirl/io/hdf5_io.hpp"

namespace nirl::testing {

// h5py's boolean: an enum over int8 with FALSE = 0, TRUE = 1.
inline h5::Handle h5py_bool_type() {
  h5::Handle type(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose);
  const signed char no = 0, yes = 1;
  H5Tenum_insert(type.get(), "FALSE", &no);
  H5Tenum_insert(type.get(), "TRUE", &yes);
  return type;
}

}  // namespace nirl::testing
