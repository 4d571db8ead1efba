// The forward side of the module: optimise (docs/model.md section 2), simulate (its
// asynchronous dynamics) and predict (section 4), as `nirl optimise`, `simulate` and
// `predict` compute them, on numpy arrays and model dicts (convert.hpp).
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "convert.hpp"
#include "nirl/core/continuation.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/input_chain.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/core/optimum_search.hpp"
#include "nirl/core/perturbation.hpp"
#include "nirl/io/perturbation_spec.hpp"
#include "nirl/sample/sampler.hpp"

namespace nirl::py {
namespace {

pb::dict optimise(const pb::object& reward, double lambda, const pb::object& input_transition, const pb::object& dead,
                  bool search, int random_starts, std::uint64_t seed) {
  pb::dict model;
  model["reward"] = reward;
  model["lambda"] = lambda;
  model["input_transition"] = input_transition;
  model["dead"] = dead;
  const Network net = network_of(model, "the network");
  check_memory(solver_bytes(net.space), "optimising a network of " + std::to_string(net.n()) + " neurons");
  SearchOptions options;
  options.seed = seed;
  if (random_starts < 0) fail("random_starts must be >= 0 (got ", random_starts, ")");
  options.random_starts = random_starts;
  Solution sol;
  {
    pb::gil_scoped_release release;
    sol = search ? search_optimum(net, SolverOptions{}, options) : nirl::optimise(net, SolverOptions{});
  }
  return solution_dict(net, sol);
}

pb::dict simulate(const pb::dict& model, long long steps, std::uint64_t seed, std::uint64_t stream) {
  const Network net = network_of(model, "model");
  const Solution sol = solution_of(model, net, "model");
  if (steps < 1) fail("steps must be >= 1 (got ", steps, ")");
  check_memory(std::size_t(steps) * std::size_t(net.n() + 4), "a raster of " + std::to_string(steps) + " steps");
  Raster raster;
  {
    pb::gil_scoped_release release;
    raster = nirl::simulate(net, expected_next_value(net, sol), sol.q, sol.stationary, std::size_t(steps), seed, stream);
  }
  pb::dict d;
  d["spikes"] = to_numpy(std::move(raster.spikes), {pb::ssize_t(raster.steps), pb::ssize_t(raster.n)});
  if (!raster.input.empty()) d["input"] = to_numpy(std::move(raster.input));
  d["input_transition"] = to_numpy(net.input.P);
  d["seed"] = seed;
  d["stream"] = stream;
  return d;
}

PredictionOptions prediction_of(const std::string& target, const std::string& rates) {
  PredictionOptions o;
  if (target == "global") o.target = PredictionTarget::global;
  else if (target != "follow") fail("target must be follow or global (got '", target, "')");
  if (rates == "adapt") o.rates = Rates::adapt;
  else if (rates == "held") o.rates = Rates::held;
  else if (rates != "auto") fail("rates must be auto, adapt or held (got '", rates, "')");
  return o;
}

pb::dict predict(const pb::dict& model, const std::string& perturb, const std::string& target,
                 const std::string& rates) {
  const Network base = network_of(model, "model");
  const Network net = apply_perturbation(base, parse_perturbation(perturb));
  const std::vector<double> q = rates_of(model, base, "model");
  const PredictionOptions prediction = prediction_of(target, rates);
  const bool from_data = has(model, "method");  // an infer dict: the reward came from data
  check_memory(solver_bytes(net.space), "the prediction");
  Solution sol;
  {
    pb::gil_scoped_release release;
    sol = predict_adapted(base, q, net, SolverOptions{}, prediction, from_data);
  }
  pb::dict d = solution_dict(net, sol);
  d["perturbation"] = perturb;
  return d;
}

}  // namespace

void bind_forward(pb::module_& m) {
  using namespace pybind11::literals;
  m.def("optimise", &optimise,
        "The optimal network for a reward (nirl optimise): reward [S] over states s = sigma + 2^n x,\n"
        "lambda the coding cost, input_transition [nx, nx] (default: no input), dead [n] (bool).\n"
        "search: compare several starts and return the best optimum (docs/optima.md); otherwise one\n"
        "solve from q = 1/2. Returns the model dict: reward, value, stationary, q, log_q, L,\n"
        "mean_reward, coding_cost, converged, optimum (which optimum it is) and the network.",
        "reward"_a, "lam"_a, "input_transition"_a = pb::none(), "dead"_a = pb::none(), "search"_a = true,
        "random_starts"_a = SearchOptions{}.random_starts, "seed"_a = 0);
  m.def("simulate", &simulate,
        "A spike raster of a solved model (nirl simulate): dict with spikes (uint8 [steps, n]) and,\n"
        "with input, input (int32 [steps]). (seed, stream) fix the random stream.",
        "model"_a, "steps"_a, "seed"_a = 0, "stream"_a = 0);
  m.def("predict", &predict,
        "The adapted network after a change of context (nirl predict): model is a dict from infer or\n"
        "optimise; perturb is the CLI's text, e.g. 'dead=3', 'lambda=2', 'switch_up=0.1'. The network\n"
        "adapts from its operating point model['q']; target follow | global, rates auto | adapt | held.",
        "model"_a, "perturb"_a, "target"_a = "follow", "rates"_a = "auto");
}

}  // namespace nirl::py
