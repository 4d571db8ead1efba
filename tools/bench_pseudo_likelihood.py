#!/usr/bin/python3
"""Benchmark: nirl's pseudo-likelihood fit of the pairwise (Ising) model against ConIII's.

What it measures
  For each case (a raster drawn here from a known sparse network, and a recorded raster)
  it fits the pairwise model with
    * nirl:   `nirl pairwise fit RASTER.h5 --out FIT.h5 --refine none --ridge 0`
              (a child process; its time includes reading the HDF5 file, counting the
              distinct states and the fit check nirl always runs after the fit)
    * ConIII: coniii.solvers.Pseudo(sample).solve(force_general=True)
              (the solve() call only: building the Pseudo object and compiling its numba
              helpers happen before the clock starts)
  and evaluates both solutions with one objective written here (numpy),
      f(h, J) = (1/T) sum_t sum_i -log sigmoid(2 s_ti (h_i + sum_j J_ij s_tj)),
  the mean negative log pseudo-likelihood per sample, spins s = +/-1.

  The runs are interleaved (nirl, ConIII, nirl, ConIII, ...; --reps of each) and the
  table gives medians of CPU time (nirl: the child's user+system time from
  getrusage(RUSAGE_CHILDREN); ConIII: time.process_time() of this process around solve())
  and of wall time. Everything runs on one thread: OMP_NUM_THREADS=1 for nirl, and
  OMP/OPENBLAS/MKL/NUMBA thread counts set to 1 here before numpy is imported, so
  ConIII's numpy/BLAS calls are single-threaded too.

Convention mapping (checked in ConIII's source, solvers.Pseudo and utils)
  ConIII: spins +/-1, E(s) = -sum_i h_i s_i - sum_{i<j} J_ij s_i s_j, p ∝ exp(-E);
  multipliers = [h (n), J upper triangle row-major (n(n-1)/2)] (scipy squareform order).
  Its per-spin term is -log(1 + exp(-2 s_r H_r)) = log sigmoid(2 s_r H_r), summed (not
  averaged) over samples, with no penalty. So nirl with --ridge 0 minimises exactly
  ConIII's objective divided by T; h and J need no conversion.
  ConIII's default Ising path (solve() without force_general) is the Aurell-Ekeberg
  variant: n independent per-spin fits, J then symmetrised by averaging; it does not
  minimise the symmetric objective above. --coniii-default adds it as an extra row
  (timed and scored the same way) for reference.

Imports
  Pseudo needs numpy, scipy, numba (Debian: python3-numba) and, at import time only,
  `multiprocess` (Debian: python3-multiprocess), which ConIII uses for MCHIncompleteData
  and its samplers' pools but never on the Pseudo path. If `multiprocess` is missing an
  empty stub module is put in sys.modules so the import succeeds; the Pseudo solver does
  not touch it.

Run
  /usr/bin/python3 tools/bench_pseudo_likelihood.py --coniii CONIII_CHECKOUT \
      [--nirl build/nirl] [--recording spikes15.h5] [--reps 5] [--n 30 --T 10000] [--synthetic-reps N]
      [--coniii-default]
  The recording runs first (seconds). ConIII's general solve grows as n^2 T per evaluation:
  42 s of CPU at n = 30, T = 10000 (the BENCHMARKS.md case), far more at the defaults
  (n = 50, T = 100000), hence --synthetic-reps. Exit status 1 when the objectives differ by
  more than --tolerance.
"""
import argparse
import hashlib
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
import warnings

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import resource  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402
from scipy.spatial.distance import squareform  # noqa: E402

from bench_pairwise_scale import network_raster  # noqa: E402  (this folder)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def import_coniii(path):
    sys.path.insert(0, os.path.abspath(path))
    if importlib.util.find_spec("multiprocess") is None:  # used outside the Pseudo path only (see the header)
        stub = types.ModuleType("multiprocess")
        stub.Pool = stub.cpu_count = None
        sys.modules["multiprocess"] = stub
    import coniii
    from coniii.solvers import Pseudo
    return coniii, Pseudo


def coniii_commit(path):
    try:
        return subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git work tree)"


# ---------------------------------------------------------------------------- data


def draw_raster(seed, n, T, density, bias_mean=-3.0):
    """0/1 raster (T x n, uint8) of a sparse network (bench_pairwise_scale.network_raster: each
    pair coupled with probability `density`, b_ij ~ N(0.04, 0.4^2), biases a_i ~ N(bias_mean,
    0.5^2), 1000 Gibbs chains, a state every 10 sweeps; pseudo-likelihood ignores temporal
    order, so rows from different chains may be interleaved), and the true parameters in
    +/-1 terms: J = b/4, h = a/2 + sum_j b_ij/4.
    """
    raster, a, b = network_raster(n, T, seed, bias_mean, density, 0.04, 0.4)
    return raster, a / 2 + b.sum(1) / 4, b / 4


def write_raster(path, raster):
    with h5py.File(path, "w") as f:
        f.create_dataset("spikes", data=np.ascontiguousarray(raster, dtype=np.uint8))


