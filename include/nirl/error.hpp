// Errors a user can cause (bad config, bad file, out-of-range value).
// The CLI prints what() as one line and exits non-zero.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace nirl {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Builds a message from streamable parts: fail("lambda must be > 0 (got ", x, ")").
template <typename... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  std::ostringstream os;
  os.precision(17);
  (os << ... << parts);
  throw Error(os.str());
}

}  // namespace nirl
