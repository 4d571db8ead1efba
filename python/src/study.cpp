// Studies and recordings in the module: run_study runs a study config as `nirl run` does
// (the same config parser and study engine, in this process; MPI is started once for the
// interpreter and finalized at its exit, so `mpirun -np K python3 script.py` spreads the
// tasks over K ranks), and load_recording reads a recording file as the study's and
// `nirl infer`'s recording reader does.
#include <mpi.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>

#include "bindings.hpp"
#include "commands.hpp"
#include "convert.hpp"
#include "nirl/core/error.hpp"
#include "nirl/io/recording_io.hpp"

namespace nirl::py {
namespace {

void ensure_mpi() {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) return;
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS) fail("MPI_Init failed");
  pb::module_::import("atexit").attr("register")(pb::cpp_function([] {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }));
}

std::string text_of(const pb::handle& value) {
  if (pb::isinstance<pb::bool_>(value)) return value.cast<bool>() ? "1" : "0";
  if (pb::isinstance<pb::float_>(value)) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", value.cast<double>());
    return buffer;
  }
  if (pb::isinstance<pb::list>(value) || pb::isinstance<pb::tuple>(value)) {
    std::string s;
    for (const pb::handle item : value) s += (s.empty() ? "" : ",") + text_of(item);
    return s;
  }
  return pb::str(value).cast<std::string>();
}

std::string run_study(const std::string& config, const std::string& out, const pb::dict& overrides,
                      const pb::object& checkpoint) {
  std::vector<std::string> args{"run", config, "--out", out};
  if (!checkpoint.is_none()) {
    args.push_back("--checkpoint");
    args.push_back(checkpoint.cast<std::string>());
  }
  for (const auto& [key, value] : overrides) {
    args.push_back("--" + pb::str(key).cast<std::string>());
    args.push_back(text_of(value));
  }
  ensure_mpi();
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  {
    pb::gil_scoped_release release;
    nirl::cli::run_main(int(argv.size()), argv.data());
  }
  return out;
}

pb::dict load_recording(const std::string& path, const std::string& dataset, const std::string& format,
                        const std::string& orientation, double bin_width, const pb::object& units,
                        const pb::object& t_start, const pb::object& t_stop) {
  RecordingSource source;
  source.path = path;
  source.dataset = dataset;
  source.format = format;
  source.orientation = orientation;
  source.bin_width = bin_width;
  const auto time = [](const pb::object& value, const char* name, double& field) {  // None: not given
    if (value.is_none()) return;
    field = value.cast<double>();
    if (!std::isfinite(field)) fail(name, " must be a finite time in seconds (got ", field, ")");
  };
  time(t_start, "t_start", source.t_start);
  time(t_stop, "t_stop", source.t_stop);
  if (!units.is_none())
    for (const pb::handle u : units) source.units.push_back(u.cast<long long>());
  Recording rec;
  {
    pb::gil_scoped_release release;
    rec = read_recording(source);
  }
  pb::dict d;
  const pb::ssize_t steps = pb::ssize_t(rec.raster.steps), n = rec.raster.n;
  d["spikes"] = to_numpy(std::move(rec.raster.spikes), {steps, n});
  d["format"] = rec.format;
  d["dataset"] = rec.dataset;
  d["clipped"] = rec.clipped;
  d["unit_ids"] = rec.unit_ids;
  if (rec.format == "nwb") {
    d["bin_width"] = rec.bin_width;
    d["t_start"] = rec.t_start;
  }
  return d;
}

}  // namespace

void bind_study(pb::module_& m) {
  using namespace pybind11::literals;
  m.def("run_study", &run_study,
        "Runs the study config (INI) into the HDF5 file `out`, as `nirl run CONFIG --out OUT` does:\n"
        "overrides are config keys ({'study.trials': 4, 'recording.path': 'my.mat'}); the checkpoint\n"
        "folder defaults to OUT.checkpoint, so an interrupted study resumes. Returns out.",
        "config"_a, "out"_a, "overrides"_a = pb::dict(), "checkpoint"_a = pb::none());
  m.def("load_recording", &load_recording,
        "A recording file as a 0/1 raster, read as nirl infer and the studies read it: h5 (any\n"
        "dataset), MATLAB .mat of any version (dataset = the variable) or NWB (bin_width in seconds,\n"
        "units = unit ids, t_start and t_stop the time window in seconds). Returns spikes (uint8\n"
        "[T, n]), format, dataset, clipped (counts > 1 set to 1), unit_ids, and for NWB bin_width\n"
        "and t_start.",
        "path"_a, "dataset"_a = "", "format"_a = "auto", "orientation"_a = "", "bin_width"_a = 0.0,
        "units"_a = pb::none(), "t_start"_a = pb::none(), "t_stop"_a = pb::none());
}

}  // namespace nirl::py
