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
from matplotlib.lines import Line2D  # noqa: E402

try:
    import h5py
except ImportError:  # pragma: no cover - environment problem
    sys.stderr.write("error: h5py not importable; run with /usr/bin/python3 (Debian python3-h5py)\n")
    sys.exit(1)

from study_results import attr, axis_labels, config_values, dim_labels  # noqa: E402

MEASURES = ["r2", "r2_weighted", "recovered_threshold", "agreement", "aligned_reward", "visits",
            "reward_by_pixels_count", "information", "independent_information", "tuning", "count_distribution",
            "readout", "readout_by_count", "pattern_probability", "log_posterior", "true_stationary", "feature",
            "kl_predicted", "kl_baseline", "predicted_firing_probability", "predicted_tuning", "predicted_cell_type",
            "predicted_cell_types", "adapted_cell_types"]


MIN_VISITS = 1000  # panel G draws the (pixels on, spike count) cells seen at least this often


class InputError(Exception):
    pass


def point_settings(label):
    """'a = 1; b = 2' -> {'a': '1', 'b': '2'}"""
    return dict((k.strip(), v.strip()) for k, v in (item.split("=", 1) for item in label.split(";") if "=" in item))


def load(path):
    """The panels' arrays from a coding study (jobs/fig4.ini): the lambda points inverted
    from exact statistics (panel E), the point inverted from a simulated raster (C, D, F, G
    and H at its lambda) and the exact point of that lambda, and the prediction of a changed
    pixel probability (H)."""
    with h5py.File(path, "r") as f:
        if "study" not in f or attr(f["study"], "pipeline") != "coding":
            raise InputError("%s is not a coding study (jobs/fig4.ini)" % path)
        st = f["study"]
        missing = [m for m in MEASURES if m not in st]
        if missing:
            raise InputError("%s lacks the measures %s (see jobs/fig4.ini)" % (path, ", ".join(missing)))
        if dim_labels(st["r2"])[0] != "point":
            raise InputError("%s: /study/r2 has axes %s, expected point, ..." % (path, dim_labels(st["r2"])))
        points = [point_settings(label) for label in axis_labels(st, "point")]
        exact = [i for i, p in enumerate(points) if "network.lambda" in p and p.get("study.statistics") == "exact"]
        sampled = [i for i, p in enumerate(points) if "network.lambda" in p and p.get("study.statistics") == "sampled"]
        if not exact or len(sampled) != 1:
            raise InputError("%s needs points 'network.lambda = L; study.statistics = exact' and one with "
                             "study.statistics = sampled (see jobs/fig4.ini)" % path)
        main = sampled[0]
        lam = float(points[main]["network.lambda"])
        L = np.array([float(points[i]["network.lambda"]) for i in exact])
        same = [i for i, l in zip(exact, L) if l == lam and points[i].get("study.predict", "1") == "1"]
        if not same:
            raise InputError("%s has no exact point that predicts at the sampled point's lambda %g" % (path, lam))
        perturbations = axis_labels(st, "perturbation")
        if len(perturbations) != 1 or "pixel_on" not in perturbations[0]:
            raise InputError("%s: panel H needs one perturbation pixel_on=P (study.perturbations)" % path)
        config = config_values(attr(f, "config", ""))
        m = {k: st[k][()] for k in MEASURES}
        d = {"L": L, "samples": float(config["study.samples"]), "lambda": lam,
             "E_information": m["information"][exact], "E_independent": m["independent_information"][exact],
             "pixel_on": config.get("input.pixel_on"), "H_change": perturbations[0]}
        for k in ("information", "independent_information", "tuning", "count_distribution", "readout",
                  "readout_by_count", "pattern_probability", "log_posterior", "true_stationary", "feature",
                  "kl_baseline", "adapted_cell_types"):
            d[k] = m[k][main]
        for tag, i in (("exact", same[0]), ("sampled", main)):
            for k in ("r2", "r2_weighted", "recovered_threshold", "agreement", "aligned_reward", "visits",
                      "reward_by_pixels_count", "kl_predicted", "predicted_firing_probability", "predicted_tuning",
                      "predicted_cell_type", "predicted_cell_types"):
                d[tag + "_" + k] = m[k][i, 0, 0]
    return d


