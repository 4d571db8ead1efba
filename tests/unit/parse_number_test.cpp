// The number parser (parse_number.hpp): accepted texts give the value strtod/strtoll give
// for the same digits; everything else is an error naming the key.
#include <gtest/gtest.h>

#include <climits>
#include <string>
#include <vector>

#include "error_matchers.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/parse_number.hpp"

namespace {

using nirl::parse_integer;
using nirl::parse_real;
using nirl::parse_unsigned;
using nirl::testing::error_of;
using nirl::testing::mentions;

const std::string kNul("5\0 7", 4);  // "5", a NUL byte, " 7"

TEST(ParseNumber, AcceptsWholeFiniteNumbers) {
  EXPECT_EQ(parse_real("0.25", "k"), 0.25);
  EXPECT_EQ(parse_real(" -1e-3\t", "k"), -1e-3);
  EXPECT_EQ(parse_real("1e-320", "k"), 1e-320);  // subnormal: finite, kept
  EXPECT_EQ(parse_integer("42", "k", 0, 100), 42);
  EXPECT_EQ(parse_integer("-7", "k", -10, 10), -7);
  EXPECT_EQ(parse_integer("9223372036854775807", "k", 0, LLONG_MAX), LLONG_MAX);
  EXPECT_EQ(parse_unsigned("18446744073709551615", "k"), 18446744073709551615ULL);
}

TEST(ParseNumber, RefusesTextThatIsNotExactlyANumber) {
  for (const std::string& bad : std::vector<std::string>{"", " ", "abc", "1.5x", "5 7", kNul, "0x", "--1"})
    EXPECT_THROW(parse_real(bad, "k"), nirl::Error) << "'" << bad << "'";
  for (const std::string& bad : std::vector<std::string>{"", "1.5", "1e3", "0x10", "5 7", kNul, "+-1"})
    EXPECT_THROW(parse_integer(bad, "k", LLONG_MIN, LLONG_MAX), nirl::Error) << "'" << bad << "'";
  for (const std::string& bad : std::vector<std::string>{"-1", "+1", "-0", "1.0", "18446744073709551616"})
    EXPECT_THROW(parse_unsigned(bad, "k"), nirl::Error) << "'" << bad << "'";
}

TEST(ParseNumber, RefusesNonFiniteReals) {
  for (const char* bad : {"inf", "-inf", "infinity", "nan", "NAN", "1e999", "-1e400"})
    EXPECT_TRUE(mentions(error_of([&] { parse_real(bad, "solver.value_tol"); }), "solver.value_tol: '")) << bad;
}

TEST(ParseNumber, RefusesIntegersOutsideTheRangeInsteadOfWrapping) {
  EXPECT_TRUE(mentions(error_of([] { parse_integer("99999999999999999999", "solver.max_sweeps", 1, LLONG_MAX); }),
                       "solver.max_sweeps: 99999999999999999999 is too large (at most 9223372036854775807)"));
  EXPECT_TRUE(mentions(error_of([] { parse_integer("-99999999999999999999", "k", 1, LLONG_MAX); }),
                       "k must be >= 1 (got -99999999999999999999)"));
  EXPECT_TRUE(mentions(error_of([] { parse_integer("3000000000", "solver.max_outer", 1, INT_MAX); }),
                       "solver.max_outer must be in [1, 2147483647] (got 3000000000)"));
  EXPECT_TRUE(mentions(error_of([] { parse_integer("0", "network.n", 1, 40); }), "network.n must be in [1, 40] (got 0)"));
}

TEST(ParseNumber, ErrorsAreOnePrintableLine) {
  EXPECT_TRUE(mentions(error_of([] { parse_integer(kNul, "network.n", 1, 40); }), "network.n: '5\\x00 7' is not an integer"));
  EXPECT_TRUE(mentions(error_of([] { parse_real("1\n2", "k"); }), "k: '1 2' is not a number"));
}

TEST(ParseNumber, NumberTextIsTheShortestTextThatParsesBack) {
  EXPECT_EQ(nirl::number_text(1e-6), "1e-6");
  EXPECT_EQ(nirl::number_text(0.3), "0.3");
  EXPECT_EQ(nirl::number_text(1e20), "1e20");
  EXPECT_EQ(nirl::number_text(-2.5e-300), "-2.5e-300");
  for (const double v : {0.1, 1.0 / 3.0, 6.02214076e23, 5e-324, -0.0, 123456789.0})
    EXPECT_EQ(parse_real(nirl::number_text(v), "v"), v) << nirl::number_text(v);
}

}  // namespace

