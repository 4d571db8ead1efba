#!/usr/bin/python3
"""Plot Fig 6 from the HDF5 result of `nirl run jobs/fig6.ini` (experiment.kind = pairwise_sweep).

Usage:  /usr/bin/python3 tools/plot_fig6.py fig6.h5 fig6.png

  A  aligned r2 of the inferred reward (states with true p > 1e-6) vs the number of i.i.d.
     samples, under the sparse, pairwise and global assumptions: mean +- s.e.m. over trials
  B  KL(true high-cost response || predicted) per assumption (median and interquartile range
     over trials), with the no-adaptation baseline KL(true high-cost || true) dashed
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def main(path, out):
    with h5py.File(path, "r") as f:
        g = f["fig6"]
        r2 = g["r2"][()]  # sizes x trials x 3
        kl = g["kl"][()]
        sizes = g["sample_sizes"][()]
        base = float(g["kl"].attrs["kl_baseline"])
        lam, lam_high = float(g["r2"].attrs["lambda"]), float(g["kl"].attrs["lambda_high"])
    names = ["sparse", "pairwise", "global"]
    colors = ["tab:red", "tab:blue", "tab:green"]
    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    T = r2.shape[1]
    for a in range(3):
        m = r2[:, :, a].mean(axis=1)
        s = r2[:, :, a].std(axis=1, ddof=1) / np.sqrt(T) if T > 1 else 0 * m
        ax[0].errorbar(sizes, m, yerr=s, marker="o", color=colors[a], label=names[a], capsize=3)
        med = np.median(kl[:, :, a], axis=1)
        lo, hi = np.percentile(kl[:, :, a], 25, axis=1), np.percentile(kl[:, :, a], 75, axis=1)
        ax[1].errorbar(sizes, med, yerr=[med - lo, hi - med], marker="o", color=colors[a], label=names[a], capsize=3)
    ax[0].set(xscale="log", xlabel="samples", ylabel="aligned r2", ylim=(-0.05, 1.05),
              title=f"A  inferred reward ({T} trials, lambda {lam:g})")
    ax[0].legend()
    ax[1].axhline(base, ls="--", color="k", label="no adaptation")
    ax[1].set(xscale="log", yscale="log", xlabel="samples", ylabel="KL(true || predicted) (nats)",
              title=f"B  high-cost response (lambda {lam_high:g})")
    ax[1].legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
