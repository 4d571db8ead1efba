#!/usr/bin/python3
"""Summary of the report of a recording: a study with study.pipeline = recording
(jobs/report.ini, docs/studies.md), printed and drawn.

Usage: /usr/bin/python3 tools/plot_report.py REPORT.h5 REPORT.png [--top K] [--point P]

Printed: the K most rewarded reference states with their intervals, reward vs spike count
and the model choice. Drawn:
A: the K most rewarded reference states (observed >= min_visits times) with their
   bootstrap intervals, labelled by their active neurons and visit counts;
B: reward vs spike count (mean over the reference states with k active) with its band;
C: held-out log-likelihood per time bin of the tabular, pairwise and global reward
   descriptions, relative to the best, with the fold-to-fold spread.
A study over a grid (e.g. recording.lambda: 0.5, 1) has one report per grid point: --point
picks it (row-major index over the grid axes, default 0).
"""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from study_results import attr, axis_labels, config_values, dim_labels  # noqa: E402


def at_point(dataset, point, grid_dims):
    """The values of a study array at one grid point (its grid axes flattened row-major)."""
    values = dataset[()]
    if grid_dims == 0:
        return values
    return values.reshape((-1,) + values.shape[grid_dims:])[point]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report")
    ap.add_argument("png")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--point", type=int, default=0)
    args = ap.parse_args()

    with h5py.File(args.report, "r") as f:
        if "study" not in f or attr(f["study"], "pipeline") != "recording":
            raise SystemExit(f"plot_report.py: {args.report} is not a study with study.pipeline = recording")
        s = f["study"]
        grid_axes = dim_labels(s["bins"])
        grid_dims = len(grid_axes)
        config = config_values(attr(f, "config", ""))
        # The point's own value of every varied key.
        shape = s["bins"].shape
        if not 0 <= args.point < max(1, int(np.prod(shape))):
            raise SystemExit(f"plot_report.py: --point {args.point} is outside the grid of {int(np.prod(shape))} points")
        for axis, index in zip(grid_axes, np.unravel_index(args.point, shape) if grid_dims else []):
            label = axis_labels(s, axis)[index]
            if axis == "point":
                for item in label.split(";"):
                    key, _, value = item.partition("=")
                    config[key.strip()] = value.strip()
            else:
                config[axis] = label

        def get(name):
            if name not in s:
                raise SystemExit(f"plot_report.py: {args.report} lacks the measure {name} (study.measures)")
            return at_point(s[name], args.point, grid_dims)

        n = len(axis_labels(s, "active")) - 1
        bins = int(get("bins"))
        names = axis_labels(s, "state")
        reward = get("reward")[0]  # [bootstrap, state], one trial
        est = reward[0]
        resamples = reward.shape[0] - 1
        ci = get("reward_interval")
        lo, hi = ci[:, 0], ci[:, 1]
        visits = get("state_visits")
        c_est = get("reward_by_count")[0][0]
        c_ci = get("reward_by_count_interval")
        c_lo, c_hi = c_ci[:, 0], c_ci[:, 1]
        c_states = get("states_by_count")
        c_bins = get("bins_by_count")
        block = int(get("block_length"))
        tau = float(get("autocorrelation_time"))
        level = float(config.get("recording.level", "0.95"))
        lam = float(config.get("recording.lambda", "1"))
        path = config.get("recording.path", "?")
        mc = None
        if "held_out_log_likelihood" in s:
            mc = dict(names=axis_labels(s, "family"), ll=get("held_out_log_likelihood"),
                      folds=get("fold_log_likelihood"), best=int(get("best_family")),
                      margin=float(get("margin")), se=float(get("margin_se")))

    order = np.argsort(-est)[: args.top]
    print(f"{path}: {bins} bins of {n} neurons; {len(names)} reference states; {resamples} resamples, "
          f"blocks of {block} bins (autocorrelation time {tau:.2f} bins)")
    print(f"most rewarded states (reward - mean over reference states, lambda = {lam:g}, "
          f"{100 * level:g}% percentile bootstrap):")
    for j in order:
        print(f"  active {names[j]:<22} visits {visits[j]:<6.0f} reward {est[j]:7.3f}  [{lo[j]:7.3f}, {hi[j]:7.3f}]")
    print("reward vs spike count (mean over the reference states with k active):")
    for k in range(n + 1):
        if c_states[k] > 0:
            print(f"  {k:2d} active  states {c_states[k]:<4.0f} bins {c_bins[k]:<6.0f} reward {c_est[k]:7.3f}  "
                  f"[{c_lo[k]:7.3f}, {c_hi[k]:7.3f}]")
    if mc is not None:
        print("model choice (held-out log-likelihood per bin, nats):")
        for nm, v in zip(mc["names"], mc["ll"]):
            print(f"  {nm:<9} {v:9.4f}")
        print(f"  best: {mc['names'][mc['best']]} by {mc['margin']:.4f} +- {mc['se']:.4f} nats per bin over the runner-up")

    fig, axes = plt.subplots(1, 3, figsize=(16, 5.6), gridspec_kw=dict(width_ratios=[1.5, 1, 0.8]))
    fig.suptitle(f"{path}: {bins} bins x {n} neurons; reward (lambda = {lam:g}) up to a constant, "
                 f"gauge: mean over the {len(names)} reference states = 0; "
                 f"{100 * level:g}% block-bootstrap intervals ({resamples} resamples, blocks of {block} bins)",
                 fontsize=9)

    ax = axes[0]
    order = order[::-1]
    y = np.arange(len(order))
    # Percentile intervals need not contain the estimate (the bootstrap distribution can be shifted).
    ax.hlines(y, lo[order], hi[order], color="C0", lw=2, alpha=0.6, label=f"{100 * level:g}% interval")
    ax.plot(est[order], y, "o", color="C0", label="estimate")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_yticks(y)
    ax.set_yticklabels([f"{{{names[j]}}}  ({visits[j]:.0f})" for j in order], fontsize=8)
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
        ax.text(0.5, 0.5, "no model choice recorded", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        rel = mc["ll"] - np.max(mc["ll"])
        folds = mc["folds"] - mc["folds"].max(axis=0, keepdims=True)
        x = np.arange(len(mc["names"]))
        ax.bar(x, rel, color=["C2" if i == mc["best"] else "0.6" for i in x])
        for i in range(len(x)):
            ax.plot(np.full(folds.shape[1], x[i]) + 0.25, folds[i], "k.", ms=4, label="folds" if i == 0 else None)
        ax.set_xticks(x)
        ax.set_xticklabels([f"{nm}\n{v:.3f}" for nm, v in zip(mc["names"], mc["ll"])])
        ax.legend(fontsize=8, loc="lower left")
        ax.set_ylabel("held-out log-likelihood per bin minus the best (nats)")
        ax.set_title(f"C  model choice: {mc['names'][mc['best']]} by {mc['margin']:.3f} +- {mc['se']:.3f}",
                     fontsize=10, loc="left")
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    fig.savefig(args.png, dpi=120)
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
