// The inverse side of the module: infer (docs/model.md section 3) from a raster in memory or
// a recording file, and compare (section 7), as `nirl infer` and `nirl compare` compute them.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "convert.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/input_chain.hpp"
#include "nirl/inverse/inverse.hpp"
#include "nirl/io/recording_io.hpp"
#include "nirl/measures/measures.hpp"

namespace nirl::py {
namespace {

pb::dict inference_dict(const TabularInference& inf) {
  pb::dict d;
  d["n"] = inf.space.n;
  d["nx"] = inf.space.nx;
  d["lambda"] = inf.lambda;
  d["method"] = inf.method;
  d["reward"] = to_numpy(inf.reward);
  d["value"] = to_numpy(inf.value);
  d["visits"] = to_numpy(inf.visits).attr("astype")("int64");  // whole time steps, as in the result file
  d["q"] = to_numpy(inf.on);
  d["input_transition"] = to_numpy(inf.input.P);
  d["log_likelihood"] = inf.log_likelihood;
  d["converged"] = inf.converged;
  d["iterations"] = inf.iterations;
  d["status"] = inf.status;
  d["samples"] = inf.samples;
  return d;
}

pb::dict infer(const pb::object& spikes, double lambda, const pb::object& input, const pb::object& input_transition,
               const std::string& method, double pseudocount, double ridge, int max_iterations,
               const std::string& dataset) {
  if (!(lambda > 0.0) || !std::isfinite(lambda)) fail("lambda must be > 0 (got ", lambda, ")");
  if (!(pseudocount > 0.0)) fail("pseudocount must be > 0 (got ", pseudocount, ")");
  if (!(ridge >= 0.0)) fail("ridge must be >= 0 (got ", ridge, ")");
  if (max_iterations < 1) fail("max_iterations must be >= 1 (got ", max_iterations, ")");
  const InputChain chain = input_transition.is_none()
                               ? no_input()
                               : matrix_input(matrix_of(input_transition, "input_transition"), "input_transition");
  InferOptions options;
  options.method = method;
  options.pseudocount = options.likelihood.pseudocount = pseudocount;
  options.likelihood.ridge = ridge;
  options.likelihood.max_iterations = max_iterations;
  Raster raster;
  if (pb::isinstance<pb::str>(spikes)) {  // a recording file without input (load_recording for NWB options)
    if (chain.nx() > 1 || !input.is_none()) fail("an input sequence needs the spikes and input as arrays");
    RecordingSource source;
    source.path = spikes.cast<std::string>();
    source.dataset = dataset;
    raster = read_recording(source).raster;
  } else {
    if (!dataset.empty()) fail("dataset names the spikes of a recording file; spikes is an array");
    if (!input.is_none() && input_transition.is_none())
      fail("input is given without input_transition (the input chain's transition matrix)");
    raster = raster_of(spikes, input, chain.nx());
  }
  TabularInference inf;
  {
    pb::gil_scoped_release release;
    inf = infer_reward(raster, chain, lambda, options);
  }
  return inference_dict(inf);
}

pb::dict compare(const pb::dict& truth, const pb::object& inferred, const pb::object& adapted,
                 const pb::object& predicted, double threshold) {
  if (!(threshold >= 0.0)) fail("threshold must be >= 0 (got ", threshold, ")");
  if (adapted.is_none() != predicted.is_none()) fail("adapted and predicted go together");
  if (inferred.is_none() && adapted.is_none()) fail("nothing to compare: give inferred and/or adapted with predicted");
  const Network net = network_of(truth, "truth");
  const Eigen::VectorXd p = vector_entry(truth, "stationary", "truth");
  if (std::size_t(p.size()) != net.space.size) fail("truth['stationary'] has length ", p.size(), ", expected ", net.space.size);
  pb::dict d;
  if (!inferred.is_none()) {
    const Network inf = network_of(inferred.cast<pb::dict>(), "inferred");
    if (inf.space.size != net.space.size)
      fail("inferred has S = ", inf.space.size, " states but the truth has ", net.space.size);
    const AlignedFit fit = aligned_r2(net.space, net.reward, inf.reward, p, threshold);
    const AlignedFit wfit = aligned_r2(net.space, net.reward, inf.reward, p, threshold, true);
    d["r2"] = fit.r2;
    d["r2_weighted"] = wfit.r2;
    d["scale"] = fit.scale;
    d["states_used"] = fit.states;
    d["aligned_inferred_reward"] = to_numpy(aligned_reward(net.space, fit, inf.reward));
  }
  if (!adapted.is_none()) {
    const Eigen::VectorXd a = vector_entry(adapted.cast<pb::dict>(), "stationary", "adapted");
    const Eigen::VectorXd b = vector_entry(predicted.cast<pb::dict>(), "stationary", "predicted");
    if (std::size_t(a.size()) != net.space.size || std::size_t(b.size()) != net.space.size)
      fail("adapted and predicted must have the truth's S = ", net.space.size, " states");
    d["kl_predicted"] = kl_divergence(a, b);
    d["kl_baseline"] = kl_divergence(a, p);
  }
  d["threshold"] = threshold;
  return d;
}

}  // namespace

void bind_inverse(pb::module_& m) {
  using namespace pybind11::literals;
  m.def("infer", &infer,
        "The reward a network optimises, from its activity (nirl infer). spikes: 0/1 array [T, n]\n"
        "(time bins x neurons) or the path of a recording file (h5, .mat of any version; dataset\n"
        "names its spikes dataset or MATLAB variable). With input: input [T] (integers)\n"
        "and input_transition [nx, nx]. method auto | closed_form | max_likelihood. Returns the\n"
        "inference dict: reward, value, visits [S], q [n], method, log_likelihood, converged, ...",
        "spikes"_a, "lam"_a, "input"_a = pb::none(), "input_transition"_a = pb::none(), "method"_a = "auto",
        "pseudocount"_a = kDefaultPseudocount, "ridge"_a = MaxLikelihoodOptions{}.ridge,
        "max_iterations"_a = MaxLikelihoodOptions{}.max_iterations, "dataset"_a = "");
  m.def("compare", &compare,
        "The measures of docs/model.md section 7 (nirl compare): with inferred, the aligned r2\n"
        "(and weighted r2, scale, states_used, aligned_inferred_reward) of its reward against the\n"
        "truth over states with true p above threshold; with adapted and predicted, KL(adapted ||\n"
        "predicted) and KL(adapted || truth) (no adaptation).",
        "truth"_a, "inferred"_a = pb::none(), "adapted"_a = pb::none(), "predicted"_a = pb::none(),
        "threshold"_a = kIdentifiedProbability);
}

}  // namespace nirl::py
