#include <cstdio>
#include <filesystem>
#include <system_error>

#include "commands.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/frozen_states.hpp"

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

namespace {
std::string active_neurons(std::uint64_t sigma, int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    if (sigma >> i & 1) s += (s.empty() ? "" : ",") + std::to_string(i);
  return s.empty() ? "none" : s;
}
}  // namespace

void print_optimum_report(const Network& net, const Solution& sol) {
  const OptimumReport r = describe_optimum(net, sol);
  std::printf("optimum: L = %.10g; best frozen state: active neurons %s, L = %.10g; beats it: %s\n", r.L,
              active_neurons(r.best_frozen.sigma, net.n()).c_str(), r.best_frozen.L, r.beats_frozen ? "yes" : "no");
  std::string frozen;
  for (int i = 0; i < net.n(); ++i)
    if (r.frozen[std::size_t(i)] != 0 && !net.is_dead(i))
      frozen += (frozen.empty() ? "" : ", ") + std::to_string(i) + (r.frozen[std::size_t(i)] > 0 ? " on" : " off");
  std::printf("frozen neurons: %s\n", frozen.empty() ? "none" : frozen.c_str());
  if (sol.optima.empty()) return;
  std::printf("distinct local optima found: %zu\n", sol.optima.size());
  for (const LocalOptimum& o : sol.optima) {
    std::string q;
    for (double qi : o.q) {
      char b[16];
      std::snprintf(b, sizeof b, "%s%.3f", q.empty() ? "" : " ", qi);
      q += b;
    }
    std::printf("  L = %.10g  q = (%s)  first from '%s', reached by %d start%s\n", o.L, q.c_str(), o.start.c_str(),
                o.hits, o.hits == 1 ? "" : "s");
  }
}

}  // namespace nirl::cli
