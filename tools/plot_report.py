#!/usr/bin/python3
"""Summary figure of a `nirl report` result.

Usage: /usr/bin/python3 tools/plot_report.py REPORT.h5 REPORT.png [--top K]

A: the K most rewarded reference states (observed >= min_visits times) with their
   bootstrap intervals, labelled by their active neurons and visit counts;
B: reward vs spike count (mean over the reference states with k active) with its band;
C: held-out log-likelihood per time bin of the tabular, pairwise and global reward
   descriptions, relative to the best, with the fold-to-fold spread.
"""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def active(state, n):
    on = [str(i) for i in range(n) if (int(state) >> i) & 1]
    return "{" + ",".join(on) + "}" if on else "{} silent"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report")
    ap.add_argument("png")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()

    with h5py.File(args.report, "r") as f:
        rec, rw = f["recording"], f["reward"]
        n = int(rec.attrs["n"])
        bins = int(rec.attrs["bins"])
        path = rec.attrs["path"]
        states = rw["states"][...]
        est, lo, hi = rw["state_estimate"][...], rw["state_lower"][...], rw["state_upper"][...]
        visits = rw["state_visits"][...]
        c_est, c_lo, c_hi = rw["count_estimate"][...], rw["count_lower"][...], rw["count_upper"][...]
        c_states = rw["count_states"][...]
        level = float(rw.attrs["level"])
        block = int(rw.attrs["block_length"])
        resamples = int(rw.attrs["resamples"])
        lam = float(rw.attrs["lambda"])
        mc = None
        if "model_choice" in f:
            g = f["model_choice"]
            mc = dict(names=str(g.attrs["families"]).split(","), ll=g["log_likelihood"][...],
                      folds=g["fold_log_likelihood"][...], best=str(g.attrs["best"]),
                      margin=float(g.attrs["margin"]), se=float(g.attrs["margin_se"]))

    fig, axes = plt.subplots(1, 3, figsize=(16, 5.6), gridspec_kw=dict(width_ratios=[1.5, 1, 0.8]))
    fig.suptitle(f"{path}: {bins} bins x {n} neurons; reward (lambda = {lam:g}) up to a constant, "
                 f"gauge: mean over the {len(states)} reference states = 0; "
                 f"{100 * level:g}% block-bootstrap intervals ({resamples} resamples, blocks of {block} bins)",
                 fontsize=9)

    ax = axes[0]
    order = np.argsort(-est)[: args.top][::-1]
    y = np.arange(len(order))
    # Percentile intervals need not contain the estimate (the bootstrap distribution can be shifted).
    ax.hlines(y, lo[order], hi[order], color="C0", lw=2, alpha=0.6, label=f"{100 * level:g}% interval")
    ax.plot(est[order], y, "o", color="C0", label="estimate")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_yticks(y)
    ax.set_yticklabels([f"{active(states[j], n)}  ({visits[j]:.0f})" for j in order], fontsize=8)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlabel("reward (nats per step x lambda)")
    ax.set_title("A  most rewarded patterns (active neurons, visits)", fontsize=10, loc="left")

    ax = axes[1]
    k = np.arange(n + 1)
    ok = c_states > 0
    ax.fill_between(k[ok], c_lo[ok], c_hi[ok], color="C1", alpha=0.3, label=f"{100 * level:g}% interval")
    ax.plot(k[ok], c_est[ok], "o-", color="C1", label="estimate")
    for kk in k[ok]:
        ax.annotate(f"{c_states[kk]:.0f}", (kk, c_hi[kk]), textcoords="offset points", xytext=(0, 4), ha="center",
                    fontsize=7, color="0.4")
    ax.set_xlabel("active neurons k")
    ax.set_ylabel("mean reward of the reference states with k active")
    ax.set_title("B  reward vs spike count (numbers: states)", fontsize=10, loc="left")
    ax.legend(fontsize=8)

    ax = axes[2]
    if mc is None:
        ax.text(0.5, 0.5, "model choice skipped (--folds 0)", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        best = np.max(mc["ll"])
        rel = mc["ll"] - best
        folds = mc["folds"] - mc["folds"].max(axis=0, keepdims=True)
        x = np.arange(len(mc["names"]))
        ax.bar(x, rel, color=["C2" if nm == mc["best"] else "0.6" for nm in mc["names"]])
        for i in range(len(x)):
            ax.plot(np.full(folds.shape[1], x[i]) + 0.25, folds[i], "k.", ms=4, label="folds" if i == 0 else None)
        ax.set_xticks(x)
        ax.set_xticklabels([f"{nm}\n{v:.3f}" for nm, v in zip(mc["names"], mc["ll"])])
        ax.legend(fontsize=8, loc="lower left")
        ax.set_ylabel("held-out log-likelihood per bin minus the best (nats)")
        ax.set_title(f"C  model choice: {mc['best']} by {mc['margin']:.3f} +- {mc['se']:.3f}", fontsize=10,
                     loc="left")
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    fig.savefig(args.png, dpi=120)


if __name__ == "__main__":
    main()
