// Errors a user can cause (bad config, bad file, out-of-range value).
// The CLI prints what() as one line and exits non-zero.
#pragma once
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string>

namespace nirl {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An error message as one printable line, whatever the offending value contained: line
// breaks and tabs become spaces, other control bytes \xNN.
inline std::string one_line(const std::string& message) {
  std::string out;
  for (const char c : message) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (u < 0x20 || u == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", unsigned(u));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

// Builds a message from streamable parts: fail("lambda must be > 0 (got ", x, ")"); the
// message is made one printable line (one_line), so a NUL in a value cannot cut it short.
template <typename... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  std::ostringstream os;
  os.precision(17);
  (os << ... << parts);
  throw Error(one_line(os.str()));
}

}  // namespace nirl
