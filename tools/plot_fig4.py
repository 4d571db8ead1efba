#!/usr/bin/python3
"""Plot Fig 4 (panels C, D, E, F, G, H) from the HDF5 result of `nirl run jobs/fig4.ini` (a coding study).

Usage:  /usr/bin/python3 tools/plot_fig4.py fig4.h5 fig4.png

Needs Debian's python3-h5py, python3-matplotlib and python3-numpy. State index
s = sigma + 2^n * x: bit i of sigma is neuron i spiking, bit j of x is pixel j on.
Information in nats.
"""

import argparse
import sys

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

try:
    import h5py
except ImportError:  # pragma: no cover - environment problem
    sys.stderr.write("error: h5py not importable; run with /usr/bin/python3 (Debian python3-h5py)\n")
    sys.exit(1)

from study_results import attr, axis_labels, config_values, dim_labels  # noqa: E402

MEASURES = ["r2", "r2_weighted", "recovered_threshold", "agreement", "aligned_reward", "visits",
            "reward_by_pixels_count", "information", "independent_information", "tuning", "count_distribution",
            "readout", "readout_by_count", "pattern_probability", "firing_probability", "cell_type", "cell_types",
            "log_posterior", "true_stationary", "feature"]


class InputError(Exception):
    pass


def point_settings(label):
    """'a = 1; b = 2' -> {'a': '1', 'b': '2'}"""
    return dict((k.strip(), v.strip()) for k, v in (item.split("=", 1) for item in label.split(";") if "=" in item))


