#include <filesystem>
#include <system_error>

#include "commands.hpp"
#include "nirl/error.hpp"

namespace nirl::cli {

std::string command_line(int argc, const char* const argv[]) {
  std::string out = "nirl";
  for (int i = 0; i < argc; ++i) out += std::string(" ") + argv[i];
  return out;
}

void check_output_differs(const std::string& out, const std::string& input, const char* input_option) {
  if (input.empty()) return;
  std::error_code ec;
  const bool same = std::filesystem::equivalent(out, input, ec);
  if (same || out == input) fail("--out ", out, " would overwrite the ", input_option, " file");
}

}  // namespace nirl::cli
