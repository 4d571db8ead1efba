// Text a command prints about its result, held until the result file is in place: a
// command whose commit fails (a full disk) prints its one error line and nothing else.
#pragma once
#include <cstdio>
#include <string>

namespace nirl::cli {

class DeferredText {
 public:
  // Appends printf-formatted text.
  void add(const char* format, ...) __attribute__((format(printf, 2, 3)));
  void print(std::FILE* stream) const;

 private:
  std::string text_;
};

}  // namespace nirl::cli
