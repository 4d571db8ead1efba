#!/usr/bin/python3
"""`nirl run` on 1 against 2 MPI ranks (one OpenMP thread each), and the per-task overhead
of 16 ranks oversubscribed on this machine's cores. ROUNDS interleaved rounds, medians of
the wall clock of the whole `mpirun` (start-up and the result file included):
  - jobs/fig3.ini (the shipped Fig 3 study: 9 sample sizes x 20 trials, one truth);
  - mpi_sweep16.ini (4 sample sizes x 4 trials, one truth);
  - both again with OMPI_MCA_pml=ob1 (OpenMPI over shared memory and TCP only, which skips
    its probe for a fast network at start-up);
  - mpi_start.ini (one task of a 2-neuron network): what every run pays to start and end;
  - mpi_tiny.ini: tasks of about a millisecond (the inverse from 100 steps), 10 and TINY of
    them on 1 rank and on 16 ranks (--oversubscribe): the time per task is the slope
    (t(TINY) - t(10)) / (TINY - 10), and the overhead per task of 16 ranks is their time per
    task on the machine's C cores, C x slope(16), less the slope of 1 rank.
Every pair of runs must give the same /study (h5diff). Prints a
markdown section for tools/bench.

usage: mpi_ratio.py NIRL [--rounds 3] [--tiny 1000]"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from resource_use import run_measured  # noqa: E402

FIG3 = os.path.join(HERE, "..", "..", "jobs", "fig3.ini")
SWEEP16 = os.path.join(HERE, "mpi_sweep16.ini")
OB1 = {"OMPI_MCA_pml": "ob1"}
STUDIES = [("Fig 3 (`jobs/fig3.ini`, 180 tasks)", FIG3, {}),
           ("16-task sweep (`mpi_sweep16.ini`)", SWEEP16, {}),
           ("Fig 3, `OMPI_MCA_pml=ob1`", FIG3, OB1),
           ("16-task sweep, `OMPI_MCA_pml=ob1`", SWEEP16, OB1),
           ("start and end only (`mpi_start.ini`, 1 task)", os.path.join(HERE, "mpi_start.ini"), {})]


def mpirun(ranks, nirl, config, extra, out, env=None):
    command = ["mpirun", "--oversubscribe", "-np", str(ranks), "-x", "OMP_NUM_THREADS=1"]
    if os.geteuid() == 0:
        command.insert(1, "--allow-run-as-root")
    command += [nirl, "run", config, "--out", out] + extra
    _, wall, _, _ = run_measured(command, dict(os.environ, OMP_NUM_THREADS="1", **(env or {})), "mpirun nirl run")
    return wall


def same_files(a, b):
    diff = subprocess.run(["h5diff", "-q", a, b, "/study", "/study"], capture_output=True, text=True)
    if diff.returncode != 0:
        sys.exit(f"mpi_ratio.py: {a} and {b} differ:\n{diff.stdout}{diff.stderr}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nirl")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tiny", type=int, default=1000)
    a = ap.parse_args()
    if not shutil.which("mpirun"):
        sys.exit("mpi_ratio.py: mpirun is not on PATH")
    cores = os.cpu_count()
    tiny = os.path.join(HERE, "mpi_tiny.ini")
    cases = [(name, config, [], env, ranks) for name, config, env in STUDIES for ranks in (1, 2)]
    cases += [("tiny", tiny, ["--study.trials", str(t)], {}, ranks) for t in (10, a.tiny) for ranks in (1, 16)]
    times = {k: [] for k in range(len(cases))}
    with tempfile.TemporaryDirectory() as folder:
        for r in range(a.rounds):
            order = list(range(len(cases)))
            if r % 2:
                order.reverse()
            for k in order:
                name, config, extra, env, ranks = cases[k]
                out = os.path.join(folder, f"case{k}.h5")
                if os.path.exists(out):
                    os.remove(out)
                times[k].append(mpirun(ranks, a.nirl, config, extra, out, env))
        for k in range(0, len(cases), 2):  # each case on its fewer and more ranks
            same_files(os.path.join(folder, f"case{k}.h5"), os.path.join(folder, f"case{k + 1}.h5"))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"### MPI (`nirl run` under mpirun, 1 OpenMP thread per rank; medians of {a.rounds} interleaved rounds)")
    print()
    print("| study | 1 rank (s) | 2 ranks (s) | 2 / 1 |")
    print("|---|---|---|---|")
    for k in range(0, 2 * len(STUDIES), 2):
        print(f"| {cases[k][0]} | {med[k]:.2f} | {med[k + 1]:.2f} | {med[k + 1] / med[k]:.2f} |")
    base = 2 * len(STUDIES)
    one = (med[base + 2] - med[base]) / (a.tiny - 10)
    sixteen = (med[base + 3] - med[base + 1]) / (a.tiny - 10)
    print()
    print(f"Tiny tasks (`mpi_tiny.ini`, {a.tiny} tasks of 100 observed steps; slope between 10 and {a.tiny} tasks): "
          f"1 rank {1e3 * one:.2f} ms per task ({med[base]:.2f} s for 10, {med[base + 2]:.2f} s for {a.tiny}); "
          f"16 ranks on {cores} cores {1e3 * sixteen:.2f} ms per task ({med[base + 1]:.2f} s / "
          f"{med[base + 3]:.2f} s), so {1e3 * (cores * sixteen - one):.2f} ms of overhead per task "
          f"({cores} x the 16-rank slope less the 1-rank slope).")


if __name__ == "__main__":
    main()
