// The nirl subcommands. Each takes the arguments after its name (argv[0] is the
// subcommand) and returns the process exit status; errors propagate as exceptions.
#pragma once
#include <string>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/network.hpp"

namespace nirl::cli {

int optimise_main(int argc, const char* const argv[]);
int simulate_main(int argc, const char* const argv[]);
int infer_main(int argc, const char* const argv[]);
int predict_main(int argc, const char* const argv[]);
int compare_main(int argc, const char* const argv[]);
int run_main(int argc, const char* const argv[]);
int pairwise_main(int argc, const char* const argv[]);

// "nirl optimise --config ..." as one string, recorded in result files.
std::string command_line(int argc, const char* const argv[]);
// Refuses an output path that names one of the inputs.
void check_output_differs(const std::string& out, const std::string& input, const char* input_option);
// Prints which optimum sol is (frozen_states.hpp) and the local optima a search found.
void print_optimum_report(const Network& net, const Solution& sol);

}  // namespace nirl::cli
