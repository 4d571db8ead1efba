// nirl simulate: an optimised network -> a spike raster (docs/model.md section 2 dynamics).
#include <climits>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "config.hpp"
#include "nirl/core/error.hpp"
#include "nirl/core/memory.hpp"
#include "nirl/study/progress.hpp"
#include "nirl/io/raster_writer.hpp"
#include "nirl/io/results_io.hpp"
#include "nirl/sample/sampler.hpp"

namespace nirl::cli {

int simulate_main(int argc, const char* const argv[]) {
  po::options_description cli("nirl simulate --model R.h5 --steps T --seed K --out raster.h5");
  cli.add_options()("help,h", "show this help");
  po::options_description keys("Simulation");
  keys.add_options()
      ("model", po::value<std::string>(), "result of nirl optimise (or predict)")
      ("steps", po::value<std::string>(), "number T of time steps (rows of the raster)")
      ("seed", po::value<std::string>()->default_value("0"), "base random seed")
      ("stream", po::value<std::string>()->default_value("0"), "stream id: independent rasters from one seed")
      ("out", po::value<std::string>(), "raster file (HDF5)");
  po::variables_map vm;
  parse_with_config(argc, argv, cli, keys, nullptr, vm);
  if (vm.count("help")) {
    std::cout << cli << "\n" << keys << "\n";
    return 0;
  }
  for (const char* key : {"model", "steps", "out"})
    if (!vm.count(key)) fail("--", key, " is required");
  const std::string model_path = get_string(vm, "model"), out_path = get_string(vm, "out");
  check_output_differs(out_path, model_path, "--model");
  const long long steps = get_int(vm, "steps", 1, LLONG_MAX);
  const std::uint64_t seed = get_uint(vm, "seed"), stream = get_uint(vm, "stream");

  const h5::InputFile model_file(model_path);
  const StoredSolution stored = read_solution(model_file);
  const Network& net = stored.net;
  // w and the sampler's 16-bit copy of it; the raster goes to the file as it is sampled, a
  // few chunks of it (n bytes and an input index per step) held at a time.
  const double bytes = double(RasterWriter::kQueued + 2) * double(h5::kChunkRows) * double(net.n() + 4) +
                       double(net.space.size) * (sizeof(double) + sizeof(std::int16_t));
  check_memory(std::size_t(bytes), "simulating a network of " + std::to_string(net.n()) + " neurons");

  h5::OutputFile out(out_path);  // fails now, not after the run, if --out is unwritable
  Progress progress("simulate");
  RasterWriter raster(out, net.n(), std::size_t(steps), net.space.nx > 1);
  simulate_into(net, expected_next_value(net, stored.sol), stored.sol.q, stored.sol.stationary, std::size_t(steps),
                seed, stream,
                [&](std::size_t first, std::size_t count, const std::uint8_t* rows, const std::int32_t* input) {
                  raster.append(first, count, rows, input);
                },
                [&](std::size_t done) { progress.update(double(done) / double(steps)); });
  raster.finish();

  write_provenance(out, render_ini(vm, keys), seed, command_line(argc, argv));
  if (h5::has_attribute(model_file, "/", "config"))
    h5::set_attribute(out.id(), "/", "model_config", h5::read_attribute_string(model_file, "/", "config"));
  h5::set_attribute(out.id(), "/raster", "stream", static_cast<long long>(stream));
  h5::set_attribute(out.id(), "/raster", "lambda", net.lambda);
  std::vector<std::uint8_t> dead(std::size_t(net.n()));
  for (int i = 0; i < net.n(); ++i) dead[std::size_t(i)] = net.is_dead(i) ? 1 : 0;
  write_model(out, net.input, dead);
  out.commit();
  std::printf("wrote %lld steps of %d neurons to %s\n", steps, net.n(), out_path.c_str());
  return 0;
}

}  // namespace nirl::cli
