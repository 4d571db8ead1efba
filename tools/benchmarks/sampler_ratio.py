#!/usr/bin/python3
"""The whole `nirl simulate` command against its step loop: for n = 8 (jobs/fig2.ini's
network, a telegraph input) and n = 20 (optimise_threads.ini at n = 20, no input), the
model is optimised once, then ROUNDS interleaved rounds time `nirl simulate --steps STEPS`
(wall clock and peak resident memory under /usr/bin/time) and nirl_bench's Sampler
benchmark of the same n and input count (simulate() into memory, per step). Prints a
markdown section for tools/bench.

usage: sampler_ratio.py NIRL NIRL_BENCH [--steps 10000000] [--rounds 3]"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from bench_runs import nirl_bench  # noqa: E402
from resource_use import run_measured  # noqa: E402

MODELS = [(8, 2, [os.path.join(HERE, "..", "..", "jobs", "fig2.ini")]),
          (20, 1, [os.path.join(HERE, "optimise_threads.ini"), "--network.n", "20"])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nirl")
    ap.add_argument("nirl_bench")
    ap.add_argument("--steps", type=int, default=10_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n, inputs, config in MODELS:
            model = os.path.join(folder, f"model{n}.h5")
            subprocess.run([a.nirl, "optimise", "--config"] + config + ["--out", model], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            command, loop, memory = [], [], []
            for r in range(a.rounds):
                def simulate():
                    out = os.path.join(folder, "raster.h5")
                    _, wall, _, rss = run_measured([a.nirl, "simulate", "--model", model, "--steps", str(a.steps),
                                                    "--out", out], dict(os.environ), "nirl simulate")
                    os.remove(out)
                    command.append(wall)
                    memory.append(rss)

                def step_loop():
                    t = nirl_bench(a.nirl_bench, f"^Sampler/n:{n}/inputs:{inputs}/", min_time=0.5)
                    (ms,) = t.values()
                    loop.append(ms / 1e3 / (1 << 22) * a.steps)
                for step in ((simulate, step_loop) if r % 2 == 0 else (step_loop, simulate)):
                    step()
            rows.append((n, inputs, statistics.median(command), statistics.median(loop), max(memory)))
    print(f"### Sampler command (`nirl simulate --steps {a.steps}` against its step loop; medians of "
          f"{a.rounds} interleaved rounds)")
    print()
    print("| n | inputs | command (s) | step loop (s) | ratio | peak resident (MB) |")
    print("|---|---|---|---|---|---|")
    for n, inputs, c, l, m in rows:
        print(f"| {n} | {inputs} | {c:.2f} | {l:.2f} | {c / l:.2f} | {m:.0f} |")


if __name__ == "__main__":
    main()
