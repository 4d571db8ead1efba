#!/usr/bin/python3
"""Time and memory of the report study (`nirl run jobs/report.ini`) against the number of
neurons: the "Sizes" table of docs/recordings.md.

Each recording (T bins, n neurons, drawn with numpy, seed 3, written as /spikes, uint8 T x n)
has a shared slow on/off drive: a two-state chain that switches with probability 0.01 per
bin; neuron i fires with probability p_i off and 3 p_i on, p_i uniform in (0.03, 0.12).
spikes15 (the shipped recording, 200 resamples) is measured first unless --no-spikes15.

For each size, runs the report on one rank under /usr/bin/time -v and prints a markdown row:
n, resamples, tasks, wall and CPU seconds, peak memory, the chosen reward family.

    /usr/bin/python3 tools/bench_report_scale.py --nirl build/nirl --sizes 18 20 22 --bootstraps 50
"""
import argparse
import os
import tempfile

import h5py
import numpy as np

from resource_use import run_measured

FAMILIES = ["tabular", "pairwise", "global"]


def drive_raster(n, T, seed=3):
    rng = np.random.default_rng(seed)
    switch = rng.random(T) < 0.01
    drive = (np.cumsum(switch) % 2).astype(bool)
    p = rng.uniform(0.03, 0.12, n)
    return (rng.random((T, n)) < np.where(drive[:, None], 3 * p, p)).astype(np.uint8)


def measure(nirl, path, bootstraps, folder, threads):
    out = os.path.join(folder, "report.h5")
    if os.path.exists(out):
        os.remove(out)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), NIRL_PROGRESS_SECONDS="0")
    _, seconds, cpu, rss = run_measured([nirl, "run", "jobs/report.ini", "--recording.path", path,
                                         "--study.bootstraps", str(bootstraps), "--out", out], env,
                                        f"nirl run on {path}")
    with h5py.File(out, "r") as f:
        study = f["study"]
        best = FAMILIES[int(np.ravel(study["best_family"][()])[0])]
        converged = bool(np.all(study["fold_converged"][()] == 1))
        n = study["unit_id"].shape[0]
    return seconds, cpu, rss, best, converged, n


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nirl", default="build/nirl")
    parser.add_argument("--sizes", nargs="+", type=int, default=[18, 20], help="numbers of neurons")
    parser.add_argument("--bins", type=int, default=40000)
    parser.add_argument("--bootstraps", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-spikes15", action="store_true")
    args = parser.parse_args()
    nirl = os.path.abspath(args.nirl)
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    print("| recording | n | resamples | wall s | CPU s | peak MB | best family | folds converged |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        runs = [] if args.no_spikes15 else [("spikes15", os.path.abspath("examples/data/spikes15.h5"), 200)]
        for n in args.sizes:
            path = os.path.join(folder, f"drive{n}.h5")
            with h5py.File(path, "w") as f:
                f["/spikes"] = drive_raster(n, args.bins)
            runs.append((f"drive, {args.bins} bins", path, args.bootstraps))
        for name, path, bootstraps in runs:
            seconds, cpu, rss, best, converged, n = measure(nirl, path, bootstraps, folder, args.threads)
            print(f"| {name} | {n} | {bootstraps} | {seconds:.0f} | {cpu:.0f} | {rss:.0f} | {best} | "
                  f"{'all' if converged else 'NOT all'} |", flush=True)


if __name__ == "__main__":
    main()
