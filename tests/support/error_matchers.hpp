// Test helpers for user errors (nirl::Error): the message a call throws, and a check that
// it names what it should.
#pragma once
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "nirl/core/error.hpp"

namespace nirl::testing {

// The message of the nirl::Error that f throws, or "(no error)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

inline ::testing::AssertionResult mentions(const std::string& message, const std::string& part) {
  if (message.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << message << "' does not mention '" << part << "'";
}

}  // namespace nirl::testing
