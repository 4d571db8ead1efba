#!/usr/bin/python3
"""Time and memory of `nirl pairwise fit` (pseudo-likelihood + moment matching) on large
synthetic recordings.

The raster: n neurons, T bins, sparse activity with a shared fluctuating gain (a common
input: bin t has gain g_t ~ lognormal(0, 0.5^2) and neuron i fires with probability
min(1, p_i g_t), p_i uniform in (0.02, 0.15)), which gives the positive pairwise
correlations and broad population-count distribution of real recordings. Drawn with numpy
(seed 1), written as /spikes (uint8, T x n).

For each size, runs `nirl pairwise fit` under /usr/bin/time -v and prints a markdown row:
n, T, distinct states, pseudo-likelihood evaluations, moment-matching iterations, whether
the moments matched, the goodness-of-fit check, wall and CPU seconds, peak memory.

    /usr/bin/python3 tools/bench_pairwise_scale.py --nirl build/nirl --sizes 50x40000 200x100000
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def raster(n, T, seed=1):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.15, n)
    out = np.empty((T, n), dtype=np.uint8)
    for start in range(0, T, 10000):
        rows = min(10000, T - start)
        gain = rng.lognormal(0.0, 0.5, rows)[:, None]
        out[start:start + rows] = rng.random((rows, n)) < np.minimum(1.0, p[None, :] * gain)
    return out


def measure(nirl, n, T, folder, threads):
    path = os.path.join(folder, f"raster_{n}x{T}.h5")
    with h5py.File(path, "w") as f:
        f["/spikes"] = raster(n, T)
    fit = os.path.join(folder, f"fit_{n}x{T}.h5")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    run = subprocess.run(["/usr/bin/time", "-v", nirl, "pairwise", "fit", path, "--out", fit],
                         capture_output=True, text=True, env=env)
    if run.returncode != 0:
        sys.exit(f"nirl pairwise fit failed on {n} x {T}:\n{run.stderr}")
    err = run.stderr
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
    cpu = float(re.search(r"User time \(seconds\): (\S+)", err).group(1)) + \
        float(re.search(r"System time \(seconds\): (\S+)", err).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
    out = run.stdout
    distinct = re.search(r"(\d+) distinct states", out).group(1)
    evals = re.search(r"(\d+) evaluations", out).group(1)
    mm = re.search(r"moment matching \([^)]*\): (\d+) iterations, mismatch (\S+) data SE \(RMS\).*, ([^,]+)\n", out)
    check = re.search(r"number active: TV (\S+) \(threshold (\S+)\).*: (passed|FAILED)", out)
    return (f"| {n} | {T} | {distinct} | {evals} | {mm.group(1)} | {mm.group(3).strip()} | "
            f"TV {check.group(1)} (threshold {check.group(2)}), {check.group(3)} | "
            f"{seconds:.0f} | {cpu:.0f} | {rss:.0f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nirl", default="build/nirl")
    parser.add_argument("--sizes", nargs="+", default=["50x40000", "200x100000"], help="NxT")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print("| n | T | distinct states | PL evaluations | MM iterations | moments | check | wall s | CPU s | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            n, T = (int(x) for x in size.split("x"))
            print(measure(args.nirl, n, T, folder, args.threads), flush=True)


if __name__ == "__main__":
    main()
