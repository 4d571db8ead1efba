#!/usr/bin/python3
"""The peer of `nirl infer --method max_likelihood` (docs/model.md 3b), written the way a
researcher would with NumPy and SciPy: the raster file is counted in blocks of 2^20 steps
with h5py and np.bincount, the negative log-likelihood and its gradient are vectorised
over (state, neuron) and minimised with SciPy's L-BFGS-B from the same start (the closed
form on p(sigma | x), pseudocount 1/2) under the same prior (ridge/2)||v||^2. Prints one
JSON line: the seconds of counting and of the fit, iterations, likelihood passes, and the
objective at the optimum (negative log-likelihood summed over the transitions plus the
prior), which must match nirl's.

usage: ml_peer.py RASTER.h5 LAMBDA [--ridge 1] [--epsilon 1e-10]"""
import argparse
import json
import time

import h5py
import numpy as np
from scipy.optimize import minimize

BLOCK = 1 << 20


def count(path):
    """Visits [nx, 2^n], stay [nx, 2^n], flips [nx, 2^n, n], q_i(+1), P, transitions."""
    with h5py.File(path, "r") as f:
        spikes, inputs = f["/raster/spikes"], f["/raster/input"]
        P = f["/model/input_transition"][()]
        T, n = spikes.shape
        nx = P.shape[0]
        ns = 1 << n
        weights = (1 << np.arange(n)).astype(np.int64)
        visits = np.zeros(nx * ns)
        stay = np.zeros(nx * ns)
        flips = np.zeros(nx * ns * n)
        last = None
        for first in range(0, T, BLOCK):
            sigma = spikes[first:first + BLOCK].astype(np.int64) @ weights
            s = inputs[first:first + BLOCK].astype(np.int64) * ns + sigma
            visits += np.bincount(s, minlength=nx * ns)
            if last is not None:
                s, sigma = np.concatenate(([last[0]], s)), np.concatenate(([last[1]], sigma))
            changed = sigma[:-1] ^ sigma[1:]
            source = s[:-1]
            stay += np.bincount(source[changed == 0], minlength=nx * ns)
            one = (changed != 0) & ((changed & (changed - 1)) == 0)
            if np.any((changed != 0) & ~one):
                raise SystemExit("a step changes more than one neuron")
            neuron = np.log2(changed[one]).astype(np.int64)
            flips += np.bincount(source[one] * n + neuron, minlength=nx * ns * n)
            last = (s[-1], sigma[-1])
    visits, stay, flips = visits.reshape(nx, ns), stay.reshape(nx, ns), flips.reshape(nx, ns, n)
    bits = (np.arange(ns)[:, None] >> np.arange(n)) & 1  # [2^n, n]
    on = (visits.sum(0) @ bits + 0.5) / (T + 1.0)
    return visits, stay, flips, on, P, T - 1, bits


def likelihood(counts, lam, ridge):
    """nll(v, gradient=True) -> (f, g) or f: the negative log-likelihood plus the prior, per
    transition, over v[x * 2^n + sigma]."""
    visits, stay, flips, on, P, steps, bits = counts
    nx, ns = visits.shape
    n = bits.shape[1]
    log_on, log_off = np.log(on), np.log1p(-on)
    sign = 2 * bits - 1                              # +1 where neuron i is on in sigma
    up = np.arange(ns)[:, None] | (1 << np.arange(n))       # sigma with i on  [2^n, n]
    down = np.arange(ns)[:, None] & ~(1 << np.arange(n))    # sigma with i off
    dq = log_on - log_off

    def nll(vflat, gradient=True):
        V = vflat.reshape(nx, ns)
        W = P @ V                                    # w(., x) = sum_x' P[x, x'] v(., x')
        z = (W[:, up] - W[:, down]) / lam + dq       # [nx, 2^n, n] flip logits
        keep = sign * z                              # logit of keeping the current state
        ls_keep = -np.logaddexp(0.0, -keep)          # log sigmoid(keep)
        ls_flip = -np.logaddexp(0.0, keep)           # log sigmoid(-keep)
        lse = np.logaddexp.reduce(ls_keep, axis=2)   # log sum_i pi_i(keep)
        ll = np.sum(stay * (lse - np.log(n))) + np.sum(flips * (ls_flip - np.log(n)))
        f = (-ll + 0.5 * ridge * vflat @ vflat) / steps
        if not gradient:
            return f
        # d ll / d keep, then onto z, w and v.
        d_keep = -flips * np.exp(ls_keep) + stay[..., None] * np.exp(ls_keep - lse[..., None]) * np.exp(ls_flip)
        dz = d_keep * sign / lam                     # d ll / d z, times 1/lambda for dW
        dW = np.zeros((nx, ns))
        for i in range(n):                           # z_i(s) depends on w(up_i) (+) and w(down_i) (-)
            np.add.at(dW, (slice(None), up[:, i]), dz[:, :, i])
            np.add.at(dW, (slice(None), down[:, i]), -dz[:, :, i])
        dV = P.T @ dW
        g = (-dV.ravel() + ridge * vflat) / steps
        return f, g
    return nll


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raster")
    ap.add_argument("lam", type=float)
    ap.add_argument("--ridge", type=float, default=1.0)
    ap.add_argument("--epsilon", type=float, default=1e-10,
                    help="stop when max |g_k| <= epsilon max(1, |v0|), nirl's tolerance on |g| <= epsilon max(1, |v|)")
    a = ap.parse_args()
    t0 = time.perf_counter()
    counts = count(a.raster)
    t1 = time.perf_counter()
    visits, stay, flips, on, P, steps, bits = counts
    lam, ridge = a.lam, a.ridge
    nll = likelihood(counts, lam, ridge)
    ns = visits.shape[1]
    log_on, log_off = np.log(on), np.log1p(-on)

    # The warm start: the closed form per input value, v = lambda [log p(sigma | x) - sum_i log q_i].
    lq = bits @ log_on + (1 - bits) @ log_off
    p = (visits + 0.5) / (visits.sum(1, keepdims=True) + 0.5 * ns)
    v0 = (lam * (np.log(p) - lq)).ravel()
    v0 -= v0.mean()
    passes = [0]

    def fun(v):
        passes[0] += 1
        return nll(v)
    t2 = time.perf_counter()
    gtol = a.epsilon * max(1.0, np.linalg.norm(v0))
    res = minimize(fun, v0, jac=True, method="L-BFGS-B",
                   options={"maxcor": 6, "gtol": gtol, "ftol": 1e-15, "maxiter": 5000})
    t3 = time.perf_counter()
    f = nll(res.x, gradient=False)
    print(json.dumps({"count_s": t1 - t0, "fit_s": t3 - t2, "iterations": int(res.nit), "passes": passes[0],
                      "objective": f * steps, "message": str(res.message)}))


if __name__ == "__main__":
    main()