def popcount(a):
    a = np.asarray(a)
    return np.array([bin(int(v)).count("1") for v in a.ravel()]).reshape(a.shape)


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
    y_of_m = np.array([int(np.all(y[popcount(np.arange(nx)) == mm] > 0)) for mm in range(k + 1)])
    YC = {0: "tab:blue", 1: "tab:red"}

    fig, axes = plt.subplots(2, 4, figsize=(20, 9.5))
    cmap = plt.get_cmap("viridis")

    # C: p(sigma_i = 1 | m pixels on, c others active) against m, one curve per c
    ax = axes[0, 0]
    tuning = d["tuning"]
    spread = np.nanmax(np.nanmax(tuning, axis=0) - np.nanmin(tuning, axis=0))
    for c in range(n):
        ax.plot(np.arange(k + 1), tuning[0, :, c], "-o", ms=3, color=cmap(c / (n - 1)), label="%d others active" % c)
    ax.set_xlabel("pixels on")
    ax.set_ylabel("p(spike | pixels on, others active)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("C  tuning curves, lambda %g\n(all %d neurons identical to %.0e)" % (lam, n, spread), fontsize=9)
    ax.legend(fontsize=6, ncol=2, loc="upper left")

    ax = axes[0, 1]
    cd = d["count_distribution"]
    for mm in range(k + 1):
        ax.plot(np.arange(n + 1), cd[mm], "-o", ms=3, color=cmap(mm / k), label="%d pixels on" % mm)
    ax.set_xlabel("spike count")
    ax.set_ylabel("p(spike count | pixels on)")
    ax.set_title("C (right)  spike count given the number of pixels on", fontsize=9)
    ax.legend(fontsize=6, ncol=2)

    # D: readout p(y = +1 | sigma) vs spike count
    ax = axes[0, 2]
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

    # E: information vs lambda; the coding cost of the other panels circled in red
    ax = axes[0, 3]
    L = d["L"]
    order = np.argsort(L)
    ax.plot(L[order], d["E_information"][order], "o-", label="optimised network")
    ax.plot(L[order], d["E_independent"][order], "s--", label="independent neurons, matched p(sigma_i | x)")
    ax.plot([lam], [d["information"]], "o", ms=14, mfc="none", mec="red", mew=2,
            label="lambda %g (panels C, D, F-H)" % lam)
    ax.set_xscale("log")
    ax.set_xlabel("coding cost lambda")
    ax.set_ylabel("I(y; sigma)  [nats]")
    ax.set_ylim(0, None)
    ax.set_title("E  information about y vs coding cost", fontsize=9)
    ax.legend(fontsize=7)

    # F: the observed responses, p(spike count | m pixels on) counted from the raster
    ax = axes[1, 0]
    visits = d["sampled_visits"]
    observed = np.zeros((k + 1, n + 1))
    np.add.at(observed, (pixels, count), visits)
    observed /= np.maximum(observed.sum(axis=1, keepdims=True), 1)
    for mm in range(k + 1):
        ax.plot(np.arange(n + 1), observed[mm], "-", lw=1.5, color=YC[y_of_m[mm]], alpha=0.4 + 0.6 * mm / k)
    ax.set_xlabel("spike count")
    ax.set_ylabel("observed fraction of steps")
    ax.set_title("F  observed responses: %.0e steps, spike count per number of pixels on\n"
                 "(blue: y = -1 inputs, red: y = +1; darker: more pixels)" % d["samples"], fontsize=9)

    # G: the inferred reward against spike count, one line per number of pixels on (solid),
    # beside log p(y | sigma) (empty circles), both as visit-weighted means per count
    ax = axes[1, 1]
    rbc = d["sampled_reward_by_pixels_count"]
    truth = np.full((k + 1, n + 1), np.nan)
    weights = np.zeros((k + 1, n + 1))
    sums = np.zeros((k + 1, n + 1))
    np.add.at(sums, (pixels, count), visits * d["log_posterior"])
    np.add.at(weights, (pixels, count), visits)
    truth[weights > 0] = sums[weights > 0] / weights[weights > 0]
    few = weights < MIN_VISITS
    for mm in range(k + 1):
        colour = YC[y_of_m[mm]]
        ax.plot(np.arange(n + 1), np.where(few[mm], np.nan, rbc[mm]), "-", lw=1.5, color=colour)
        ax.plot(np.arange(n + 1), np.where(few[mm], np.nan, truth[mm]), "o", ms=5, mfc="none", mec=colour)
    ax.set_xlabel("spike count")
    ax.set_ylabel("r(sigma, x), aligned (mean per count)")
    ax.set_title("G  inferred reward (lines) and log p(y | sigma) (circles), %.0e steps, (pixels, count)\n"
                 "seen >= %d times; recovered threshold: more than %d pixels on (agreement %.2f)" %
                 (d["samples"], MIN_VISITS, d["sampled_recovered_threshold"], d["sampled_agreement"]), fontsize=9)
    ax.legend(handles=[Line2D([], [], color=YC[0], label="y = -1 inputs"),
                       Line2D([], [], color=YC[1], label="y = +1 inputs"),
                       Line2D([], [], ls="none", marker="o", mfc="none", mec="k", label="log p(y | sigma)")],
              fontsize=7, loc="lower center")

    # G (right): proportionality, state by state
    ax = axes[1, 2]
    lp = d["log_posterior"]
    p = d["true_stationary"]
    use = p > 1e-6
    seen = use & (visits >= 10)
    ax.scatter(lp[seen], d["sampled_aligned_reward"][seen], s=3, alpha=0.25,
               c=np.where(y[x[seen]] > 0, YC[1], YC[0]))
    lo, hi = lp[use].min(), lp[use].max()
    ax.plot([lo, hi], [lo, hi], "k-", lw=1)
    ax.set_xlabel("log p(y(x) | sigma)")
    ax.set_ylabel("inferred reward, aligned")
    ax.set_title("G (right)  states with p > 1e-6 seen >= 10 times; aligned r2 (p > 1e-6):\n"
                 "%.0e steps %.3f (weighted %.3f); exact statistics %.3f (%.3f)" %
                 (d["samples"], d["sampled_r2"], d["sampled_r2_weighted"], d["exact_r2"], d["exact_r2_weighted"]),
                 fontsize=9)

    # H: the prediction at a lower pixel probability from the inferred objective
    ax = axes[1, 3]
    groups = d["sampled_predicted_cell_type"][0].astype(int)
    types = int(d["sampled_predicted_cell_types"][0])
    rates = d["sampled_predicted_firing_probability"][0]
    palette = ["tab:purple", "tab:orange", "tab:green", "tab:brown", "tab:pink", "tab:cyan", "tab:olive"]
    curves = d["sampled_predicted_tuning"][0]
    for g in range(types):
        members = np.flatnonzero(groups == g)
        curve = np.nanmean(curves[members[0]], axis=1)
        ax.plot(np.arange(k + 1), curve, "-o", ms=4, color=palette[g % len(palette)],
                label="type %d: %d neuron(s), rate %.3f" % (g + 1, members.size, np.mean(rates[members])))
    ax.set_xlabel("pixels on")
    ax.set_ylabel("p(spike | pixels on)\n(mean over others' count)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("H  predicted from the inferred objective at %s (was %s):\n%d cell type(s) (true adaptation %d);\n"
                 "KL(true adapted || predicted) %.2g, no adaptation %.2g" %
                 (d["H_change"], d["pixel_on"], types, int(d["adapted_cell_types"][0]), d["sampled_kl_predicted"][0],
                  d["kl_baseline"][0]), fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    inset = ax.inset_axes([0.62, 0.1, 0.35, 0.3])
    inset.bar(np.arange(n), rates, color=[palette[g % len(palette)] for g in groups])
    inset.set_xlabel("neuron", fontsize=7)
    inset.set_ylabel("firing rate", fontsize=7)
    inset.set_ylim(0, 1)
    inset.tick_params(labelsize=6)

    fig.tight_layout()
    fig.savefig(args.png, dpi=110)
    print("wrote %s" % args.png)


if __name__ == "__main__":
    main()
