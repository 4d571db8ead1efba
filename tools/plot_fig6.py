#!/usr/bin/python3
"""Plot Fig 6 from the HDF5 result of `nirl run jobs/fig6.ini` (a study with
study.pipeline = pairwise, docs/studies.md).

Usage:  /usr/bin/python3 tools/plot_fig6.py fig6.h5 fig6.png

  A  aligned r2 of the inferred reward (states with true p > study.threshold) vs the number
     of i.i.d. samples, under the sparse, pairwise and global assumptions: mean +- s.e.m.
     over trials
  B  KL(true adapted response || predicted) for the first perturbation, per assumption
     (median and interquartile range over trials), the no-adaptation baseline dashed
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from study_results import attr, axis_labels, config_values, dim_labels  # noqa: E402


def main(path, out):
    with h5py.File(path, "r") as f:
        st = f["study"]
        if dim_labels(st["r2"]) != ["study.samples", "trial", "bootstrap", "assumption"]:
            sys.exit("error: %s: /study/r2 has axes %s, expected study.samples, trial, bootstrap, "
                     "assumption (jobs/fig6.ini)" % (path, dim_labels(st["r2"])))
        r2 = st["r2"][:, :, 0, :]                # sizes x trials x assumptions
        kl = st["kl_predicted"][:, :, 0, :, 0]   # first perturbation
        base = float(st["kl_baseline"][0, 0])
        sizes = st["axes/study.samples"][()]
        names = axis_labels(st, "assumption")
        change = axis_labels(st, "perturbation")[0]
        lam = config_values(attr(f, "config", "")).get("network.lambda", "?")
    colors = ["tab:red", "tab:blue", "tab:green"]
    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    T = r2.shape[1]
    for a, name in enumerate(names):
        m = r2[:, :, a].mean(axis=1)
        s = r2[:, :, a].std(axis=1, ddof=1) / np.sqrt(T) if T > 1 else 0 * m
        ax[0].errorbar(sizes, m, yerr=s, marker="o", color=colors[a], label=name, capsize=3)
        med = np.median(kl[:, :, a], axis=1)
        lo, hi = np.percentile(kl[:, :, a], 25, axis=1), np.percentile(kl[:, :, a], 75, axis=1)
        ax[1].errorbar(sizes, med, yerr=[med - lo, hi - med], marker="o", color=colors[a], label=name, capsize=3)
    ax[0].set(xscale="log", xlabel="samples", ylabel="aligned r2", ylim=(-0.05, 1.05),
              title=f"A  inferred reward ({T} trials, lambda {lam})")
    ax[0].legend()
    ax[1].axhline(base, ls="--", color="k", label="no adaptation")
    ax[1].set(xscale="log", yscale="log", xlabel="samples", ylabel="KL(true || predicted) (nats)",
              title=f"B  adapted response ({change})")
    ax[1].legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    mean = r2.mean(axis=1)
    for k, n in enumerate(sizes):
        print("%8d samples: mean r2 %s" % (n, ", ".join("%s %.3f" % (names[a], mean[k, a]) for a in range(len(names)))))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
