#!/usr/bin/python3
"""One Bellman sweep of relative value iteration (docs/model.md section 2, no input) in NumPy,
the way a researcher writes it, as the peer of nirl's `Bellman` benchmark:

  T(v)(sigma) = r(sigma) + (lambda/n) sum_i logaddexp(log q_i(1) + v(sigma_i=1)/lambda,
                                                      log q_i(0) + v(sigma_i=0)/lambda)
  v_new = T(v) - T(v)(0), and the range of T(v) - v.

Two versions, both vectorised over states and neither storing a policy:
  neighbours  n np.logaddexp over all S states (each state's two single-flip neighbours,
              gathered through precomputed index arrays): n * S log-sum-exps;
  pairs       the state array seen as (S / 2^(i+1), 2, 2^i) for neuron i, one np.logaddexp
              per pair of neighbours, added to both members: n * S / 2 log-sum-exps, the
              same sharing nirl's sweep uses.

As a module: `problem(n, seed)` and `sweep_neighbours` / `sweep_pairs`, timed by
tools/benchmarks/peer_ratio.py. Run directly, it checks both against a per-state loop on
small random problems and prints the median time of one sweep of each at the given n.
"""
import argparse
import statistics
import time

import numpy as np


def problem(n, seed=1):
    """Random values in (-2, 2), spike-count reward, marginals spread over (0.2, 0.8) and
    lambda = 0.5: the setting of nirl_bench's Bellman benchmark."""
    rng = np.random.default_rng(seed)
    S = 1 << n
    states = np.arange(S, dtype=np.int64)
    counts = np.zeros(S)
    for i in range(n):
        counts += (states >> i) & 1
    on = 0.2 + 0.6 * (np.arange(n) + 0.5) / n
    return {
        "n": n,
        "lam": 0.5,
        "v": rng.uniform(-2.0, 2.0, S),
        "r": -np.abs(counts - 2.0),
        "log_on": np.log(on),
        "log_off": np.log1p(-on),
        "up": [states | (1 << i) for i in range(n)],
        "down": [states & ~(1 << i) for i in range(n)],
    }


def _finish(p, acc):
    T = p["r"] + (p["lam"] / p["n"]) * acc
    d = T - p["v"]
    return T - T[0], d.min(), d.max()


def sweep_neighbours(p):
    v, lam = p["v"], p["lam"]
    acc = np.zeros_like(v)
    for i in range(p["n"]):
        acc += np.logaddexp(p["log_on"][i] + v[p["up"][i]] / lam, p["log_off"][i] + v[p["down"][i]] / lam)
    return _finish(p, acc)


def sweep_pairs(p):
    v, lam, n = p["v"], p["lam"], p["n"]
    acc = np.zeros_like(v)
    for i in range(n):
        v3 = v.reshape(-1, 2, 1 << i)
        t = np.logaddexp(p["log_on"][i] + v3[:, 1, :] / lam, p["log_off"][i] + v3[:, 0, :] / lam)
        acc.reshape(-1, 2, 1 << i)[...] += t[:, None, :]
    return _finish(p, acc)


def sweep_loop(p):
    """The definition, state by state (the independent check)."""
    v, lam, n = p["v"], p["lam"], p["n"]
    T = np.empty_like(v)
    for s in range(v.size):
        acc = 0.0
        for i in range(n):
            a = p["log_on"][i] + v[s | (1 << i)] / lam
            b = p["log_off"][i] + v[s & ~(1 << i)] / lam
            m = max(a, b)
            acc += m + np.log(np.exp(a - m) + np.exp(b - m))
        T[s] = p["r"][s] + lam / n * acc
    d = T - v
    return T - T[0], d.min(), d.max()


def check():
    for n, seed in [(1, 3), (5, 4), (8, 5)]:
        p = problem(n, seed)
        ref = sweep_loop(p)
        for f in (sweep_neighbours, sweep_pairs):
            got = f(p)
            assert np.allclose(got[0], ref[0], rtol=0, atol=1e-12), (f.__name__, n)
            assert abs(got[1] - ref[1]) < 1e-12 and abs(got[2] - ref[2]) < 1e-12, (f.__name__, n)


def median_seconds(f, p, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f(p)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    check()
    p = problem(a.n)
    for f in (sweep_neighbours, sweep_pairs):
        print(f"{f.__name__}: n = {a.n}, median of {a.reps}: {1e3 * median_seconds(f, p, a.reps):.1f} ms")


if __name__ == "__main__":
    main()
