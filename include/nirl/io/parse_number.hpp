// The one parser for numbers given as text (config keys, command-line options, list
// entries, perturbation specs). The whole text, spaces and tabs at either end aside, must
// be the number: "1.5" is not an integer, "5\0 7" is not 5; a real number must be finite;
// an integer must lie in the caller's range, and out-of-range text is refused instead of
// wrapping. Errors name `what` (a key such as solver.max_sweeps) and the text. The way back,
// number_text, writes the shortest text that parses to the same double ("1e-6", "0.3").
#pragma once
#include <cstdint>
#include <string>

namespace nirl {

double parse_real(const std::string& text, const std::string& what);
long long parse_integer(const std::string& text, const std::string& what, long long low, long long high);
std::uint64_t parse_unsigned(const std::string& text, const std::string& what);
std::string number_text(double value);

}  // namespace nirl
