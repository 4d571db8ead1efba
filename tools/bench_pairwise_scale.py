#!/usr/bin/python3
"""Time and memory of `nirl pairwise fit` (pseudo-likelihood + moment matching) on large
synthetic recordings.

Two kinds of raster (n neurons, T bins, drawn with numpy, seed 1, written as /spikes, uint8
T x n), chosen by --raster:
  network  states of a known sparse pairwise network, log p(x) = a.x + sum_{i<j} b_ij x_i x_j
           + const, a_i ~ N(-3, 0.5^2), each neuron coupled to about 20 others with
           b_ij ~ N(0.1, 0.5^2): heat-bath Gibbs sampling, 1000 chains, 200 sweeps of burn-in,
           a state every 10 sweeps. The model the fit assumes.
  gain     sparse activity with a shared fluctuating gain (a common input: bin t has gain
           g_t ~ lognormal(0, 0.5^2) and neuron i fires with probability min(1, p_i g_t),
           p_i uniform in (0.02, 0.15)): positive correlations and a broad population-count
           distribution that no pairwise model reproduces exactly.

For each size, runs `nirl pairwise fit` under /usr/bin/time -v and prints a markdown row:
n, T, distinct states, pseudo-likelihood evaluations, moment-matching iterations, whether
the moments matched, the goodness-of-fit check, wall and CPU seconds, peak memory.

    /usr/bin/python3 tools/bench_pairwise_scale.py --nirl build/nirl --raster network --sizes 50x40000 200x100000
"""
import argparse
import os
import re
import tempfile

import h5py
import numpy as np

from resource_use import run_measured


def gain_raster(n, T, seed=1):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.15, n)
    out = np.empty((T, n), dtype=np.uint8)
    for start in range(0, T, 10000):
        rows = min(10000, T - start)
        gain = rng.lognormal(0.0, 0.5, rows)[:, None]
        out[start:start + rows] = rng.random((rows, n)) < np.minimum(1.0, p[None, :] * gain)
    return out


def network_raster(n, T, seed=1, bias_mean=-3.0, density=None, coupling_mean=0.1, coupling_sd=0.5, chains=1000,
                   burn=200, thin=10):
    """0/1 raster (T x n, uint8) of p(x) ∝ exp(sum a_i x_i + sum_{i<j} b_ij x_i x_j), and (a, b).

    a_i ~ N(bias_mean, 0.5^2); each pair coupled with probability `density` (default: about
    20 partners per neuron), b_ij ~ N(coupling_mean, coupling_sd^2). Heat-bath Gibbs sampling,
    systematic scan, vectorised over `chains` chains: `burn` sweeps, then a state every `thin`.
    """
    rng = np.random.default_rng(seed)
    a = rng.normal(bias_mean, 0.5, n)
    if density is None:
        density = min(1.0, 20.0 / (n - 1))
    coupled = np.triu(rng.random((n, n)) < density, 1)
    b = np.where(coupled, rng.normal(coupling_mean, coupling_sd, (n, n)), 0.0)
    b = b + b.T
    per_chain = -(-T // chains)
    x = (rng.random((chains, n)) < 1.0 / (1.0 + np.exp(-a))).astype(float)
    out = np.empty((per_chain, chains, n), np.uint8)
    for sweep in range(burn + per_chain * thin):
        for i in range(n):
            x[:, i] = rng.random(chains) < 1.0 / (1.0 + np.exp(-(a[i] + x @ b[:, i])))
        k = sweep - burn + 1
        if k > 0 and k % thin == 0:
            out[k // thin - 1] = x
    return out.reshape(-1, n)[:T], a, b


def measure(nirl, kind, n, T, folder, threads, extra):
    path = os.path.join(folder, f"raster_{kind}_{n}x{T}.h5")
    with h5py.File(path, "w") as f:
        f["/spikes"] = gain_raster(n, T) if kind == "gain" else network_raster(n, T)[0]
    fit = os.path.join(folder, f"fit_{n}x{T}.h5")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    run, seconds, cpu, rss = run_measured([nirl, "pairwise", "fit", path, "--out", fit] + extra, env,
                                          f"nirl pairwise fit on {n} x {T}")
    out = run.stdout
    distinct = re.search(r"(\d+) distinct states", out).group(1)
    evals = re.search(r"(\d+) evaluations", out).group(1)
    mm = re.search(r"moment matching \([^)]*\): (\d+) iterations, mismatch (\S+) data SE \(RMS\).*, ([^,]+)\n", out)
    check = re.search(r"number active: TV (\S+) \(threshold (\S+)\).*: (passed|FAILED)", out)
    return (f"| {kind} | {n} | {T} | {distinct} | {evals} | {mm.group(1)} | {mm.group(3).strip()} | "
            f"TV {check.group(1)} (threshold {check.group(2)}), {check.group(3)} | "
            f"{seconds:.0f} | {cpu:.0f} | {rss:.0f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nirl", default="build/nirl")
    parser.add_argument("--sizes", nargs="+", default=["50x40000", "200x100000"], help="NxT")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--raster", choices=["network", "gain"], default="network")
    parser.add_argument("--match-iterations", type=int, help="passed to nirl pairwise fit")
    args = parser.parse_args()
    extra = [] if args.match_iterations is None else ["--match-iterations", str(args.match_iterations)]
    print("| raster | n | T | distinct states | PL evaluations | MM iterations | moments | check | wall s | CPU s "
          "| peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            n, T = (int(x) for x in size.split("x"))
            print(measure(args.nirl, args.raster, n, T, folder, args.threads, extra), flush=True)


if __name__ == "__main__":
    main()
