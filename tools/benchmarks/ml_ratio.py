#!/usr/bin/python3
"""The maximum-likelihood inverse (`nirl infer`, docs/model.md 3b) against its NumPy + SciPy
peer (ml_peer.py) on Fig 2's network (jobs/fig2.ini: n = 8, a telegraph input): the model
is optimised once and rasters of each STEPS are simulated; then ROUNDS interleaved rounds
time both whole commands (wall clock under /usr/bin/time, Python's start-up included) and
read each one's own split into counting (reading the raster file) and the fit. The optima
must agree: the objective (negative log-likelihood plus prior) to 1e-9 relative. Prints a
markdown section for tools/bench.

usage: ml_ratio.py NIRL [--steps 1000000 100000000] [--rounds 3]"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from resource_use import run_measured  # noqa: E402

LAMBDA = "0.3"  # jobs/fig2.ini


def nirl_objective(path, ridge=1.0):
    with h5py.File(path, "r") as f:
        g = f["/inferred"]
        v = g["value"][()]
        return -float(g.attrs["log_likelihood"]) + 0.5 * ridge * float(v @ v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nirl")
    ap.add_argument("--steps", type=int, nargs="+", default=[1_000_000, 100_000_000])
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        model = os.path.join(folder, "model.h5")
        subprocess.run([a.nirl, "optimise", "--config", os.path.join(HERE, "..", "..", "jobs", "fig2.ini"),
                        "--out", model], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for steps in a.steps:
            raster = os.path.join(folder, "raster.h5")
            subprocess.run([a.nirl, "simulate", "--model", model, "--steps", str(steps), "--seed", "1", "--out", raster],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            r = {k: [] for k in ("nirl", "peer", "nirl_count", "peer_count", "nirl_fit", "peer_fit", "rss")}
            out = os.path.join(folder, "inferred.h5")
            for k in range(a.rounds):
                def nirl():
                    run, wall, _, rss = run_measured([a.nirl, "infer", "--raster", raster, "--lambda", LAMBDA,
                                                      "--out", out], dict(os.environ), "nirl infer")
                    count, fit = map(float, re.search(r"reading and counting (\S+) s, inverse (\S+) s",
                                                      run.stdout).groups())
                    m = re.search(r"(\d+) iterations, (\d+) likelihood passes", run.stdout)
                    r["nirl"].append(wall)
                    r["nirl_count"].append(count)
                    r["nirl_fit"].append(fit)
                    r["rss"].append(rss)
                    r["nirl_iter"] = (int(m.group(1)), int(m.group(2)))
                    r["nirl_objective"] = nirl_objective(out)

                def peer():
                    run, wall, _, _ = run_measured(["/usr/bin/python3", os.path.join(HERE, "ml_peer.py"), raster,
                                                    LAMBDA], dict(os.environ), "ml_peer.py")
                    j = json.loads(run.stdout)
                    r["peer"].append(wall)
                    r["peer_count"].append(j["count_s"])
                    r["peer_fit"].append(j["fit_s"])
                    r["peer_iter"] = (j["iterations"], j["passes"])
                    r["peer_objective"] = j["objective"]
                for step in ((nirl, peer) if k % 2 == 0 else (peer, nirl)):
                    step()
            os.remove(raster)
            agree = abs(r["nirl_objective"] - r["peer_objective"]) / abs(r["peer_objective"])
            if agree > 1e-9:
                sys.exit(f"ml_ratio.py: the optima differ at {steps} steps: nirl {r['nirl_objective']!r}, "
                         f"peer {r['peer_objective']!r}")
            rows.append((steps, {k: statistics.median(v) if isinstance(v, list) else v for k, v in r.items()}, agree))
    print(f"### Maximum-likelihood inverse (Fig 2's network, `nirl infer` against NumPy + SciPy L-BFGS-B; "
          f"medians of {a.rounds} interleaved rounds)")
    print()
    print("| steps | command: nirl / peer (s) | ratio | counting: nirl / peer (s) | ratio | fit: nirl / peer (s) "
          "| ratio | iterations (passes): nirl / peer | objective rel. diff. | nirl peak resident (MB) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for steps, m, agree in rows:
        print(f"| {steps:.0e} | {m['nirl']:.2f} / {m['peer']:.2f} | {m['peer'] / m['nirl']:.1f} "
              f"| {m['nirl_count']:.3f} / {m['peer_count']:.3f} | {m['peer_count'] / m['nirl_count']:.1f} "
              f"| {m['nirl_fit']:.4f} / {m['peer_fit']:.3f} | {m['peer_fit'] / m['nirl_fit']:.0f} "
              f"| {m['nirl_iter'][0]} ({m['nirl_iter'][1]}) / {m['peer_iter'][0]} ({m['peer_iter'][1]}) "
              f"| {agree:.0e} | {m['rss']:.0f} |")
    print()
    print("Ratios are the peer's time over nirl's (above 1: nirl is faster).")


if __name__ == "__main__":
    main()
