#!/usr/bin/python3
"""1 against 2 threads on a quiet node and on a busy one (a competing process spinning on
the last CPU, pinned there): whole `nirl optimise` runs at n = 17 and n = 19 (no input,
optimise_threads.ini with --network.n), with the adaptive teams of thread_team.hpp (the
default) and with fixed teams (NIRL_ADAPTIVE_THREADS=0). ROUNDS rounds per condition,
medians. Prints a markdown section for tools/bench.

usage: busy_node.py NIRL [--rounds 3]"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_runs import medians  # noqa: E402

CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optimise_threads.ini")
SIZES = (17, 19)


def optimise_seconds(nirl, n, env, folder):
    out = os.path.join(folder, "optimise.h5")
    t0 = time.perf_counter()
    subprocess.run([nirl, "optimise", "--config", CONFIG, "--network.n", str(n), "--out", out], check=True,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.remove(out)
    return time.perf_counter() - t0


def one_round(nirl, adaptive, folder):
    env = dict(os.environ, NIRL_ADAPTIVE_THREADS="1" if adaptive else "0")
    return {(n, threads): optimise_seconds(nirl, n, dict(env, OMP_NUM_THREADS=str(threads)), folder)
            for n in SIZES for threads in (1, 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nirl")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    cpu = max(os.sched_getaffinity(0))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for busy in (False, True):
            hog = subprocess.Popen(["taskset", "-c", str(cpu), "/bin/sh", "-c", "while :; do :; done"]) if busy else None
            try:
                rounds = [one_round(a.nirl, adaptive, folder) for _ in range(a.rounds) for adaptive in (True, False)]
                for k, adaptive in enumerate((True, False)):
                    rows.append((busy, adaptive, medians(rounds[k::2])))
            finally:
                if hog:
                    hog.kill()
                    hog.wait()
    print(f"### Threads on a busy node (`nirl optimise`, medians of {a.rounds} interleaved rounds; "
          f"busy: a process spinning on CPU {cpu})")
    print()
    print("| node | teams | " + " | ".join(f"n = {n}: 1 / 2 threads (s) | speed-up" for n in SIZES) + " |")
    print("|---|---|" + "---|---|" * len(SIZES))
    for busy, adaptive, m in rows:
        cells = []
        for n in SIZES:
            t1, t2 = m[(n, 1)], m[(n, 2)]
            cells += [f"{t1:.2f} / {t2:.2f}", f"{t1 / t2:.2f}"]
        print(f"| {'busy' if busy else 'quiet'} | {'adaptive' if adaptive else 'fixed'} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
