#!/usr/bin/python3
"""Plot Fig 4 (panels C, D, E, F, G, H) from the HDF5 result of `nirl run jobs/fig4.ini`.

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

REQUIRED = ["/solution/stationary", "/fig4/C/tuning", "/fig4/C/count_distribution", "/fig4/D/readout_by_count",
            "/fig4/D/readout", "/fig4/D/p_sigma", "/fig4/E/lambda", "/fig4/E/information",
            "/fig4/E/independent_information", "/fig4/F/aligned_reward", "/fig4/G/aligned_reward",
            "/fig4/F/reward_by_pixels_count", "/fig4/G/reward_by_pixels_count", "/fig4/log_posterior", "/fig4/H/tuning", "/fig4/H/q",
            "/fig4/H/group", "/efficient_coding/feature"]


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
    with h5py.File(args.result, "r") as f:
        missing = [p for p in REQUIRED if p not in f]
        if missing:
            sys.stderr.write("error: %s is not a fig4 result (missing %s)\n" % (args.result, ", ".join(missing)))
            sys.exit(1)
        d = {p: f[p][()] for p in REQUIRED}
        n = int(f["/solution"].attrs["n"])
        lam = float(f["/solution"].attrs["lambda"])
        ec = dict(f["/efficient_coding"].attrs)
        F = dict(f["/fig4/F"].attrs)
        G = dict(f["/fig4/G"].attrs)
        H = dict(f["/fig4/H"].attrs)
        g_visits = f["/fig4/G/visits"][()]

    ns = 2 ** n
    S = d["/solution/stationary"].size
    nx = S // ns
    k = int(round(np.log2(nx)))
    sigma = np.arange(S) % ns
    x = np.arange(S) // ns
    count = popcount(sigma)
    pixels = popcount(x)
    y = d["/efficient_coding/feature"]

    fig, axes = plt.subplots(2, 3, figsize=(15, 9))
    cmap = plt.get_cmap("viridis")

    # C: tuning vs pixels on (one curve per neuron), and p(count | pixels on)
    ax = axes[0, 0]
    tuning_panel(ax, d["/fig4/C/tuning"], "C  tuning curves (lambda %g, %d neurons)" % (lam, n))
    inset = ax.inset_axes([0.6, 0.08, 0.38, 0.38])
    cd = d["/fig4/C/count_distribution"]
    for m in range(k + 1):
        inset.plot(np.arange(n + 1), cd[m], color=cmap(m / k), lw=1)
    inset.set_xlabel("spike count", fontsize=7)
    inset.set_ylabel("p(count | m on)", fontsize=7)
    inset.tick_params(labelsize=6)

    # D: readout p(y = +1 | sigma) vs spike count
    ax = axes[0, 1]
    ro = d["/fig4/D/readout"]
    ps = d["/fig4/D/p_sigma"]
    c_sigma = popcount(np.arange(ns))
    jitter = (np.random.default_rng(0).random(ns) - 0.5) * 0.3
    sc = ax.scatter(c_sigma + jitter, ro, c=np.log10(np.maximum(ps, 1e-12)), s=12, cmap="magma")
    ax.plot(np.arange(n + 1), d["/fig4/D/readout_by_count"], "k-", lw=2, label="p(y = +1 | count)")
    ax.axhline(np.sum(d["/solution/stationary"].reshape(nx, ns).sum(axis=1) * y), color="grey", ls=":", lw=1,
               label="prior p(y = +1)")
    fig.colorbar(sc, ax=ax, label="log10 p(sigma)")
    ax.set_xlabel("spike count")
    ax.set_ylabel("p(y = +1 | sigma)")
    ax.set_title("D  readout; I(y; sigma) = %.3f nats (independent %.3f)" % (ec["information"],
                                                                           ec["independent_information"]), fontsize=9)
    ax.legend(fontsize=7, loc="upper left")

    # E: information vs lambda
    ax = axes[0, 2]
    L = d["/fig4/E/lambda"]
    order = np.argsort(L)
    ax.plot(L[order], d["/fig4/E/information"][order], "o-", label="optimised network")
    ax.plot(L[order], d["/fig4/E/independent_information"][order], "s--", label="independent neurons, matched p(sigma_i | x)")
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
    for key, style, alpha in (("/fig4/F/reward_by_pixels_count", "-o", 1.0), ("/fig4/G/reward_by_pixels_count", ":", 0.5)):
        rbc = d[key]
        for m in range(k + 1):
            colour = "tab:red" if np.any(y[pixels[::ns] == m] > 0) and np.all(y[pixels[::ns] == m] > 0) else "tab:blue"
            ax.plot(np.arange(n + 1), rbc[m], style, ms=3, lw=1, color=colour, alpha=alpha,
                    label=("%d pixels on" % m) if key.startswith("/fig4/F") else None)
    ax.set_xlabel("spike count")
    ax.set_ylabel("inferred r(sigma, x), aligned (mean per count)")
    ax.set_title("F  inferred reward: exact statistics (solid), %.0e steps (dotted)\n"
                 "recovered threshold %d / %d (agreement %.2f / %.2f)" %
                 (G["samples"], F["threshold"], G["threshold"], F["agreement"], G["agreement"]), fontsize=9)
    ax.legend(fontsize=6, ncol=2)

    # G: inferred reward vs log p(y | sigma)
    ax = axes[1, 1]
    lp = d["/fig4/log_posterior"]
    p = d["/solution/stationary"]
    use = p > 1e-6
    seen = use & (g_visits >= 10)
    ax.scatter(lp[seen] + 0.03, d["/fig4/G/aligned_reward"][seen], s=3, alpha=0.2,
               c=np.where(y[x[seen]] > 0, "tab:red", "tab:blue"), label="from raster (states seen >= 10 times)")
    ax.scatter(lp[use] - 0.03, d["/fig4/F/aligned_reward"][use], s=3, alpha=0.3, color="black", label="exact statistics")
    lo, hi = lp[use].min(), lp[use].max()
    ax.plot([lo, hi], [lo, hi], "k-", lw=1)
    ax.set_xlabel("log p(y(x) | sigma)")
    ax.set_ylabel("inferred reward (aligned)")
    ax.set_title("G  aligned r2 (p > 1e-6): exact %.3f (weighted %.3f)\nraster %.3f (weighted %.3f)" %
                 (F["r2"], F["r2_weighted"], G["r2"], G["r2_weighted"]), fontsize=9)
    ax.legend(fontsize=7, markerscale=3)

    # H: lower pixel probability, jittered start: tuning coloured by group
    ax = axes[1, 2]
    groups = d["/fig4/H/group"]
    palette = ["tab:purple", "tab:orange", "tab:green", "tab:brown", "tab:pink", "tab:cyan", "tab:olive"]
    colours = [palette[g % len(palette)] for g in groups]
    tuning_panel(ax, d["/fig4/H/tuning"], "H  pixel_on %g, lambda %g, q jitter %g: %d cell type(s), rates %s" %
                 (H["pixel_on"], H["lambda"], H["jitter"], H["groups"],
                  ", ".join("%.2f" % np.mean(d["/fig4/H/q"][groups == g]) for g in range(int(H["groups"])))),
                 colours=colours)

    fig.tight_layout()
    fig.savefig(args.png, dpi=110)
    print("wrote %s" % args.png)


if __name__ == "__main__":
    main()