def load(path):
    """The panels' arrays from a coding study (jobs/fig4.ini): the lambda points (only
    network.lambda set), the main point among them (the config's lambda), panel H's point
    (reward.q_jitter set), each inverted from exact statistics (F) and a raster (G)."""
    with h5py.File(path, "r") as f:
        if "study" not in f or attr(f["study"], "pipeline") != "coding":
            raise InputError("%s is not a coding study (jobs/fig4.ini)" % path)
        st = f["study"]
        missing = [m for m in MEASURES if m not in st]
        if missing:
            raise InputError("%s lacks the measures %s (see jobs/fig4.ini)" % (path, ", ".join(missing)))
        if dim_labels(st["r2"])[:2] != ["point", "study.statistics"]:
            raise InputError("%s: /study/r2 has axes %s, expected point, study.statistics, ..."
                             % (path, dim_labels(st["r2"])))
        points = [point_settings(label) for label in axis_labels(st, "point")]
        statistics = axis_labels(st, "study.statistics")
        if sorted(statistics) != ["exact", "sampled"]:
            raise InputError("%s: study.statistics must be exact, sampled" % path)
        exact, sampled = statistics.index("exact"), statistics.index("sampled")
        config = config_values(attr(f, "config", ""))
        lambdas = [i for i, p in enumerate(points) if list(p) == ["network.lambda"]]
        jittered = [i for i, p in enumerate(points) if "reward.q_jitter" in p]
        if not lambdas or not jittered:
            raise InputError("%s needs lambda points and a panel H point (reward.q_jitter)" % path)
        L = np.array([float(points[i]["network.lambda"]) for i in lambdas])
        main = lambdas[int(np.argmin(np.abs(L - float(config.get("network.lambda", "nan")))))
                       if "network.lambda" in config else len(lambdas) // 2]
        h = jittered[0]
        m = {k: st[k][()] for k in MEASURES}
        d = {"L": L, "samples": float(config["study.samples"]),
             "E_information": m["information"][lambdas, 0], "E_independent": m["independent_information"][lambdas, 0],
             "lambda": float(points[main]["network.lambda"]), "H": points[h],
             "H_defaults": (config.get("input.pixel_on"), config.get("network.lambda"))}
        for k in ("information", "independent_information", "tuning", "count_distribution", "readout",
                  "readout_by_count", "pattern_probability", "log_posterior", "true_stationary", "feature"):
            d[k] = m[k][main, 0]
        for panel, s in (("F", exact), ("G", sampled)):
            for k in ("r2", "r2_weighted", "recovered_threshold", "agreement", "aligned_reward", "visits",
                      "reward_by_pixels_count"):
                d[panel + "_" + k] = m[k][main, s, 0, 0]
        for k in ("tuning", "firing_probability", "cell_type", "cell_types"):
            d["H_" + k] = m[k][h, 0]
    return d


def popcount(a):
    a = np.asarray(a)
    return np.array([bin(int(v)).count("1") for v in a.ravel()]).reshape(a.shape)


def tuning_panel(ax, tuning, title, colours=None, neurons=None):
    """tuning[i, m, c]: p(neuron i fires | m pixels on, c others); plot vs m at the most likely c."""
    n, k1, _ = tuning.shape
    neurons = range(n) if neurons is None else neurons
    m = np.arange(k1)
    for i in neurons:
        # Average over the numbers of other active neurons that exist for every m (ignore NaN).
        curve = np.nanmean(tuning[i], axis=1)
        ax.plot(m, curve, "-o", ms=3, lw=1, color=None if colours is None else colours[i], alpha=0.8)
    ax.set_xlabel("pixels on")
    ax.set_ylabel("p(spike | pixels on)\n(mean over others' count)")
    ax.set_title(title, fontsize=9)
    ax.set_ylim(-0.02, 1.02)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("result")
    parser.add_argument("png")
    args = parser.parse_args()
    try:
        d = load(args.result)
    except (InputError, OSError, KeyError, ValueError) as e:
        sys.stderr.write("error: %s\n" % e)
        sys.exit(1)
    n = d["tuning"].shape[0]
    lam = d["lambda"]

    ns = 2 ** n
    S = d["true_stationary"].size
    nx = S // ns
    k = int(round(np.log2(nx)))
    sigma = np.arange(S) % ns
    x = np.arange(S) // ns
    count = popcount(sigma)
    pixels = popcount(x)
    y = d["feature"]

    fig, axes = plt.subplots(2, 3, figsize=(15, 9))
    cmap = plt.get_cmap("viridis")

    # C: tuning vs pixels on (one curve per neuron), and p(count | pixels on)
    ax = axes[0, 0]
    tuning_panel(ax, d["tuning"], "C  tuning curves (lambda %g, %d neurons)" % (lam, n))
    inset = ax.inset_axes([0.6, 0.08, 0.38, 0.38])
    cd = d["count_distribution"]
    for m in range(k + 1):
        inset.plot(np.arange(n + 1), cd[m], color=cmap(m / k), lw=1)
    inset.set_xlabel("spike count", fontsize=7)
    inset.set_ylabel("p(count | m on)", fontsize=7)
    inset.tick_params(labelsize=6)

    # D: readout p(y = +1 | sigma) vs spike count
    ax = axes[0, 1]
    ro = d["readout"]
    ps = d["pattern_probability"]
    c_sigma = popcount(np.arange(ns))
    jitter = (np.random.default_rng(0).random(ns) - 0.5) * 0.3
    sc = ax.scatter(c_sigma + jitter, ro, c=np.log10(np.maximum(ps, 1e-12)), s=12, cmap="magma")
    ax.plot(np.arange(n + 1), d["readout_by_count"], "k-", lw=2, label="p(y = +1 | count)")
    ax.axhline(np.sum(d["true_stationary"].reshape(nx, ns).sum(axis=1) * y), color="grey", ls=":", lw=1,
               label="prior p(y = +1)")
    fig.colorbar(sc, ax=ax, label="log10 p(sigma)")
    ax.set_xlabel("spike count")
    ax.set_ylabel("p(y = +1 | sigma)")
    ax.set_title("D  readout; I(y; sigma) = %.3f nats (independent %.3f)" % (d["information"],
                                                                           d["independent_information"]), fontsize=9)
    ax.legend(fontsize=7, loc="upper left")

    # E: information vs lambda
    ax = axes[0, 2]
    L = d["L"]
    order = np.argsort(L)
    ax.plot(L[order], d["E_information"][order], "o-", label="optimised network")
    ax.plot(L[order], d["E_independent"][order], "s--", label="independent neurons, matched p(sigma_i | x)")
    ax.axhline(np.log(2), color="grey", ls=":", lw=1, label="H(y) = log 2")
    ax.set_xscale("log")
    ax.set_xlabel("coding cost lambda")
    ax.set_ylabel("I(y; sigma)  [nats]")
    ax.set_ylim(0, None)
    ax.set_title("E  information about y vs coding cost", fontsize=9)
    ax.legend(fontsize=7)

    # F: inferred reward vs spike count, one curve per number of pixels on (exact statistics
    # solid, simulated raster dashed): blue = y = -1 inputs, red = y = +1
    ax = axes[1, 0]
    for key, style, alpha in (("F_reward_by_pixels_count", "-o", 1.0), ("G_reward_by_pixels_count", ":", 0.5)):
        rbc = d[key]
        for m in range(k + 1):
            colour = "tab:red" if np.any(y[pixels[::ns] == m] > 0) and np.all(y[pixels[::ns] == m] > 0) else "tab:blue"
            ax.plot(np.arange(n + 1), rbc[m], style, ms=3, lw=1, color=colour, alpha=alpha,
                    label=("%d pixels on" % m) if key.startswith("F_") else None)
    ax.set_xlabel("spike count")
    ax.set_ylabel("inferred r(sigma, x), aligned (mean per count)")
    ax.set_title("F  inferred reward: exact statistics (solid), %.0e steps (dotted)\n"
                 "recovered threshold %d / %d (agreement %.2f / %.2f)" %
                 (d["samples"], d["F_recovered_threshold"], d["G_recovered_threshold"], d["F_agreement"],
                  d["G_agreement"]), fontsize=9)
    ax.legend(fontsize=6, ncol=2)

    # G: inferred reward vs log p(y | sigma)
    ax = axes[1, 1]
    lp = d["log_posterior"]
    p = d["true_stationary"]
    use = p > 1e-6
    seen = use & (d["G_visits"] >= 10)
    ax.scatter(lp[seen] + 0.03, d["G_aligned_reward"][seen], s=3, alpha=0.2,
               c=np.where(y[x[seen]] > 0, "tab:red", "tab:blue"), label="from raster (states seen >= 10 times)")
    ax.scatter(lp[use] - 0.03, d["F_aligned_reward"][use], s=3, alpha=0.3, color="black", label="exact statistics")
    lo, hi = lp[use].min(), lp[use].max()
    ax.plot([lo, hi], [lo, hi], "k-", lw=1)
    ax.set_xlabel("log p(y(x) | sigma)")
    ax.set_ylabel("inferred reward (aligned)")
    ax.set_title("G  aligned r2 (p > 1e-6): exact %.3f (weighted %.3f)\nraster %.3f (weighted %.3f)" %
                 (d["F_r2"], d["F_r2_weighted"], d["G_r2"], d["G_r2_weighted"]), fontsize=9)
    ax.legend(fontsize=7, markerscale=3)

    # H: lower pixel probability, jittered start: tuning coloured by group
    ax = axes[1, 2]
    groups = d["H_cell_type"].astype(int)
    palette = ["tab:purple", "tab:orange", "tab:green", "tab:brown", "tab:pink", "tab:cyan", "tab:olive"]
    colours = [palette[g % len(palette)] for g in groups]
    H = d["H"]
    types = int(d["H_cell_types"])
    tuning_panel(ax, d["H_tuning"], "H  pixel_on %s, lambda %s, q jitter %s: %d cell type(s), rates %s" %
                 (H.get("input.pixel_on", d["H_defaults"][0]), H.get("network.lambda", d["H_defaults"][1]),
                  H["reward.q_jitter"], types,
                  ", ".join("%.2f" % np.mean(d["H_firing_probability"][groups == g]) for g in range(types))),
                 colours=colours)

    fig.tight_layout()
    fig.savefig(args.png, dpi=110)
    print("wrote %s" % args.png)


if __name__ == "__main__":
    main()
