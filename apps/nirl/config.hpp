// Experiment configuration: INI files (sections [network], [input], [reward],
// [solver]) whose keys can also be given on the command line as --section.key.
// Every value is kept as text and parsed here with errors that name the key, and
// the resolved configuration is rendered back as INI for the result files.
#pragma once
#include <boost/program_options.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "nirl/coding/efficient_coding.hpp"
#include "nirl/core/continuation.hpp"
#include "nirl/core/forward_solver.hpp"
#include "nirl/core/network.hpp"

namespace nirl {

namespace po = boost::program_options;

// Options of the model ([network], [input], [reward], plus `seed`) and the solver ([solver]).
po::options_description model_options();
po::options_description solver_options();
po::options_description search_options();      // [search]: optimum_search.hpp
po::options_description prediction_options();  // [prediction]: continuation.hpp

// Parses the command line (which wins) and then the config file (if --config was
// given) into vm. Unknown keys and malformed lines are errors, except keys of the
// ignored sections (e.g. optimise reads a run config and skips its [experiment]).
void parse_with_config(int argc, const char* const argv[], const po::options_description& cli_only,
                       const po::options_description& config_keys,
                       const po::positional_options_description* positional, po::variables_map& vm,
                       const std::vector<std::string>& ignored_sections = {});

// Typed access with errors that name the key (numbers: parse_number.hpp). get_int takes
// the key's range: a value outside it is refused with the range.
bool has(const po::variables_map& vm, const std::string& key);
std::string get_string(const po::variables_map& vm, const std::string& key);
double get_double(const po::variables_map& vm, const std::string& key);
long long get_int(const po::variables_map& vm, const std::string& key, long long low, long long high);
std::uint64_t get_uint(const po::variables_map& vm, const std::string& key);
constexpr long long kIntMax = std::numeric_limits<int>::max();  // the largest value an int key holds
std::vector<int> get_int_list(const po::variables_map& vm, const std::string& key);
std::vector<double> get_double_list(const po::variables_map& vm, const std::string& key);

// The model described by vm (reads HDF5 files for matrix inputs and reward tables).
// Checks that no key of another input or reward type was given.
Network network_from_options(const po::variables_map& vm);
SolverOptions solver_from_options(const po::variables_map& vm);
SearchOptions search_from_options(const po::variables_map& vm);  // seed from `seed` when the command has it (else 0)
PredictionOptions prediction_from_options(const po::variables_map& vm);  // needs the [search] keys too
// reward.type = feature (docs/model.md section 6): y(x) from reward.threshold (pixel inputs) or
// reward.feature_file; the iteration's options (the solver's plus reward.coding_tol,
// reward.max_updates, reward.q_jitter and seed).
std::vector<int> feature_from_options(const po::variables_map& vm, const InputChain& input);
EfficientCodingOptions efficient_coding_from_options(const po::variables_map& vm);
// The input chain described by the input.* keys (none when input.type is defaulted).
InputChain input_from_options(const po::variables_map& vm);

// Fails naming the first key of `keys` given in vm (not defaulted): such keys do not apply
// (`why`, e.g. "study.pipeline = pairwise does not use the [solver] section").
void refuse_given(const po::variables_map& vm, const po::options_description& keys, const std::string& why);

// The resolved values of the given keys (given or defaulted) rendered as INI text.
std::string render_ini(const po::variables_map& vm, const po::options_description& keys);

}  // namespace nirl
