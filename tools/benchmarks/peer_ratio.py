#!/usr/bin/python3
"""nirl's Bellman sweep against the NumPy sweep (numpy_sweep.py), measured in one run:
ROUNDS rounds, each timing nirl_bench's Bellman benchmark on 1 and 2 threads and both NumPy
versions, the order alternating between rounds; medians over rounds. Prints a markdown
section for tools/bench.

usage: peer_ratio.py NIRL_BENCH [--n 20] [--rounds 5]"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_sweep  # noqa: E402
from bench_runs import fmt, medians, nirl_bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nirl_bench")
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    numpy_sweep.check()
    p = numpy_sweep.problem(a.n)
    env = dict(os.environ, OMP_NUM_THREADS="2", NIRL_ADAPTIVE_THREADS="0")  # the kernel on the teams asked for
    rounds = []
    for r in range(a.rounds):
        t = {}
        steps = [lambda: t.update({f"nirl {k[-1]}": v for k, v in nirl_bench(
                     a.nirl_bench, f"^Bellman/n:{a.n}/inputs:1/threads:[12]/", env).items()}),
                 lambda: t.update(neighbours=1e3 * numpy_sweep.median_seconds(numpy_sweep.sweep_neighbours, p, 1),
                                  pairs=1e3 * numpy_sweep.median_seconds(numpy_sweep.sweep_pairs, p, 3))]
        for step in (steps if r % 2 == 0 else steps[::-1]):
            step()
        rounds.append(t)
    m = medians(rounds)
    print(f"### Against NumPy (one sweep at n = {a.n}, no input; medians of {a.rounds} interleaved rounds)")
    print()
    print("| NumPy neighbours (ms) | NumPy pairs (ms) | nirl 1 thread (ms) | nirl 2 threads (ms) | "
          "x neighbours, 1 / 2 threads | x pairs, 1 / 2 threads |")
    print("|---|---|---|---|---|---|")
    n1, n2 = m["nirl 1"], m["nirl 2"]
    print(f"| {fmt(m['neighbours'])} | {fmt(m['pairs'])} | {fmt(n1)} | {fmt(n2)} | "
          f"{m['neighbours'] / n1:.1f} / {m['neighbours'] / n2:.1f} | {m['pairs'] / n1:.1f} / {m['pairs'] / n2:.1f} |")


if __name__ == "__main__":
    main()
