#include "nirl/io/parse_number.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "nirl/core/error.hpp"

namespace nirl {
namespace {

// The text without spaces and tabs at either end; refuses empty text.
std::string trimmed(const std::string& text, const std::string& what, const char* kind) {
  const auto b = text.find_first_not_of(" \t"), e = text.find_last_not_of(" \t");
  if (b == std::string::npos) fail(what, ": '", text, "' is not ", kind);
  return text.substr(b, e - b + 1);
}

// True when strto* consumed all of `s` (an embedded NUL ends strto* early: not all).
bool consumed_all(const std::string& s, const char* end) { return end == s.c_str() + s.size(); }

}  // namespace

double parse_real(const std::string& text, const std::string& what) {
  const std::string s = trimmed(text, what, "a number");
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (!consumed_all(s, end) || std::isnan(v)) fail(what, ": '", text, "' is not a number");
  if (!std::isfinite(v)) fail(what, ": '", text, "' is not a finite number");
  return v;
}

long long parse_integer(const std::string& text, const std::string& what, long long low, long long high) {
  const std::string s = trimmed(text, what, "an integer");
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (!consumed_all(s, end)) fail(what, ": '", text, "' is not an integer");
  if (errno == ERANGE || v < low || v > high) {
    const bool above = errno == ERANGE ? s[0] != '-' : v > high;
    if (above && high == std::numeric_limits<long long>::max()) fail(what, ": ", s, " is too large (at most ", high, ")");
    if (!above && low == std::numeric_limits<long long>::min()) fail(what, ": ", s, " is too small (at least ", low, ")");
    if (high == std::numeric_limits<long long>::max()) fail(what, " must be >= ", low, " (got ", s, ")");
    fail(what, " must be in [", low, ", ", high, "] (got ", s, ")");
  }
  return v;
}

std::uint64_t parse_unsigned(const std::string& text, const std::string& what) {
  const std::string s = trimmed(text, what, "a non-negative integer");
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (s[0] == '-' || s[0] == '+' || !consumed_all(s, end)) fail(what, ": '", text, "' is not a non-negative integer");
  if (errno == ERANGE) fail(what, " must be at most 18446744073709551615 (got ", s, ")");
  return v;
}

std::string number_text(double value) {
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  std::string s = text;
  const std::size_t e = s.find('e');
  if (e == std::string::npos) return s;
  std::size_t digit = e + 1;  // "1e-06" -> "1e-6", "1e+20" -> "1e20"
  const std::string sign = s[digit] == '-' ? "-" : "";
  if (s[digit] == '-' || s[digit] == '+') ++digit;
  while (digit + 1 < s.size() && s[digit] == '0') ++digit;
  return s.substr(0, e + 1) + sign + s.substr(digit);
}

}  // namespace nirl