def read_raster(path, dataset):
    with h5py.File(path, "r") as f:
        x = f[dataset][()]
    if set(np.unique(x).tolist()) - {0, 1}:
        sys.exit(f"{path}:{dataset}: entries other than 0/1")
    return x.astype(np.uint8)


# ------------------------------------------------------------------ common objective


def objective(raster, h, J):
    """Mean -log pseudo-likelihood per sample and its gradient norm (over h and J_{i<j})."""
    states, counts = np.unique(raster, axis=0, return_counts=True)
    S = 2.0 * states - 1.0
    w = counts / raster.shape[0]
    H = S @ J + h
    z = 2.0 * S * H
    f = float(w @ np.logaddexp(0.0, -z).sum(1))
    G = -2.0 * S / (1.0 + np.exp(z)) * w[:, None]
    SG = S.T @ G
    grad = np.concatenate([G.sum(0), squareform(SG + SG.T, checks=False)])
    return f, float(np.linalg.norm(grad))


# -------------------------------------------------------------------------- solvers


def run_nirl(nirl, raster_path, fit_path):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([nirl, "pairwise", "fit", raster_path, "--out", fit_path, "--refine", "none",
                           "--ridge", "0"], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"nirl failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with h5py.File(fit_path, "r") as f:
        h = f["/pairwise/h"][()]
        J = f["/pairwise/J"][()]
        reported = float(f["/pairwise/h"].attrs["objective"])
    summary = proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else ""
    return cpu, wall, h, J, {"reported objective": reported, "stdout": summary}


def run_coniii(solver, n, general):
    with warnings.catch_warnings(record=True) as caught:  # numpy overflow warnings, counted below
        warnings.simplefilter("always")
        t0, c0 = time.perf_counter(), time.process_time()
        m, soln = solver.solve(force_general=general, full_output=True)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    h, J = m[:n].copy(), squareform(m[n:])
    if general:
        info = {"scipy": f"{soln['message']} ({soln['nit']} iterations, {soln['nfev']} evaluations)"}
    else:
        info = {"scipy": f"{sum(s['success'] for s in soln)}/{len(soln)} per-spin fits report success"}
    if caught:
        info["warnings"] = f"{len(caught)} warnings, e.g. {caught[0].message}"
    return cpu, wall, h, J, info


# ---------------------------------------------------------------------------- main


def run_case(name, raster, raster_path, reps, args, Pseudo, workdir, truth=None):
    T, n = raster.shape
    print(f"\n## {name}: n = {n}, T = {T}, mean activity {raster.mean():.4f}, "
          f"{len(np.unique(raster, axis=0))} distinct states, {reps} repetitions", flush=True)
    sample = np.ascontiguousarray(2 * raster.astype(np.int64) - 1)
    solver = Pseudo(sample, iprint=False)
    # compile the numba helpers (new closures per Pseudo object) outside the timed solve()
    solver.calc_observables_r(0, sample[:2])
    solver.get_multipliers_r(0, np.zeros(n + n * (n - 1) // 2))
    fit_path = os.path.join(workdir, f"{name}.fit.h5")
    solvers = [("nirl", lambda: run_nirl(args.nirl, raster_path, fit_path)),
               ("ConIII", lambda: run_coniii(solver, n, True))]
    if args.coniii_default:
        solvers.append(("ConIII default", lambda: run_coniii(solver, n, False)))
    times = {s: {"cpu": [], "wall": []} for s, _ in solvers}
    result = {}
    for rep in range(reps):
        for label, run in solvers:
            cpu, wall, h, J, info = run()
            times[label]["cpu"].append(cpu)
            times[label]["wall"].append(wall)
            if label in result and not (np.array_equal(h, result[label][0]) and np.array_equal(J, result[label][1])):
                print(f"  note: {label} repetition {rep + 1} gave a different solution", flush=True)
            result[label] = (h, J, info)
            print(f"  rep {rep + 1} {label:15s} CPU {cpu:9.2f} s  wall {wall:9.2f} s", flush=True)
    x = raster.astype(float)
    iu = np.triu_indices(n, 1)
    seen = (x.T @ x)[iu] > 0  # pairs active together at least once (finite unpenalised optimum)
    h0, J0, _ = result["nirl"]
    rows = []
    for label, _ in solvers:
        h, J, info = result[label]
        f, g = objective(raster, h, J)
        row = {"case": name, "n": n, "T": T, "reps": reps, "solver": label, "f": f, "grad": g, "info": info,
               "cpu": statistics.median(times[label]["cpu"]), "wall": statistics.median(times[label]["wall"]),
               "dJ": float(np.max(np.abs(J - J0))), "dh": float(np.max(np.abs(h - h0))),
               "rJ": float(np.corrcoef(J0[iu], J[iu])[0, 1]),
               "dJ_seen": float(np.max(np.abs(J - J0)[iu][seen])),
               "rJ_seen": float(np.corrcoef(J0[iu][seen], J[iu][seen])[0, 1])}
        if truth is not None:
            row["rJ_true"] = float(np.corrcoef(truth[1][iu], J[iu])[0, 1])
        rows.append(row)
        extra = f", nirl's own report {info['reported objective']:.12f}" if label == "nirl" else ""
        print(f"  {label}: objective {f:.12f} (this script){extra}, gradient norm {g:.2e}; "
              + "; ".join(str(v) for k, v in info.items() if k != "reported objective"), flush=True)
    print(f"  pairs never active together: {int(np.count_nonzero(~seen))} of {len(seen)}", flush=True)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    p.add_argument("--coniii", required=True, help="ConIII checkout (the directory holding the coniii package)")
    p.add_argument("--nirl", default=os.path.join(REPO, "build", "nirl"), help="nirl binary")
    p.add_argument("--recording", default=os.path.join(REPO, "examples", "data", "spikes15.h5"),
                   help="recorded raster (HDF5, time x neurons, 0/1); '' to skip")
    p.add_argument("--dataset", default="/spikes")
    p.add_argument("--n", type=int, default=50)
    p.add_argument("--T", type=int, default=100000)
    p.add_argument("--density", type=float, default=0.2, help="fraction of pairs coupled in the drawn network")
    p.add_argument("--bias-mean", type=float, default=-3.0, help="mean bias a_i (0/1 terms) of the drawn network")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reps", type=int, default=5, help="repetitions of each solver per case")
    p.add_argument("--synthetic-reps", type=int, help="repetitions for the drawn raster (default: --reps)")
    p.add_argument("--coniii-default", action="store_true",
                   help="also time ConIII's default (per-spin, symmetrised) Ising path")
    p.add_argument("--tolerance", type=float, default=1e-6, help="absolute tolerance on the per-sample objective")
    args = p.parse_args()

    coniii, Pseudo = import_coniii(args.coniii)
    with open(args.nirl, "rb") as f:
        nirl_id = hashlib.sha256(f.read()).hexdigest()[:12]
    print(f"ConIII {coniii.__version__} at {os.path.abspath(args.coniii)}, commit {coniii_commit(args.coniii)}")
    print(f"nirl {args.nirl} (sha256 {nirl_id}...); numpy {np.__version__}; solvers interleaved, one thread each")

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_pl_") as workdir:
        if args.recording:  # the short case first
            raster = read_raster(args.recording, args.dataset)
            name = os.path.splitext(os.path.basename(args.recording))[0]
            rows += run_case(name, raster, args.recording, args.reps, args, Pseudo, workdir)
        raster, h_true, J_true = draw_raster(args.seed, args.n, args.T, args.density, args.bias_mean)
        path = os.path.join(workdir, "synthetic.h5")
        write_raster(path, raster)
        f_true, _ = objective(raster, h_true, J_true)
        print(f"\nsynthetic network: seed {args.seed}, {int(np.count_nonzero(np.triu(J_true, 1)))} of "
              f"{args.n * (args.n - 1) // 2} pairs coupled; objective at the true parameters {f_true:.6f}")
        reps = args.synthetic_reps or args.reps
        rows = run_case("synthetic", raster, path, reps, args, Pseudo, workdir, truth=(h_true, J_true)) + rows

    print("\n| case | n | T | reps | nirl CPU s | ConIII CPU s | ratio | nirl wall s | ConIII wall s | ratio "
          "| objective nirl | objective ConIII | abs difference | J correlation | max abs dJ |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    by_case, ok = {}, True
    for r in rows:
        by_case.setdefault(r["case"], {})[r["solver"]] = r
    for case, d in by_case.items():
        a = d["nirl"]
        for label, b in d.items():
            if label == "nirl":
                continue
            diff = abs(a["f"] - b["f"])
            if label == "ConIII":
                ok &= diff <= args.tolerance
            name = case if label == "ConIII" else f"{case} ({label})"
            print(f"| {name} | {a['n']} | {a['T']} | {a['reps']} | {a['cpu']:.2f} | {b['cpu']:.2f} "
                  f"| {b['cpu'] / a['cpu']:.1f} | {a['wall']:.2f} | {b['wall']:.2f} | {b['wall'] / a['wall']:.1f} "
                  f"| {a['f']:.9f} | {b['f']:.9f} | {diff:.1e} | {b['rJ']:.6f} | {b['dJ']:.2e} |")
    print("\nratio = ConIII / nirl, medians over the repetitions. Objective: mean -log pseudo-likelihood per "
          "sample (ridge 0), both solutions evaluated by this script; absolute difference checked against "
          f"{args.tolerance:g}: {'all within' if ok else 'NOT all within'}. J correlation: Pearson over all pairs i<j.")
    for r in rows:
        if r["solver"] != "nirl":
            print(f"{r['case']} {r['solver']}: over pairs active together at least once, J correlation "
                  f"{r['rJ_seen']:.6f}, max abs dJ {r['dJ_seen']:.2e}; max abs dh {r['dh']:.2e}")
        if "rJ_true" in r:
            print(f"{r['case']} {r['solver']}: correlation of the fitted J with the true J {r['rJ_true']:.4f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
