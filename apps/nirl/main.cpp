// nirl: train, simulate and invert recurrent networks of binary neurons (README.md, docs/cli.md).
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "commands.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/study/progress.hpp"
#include "nirl/io/output_files.hpp"
#include "nirl/version.hpp"

namespace {

struct Command {
  const char* name;
  int (*run)(int, const char* const[]);
  const char* summary;
};

const Command kCommands[] = {
    {"optimise", nirl::cli::optimise_main, "optimal dynamics of a network described by a config file"},
    {"simulate", nirl::cli::simulate_main, "sample a spike raster from an optimised network"},
    {"infer", nirl::cli::infer_main, "infer the reward from a spike raster (inverse RL)"},
    {"predict", nirl::cli::predict_main, "predict the adapted dynamics in a changed context"},
    {"compare", nirl::cli::compare_main, "aligned r2 and KL measures between result files"},
    {"run", nirl::cli::run_main, "a study from one config: a figure (jobs/fig2.ini), a recording's report (jobs/report.ini), ..."},
    {"pairwise", nirl::cli::pairwise_main, "pairwise (Ising) family: fit a raster, infer the reward"},
};

void usage(std::FILE* out) {
  std::fprintf(out, "usage: nirl <command> [options]   (nirl <command> --help for its options)\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
}

}  // namespace

int main(int argc, char** argv) {
  nirl::retain_freed_memory();
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(stdout);
    return 0;
  }
  if (name == "--version") {
    std::printf("nirl %s (commit %s)\n", nirl::kVersion, nirl::kCommit);
    return 0;
  }
  for (const Command& c : kCommands) {
    if (name != c.name) continue;
    // Under MPI every rank meets the same error: rank 0 reports it.
    const bool report = nirl::launched_as_rank_zero();
    nirl::install_interrupt_handlers(c.name, report);
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const nirl::Error& e) {
      if (report) std::fprintf(stderr, "nirl %s: error: %s\n", c.name, nirl::one_line(e.what()).c_str());
    } catch (const std::bad_alloc&) {
      if (report) std::fprintf(stderr, "nirl %s: error: out of memory\n", c.name);
    } catch (const std::exception& e) {
      if (report) std::fprintf(stderr, "nirl %s: error: %s\n", c.name, nirl::one_line(e.what()).c_str());
    }
    return 1;
  }
  std::fprintf(stderr, "nirl: error: unknown command '%s' (try nirl --help)\n", name.c_str());
  return 2;
}
