#!/usr/bin/python3
"""Plot Fig 2 (panels C-F) from the HDF5 result of `nirl run jobs/fig2.ini` (a study).

Usage:  /usr/bin/python3 tools/plot_fig2.py fig2.h5 fig2.png

Needs Debian's python3-h5py, python3-matplotlib and python3-numpy (hence the
/usr/bin/python3 shebang). State index s = sigma + 2^n * x: bit i of sigma is
neuron i spiking, x index 0 is x = -1 and 1 is x = +1.
"""

import argparse
import os
import sys
import warnings

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.gridspec import GridSpec, GridSpecFromSubplotSpec  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

try:
    import h5py
except ImportError:  # pragma: no cover - environment problem
    sys.stderr.write("error: h5py not importable; run with /usr/bin/python3 "
                     "(Debian python3-h5py)\n")
    sys.exit(1)

from study_results import attr, axis_labels, config_values  # noqa: E402

X_COLOURS = ["tab:blue", "tab:red"]  # x = -1, x = +1
DEAD_EPS = 1e-12
P_THRESHOLD = 1e-6

MEASURES = ["tuning", "count_distribution", "raster", "raster_input", "true_mean_reward", "adapted_tuning",
            "adapted_count_distribution", "adapted_raster", "adapted_raster_input", "adapted_mean_reward",
            "true_reward", "aligned_reward", "true_stationary", "predicted_tuning", "kl_predicted",
            "kl_baseline", "r2", "r2_weighted", "scale"]


class InputError(Exception):
    pass


def fail(msg):
    sys.stderr.write("error: %s\n" % msg)
    sys.exit(1)


def x_label(ix, nx):
    """Human label of input index ix (binary input: -1 / +1)."""
    if nx == 2:
        return "x = %s" % ("-1" if ix == 0 else "+1")
    return "x index %d" % ix


def x_colour(ix, nx):
    if nx == 2:
        return X_COLOURS[ix]
    return plt.get_cmap("coolwarm")(ix / max(nx - 1, 1))


def nanmean(a, axis):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        return np.nanmean(a, axis=axis)


def load(path):
    """The panels of a one-point synthetic study (jobs/fig2.ini): D's second coding cost
    is the perturbation lambda=X, F's the input change and the cell death."""
    if not os.path.isfile(path):
        raise InputError("no such file: %s" % path)
    try:
        f = h5py.File(path, "r")
    except (OSError, IOError) as e:
        raise InputError("cannot open %s as HDF5 (%s)" % (path, e))
    with f:
        if "study" not in f:
            raise InputError("%s is not a study result (was it written by `nirl run jobs/fig2.ini`?)" % path)
        st = f["study"]
        missing = [m for m in MEASURES if m not in st]
        if missing:
            raise InputError("%s lacks the measures %s (see jobs/fig2.ini)" % (path, ", ".join(missing)))
        if st["tuning"].ndim != 3:
            raise InputError("%s: a study of one grid point is expected (/study/tuning has %d axes)"
                             % (path, st["tuning"].ndim))
        m = {k: np.asarray(st[k][()], dtype=float) for k in MEASURES}
        specs = axis_labels(st, "perturbation")
        config = config_values(attr(f, "config", ""))

        def which(prefix, what):
            found = [i for i, spec in enumerate(specs) if spec.replace(" ", "").startswith(prefix)]
            if not found:
                raise InputError("%s: no %s among the perturbations %s" % (path, what, specs))
            return found[0]

        higher = which("lambda=", "coding-cost change (lambda=X)")
        n = m["tuning"].shape[0]
        nx = m["tuning"].shape[1]
        d = {"n": n, "nx": nx, "lambda": float(config.get("network.lambda", "nan"))}
        d["C"] = m["tuning"]
        d["D"] = [{"spikes": m["raster"].astype(np.uint8), "input": m["raster_input"].astype(int),
                   "counts": m["count_distribution"], "lambda": d["lambda"],
                   "mean_reward": float(m["true_mean_reward"])},
                  {"spikes": m["adapted_raster"][higher].astype(np.uint8),
                   "input": m["adapted_raster_input"][higher].astype(int),
                   "counts": m["adapted_count_distribution"][higher],
                   "lambda": float(specs[higher].split("=", 1)[1]),
                   "mean_reward": float(m["adapted_mean_reward"][higher])}]
        d["E"] = {"true_reward": m["true_reward"], "aligned_inferred_reward": m["aligned_reward"][0, 0],
                  "stationary": m["true_stationary"]}
        d["E"]["attrs"] = {"r2": float(m["r2"][0, 0]), "r2_weighted": float(m["r2_weighted"][0, 0]),
                           "scale": float(m["scale"][0, 0]), "samples": float(config["study.samples"]),
                           "r2_threshold": float(config.get("study.threshold", P_THRESHOLD))}
        d["KL"] = [(spec, float(m["kl_predicted"][0, 0, k]), float(m["kl_baseline"][k]))
                   for k, spec in enumerate(specs)]
        d["F"] = {}
        for name, prefix, what in (("input_change", "switch_", "input change (switch_up / switch_down)"),
                                   ("cell_death", "dead=", "cell death (dead=i)")):
            k = which(prefix, what)
            d["F"][name] = {"original_tuning": m["tuning"], "true_tuning": m["adapted_tuning"][k],
                            "predicted_tuning": m["predicted_tuning"][0, 0, k], "perturbation": specs[k],
                            "kl_predicted": float(m["kl_predicted"][0, 0, k]),
                            "kl_baseline": float(m["kl_baseline"][k])}
    return d


def rewarded_counts(d):
    """Spike counts with positive true reward, per input index (from panel E)."""
    n, nx = d["n"], d["nx"]
    r = d["E"]["true_reward"].reshape(nx, 2 ** n)
    cnt = np.array([bin(s).count("1") for s in range(2 ** n)])
    out = []
    for ix in range(nx):
        c = np.unique(cnt[r[ix] > 0.5 * np.nanmax(r)]) if np.nanmax(r) > 0 else []
        out.append(list(c))
    return out


def fmt(v, spec="%.3g"):
    return "n/a" if v is None else spec % v


# ----------------------------------------------------------------------------
# panels
# ----------------------------------------------------------------------------

def panel_C(ax, d):
    tun = d["C"]
    n, nx = d["n"], d["nx"]
    k = np.arange(n)
    mean = nanmean(tun, axis=0)                     # [nx, n]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        spread = np.nanmax(np.abs(tun - mean[None]))
    per_neuron = np.isfinite(spread) and spread > 1e-3
    for ix in range(nx):
        c = x_colour(ix, nx)
        if per_neuron:
            for i in range(n):
                ax.plot(k, tun[i, ix], color=c, lw=0.6, alpha=0.35)
        ax.plot(k, mean[ix], "o-", color=c, lw=2, ms=5, label=x_label(ix, nx))
    ax.set_xlabel("k (other neurons active)")
    ax.set_ylabel(r"p($\sigma_i$ = 1 | x, k)")
    ax.set_xticks(k)
    ax.set_ylim(-0.03, 1.1)
    ax.set_xlim(-0.3, n - 0.7)
    note = ("mean over %d neurons (thin: each neuron)" % n if per_neuron
            else "all %d neurons identical" % n)
    ax.set_title("C  tuning curves\n" + note, fontsize=10, loc="left")
    ax.legend(loc="center left", fontsize=8, frameon=True, framealpha=0.9,
              bbox_to_anchor=(0.0, 0.5))


def panel_D(fig, spec, rec, d, steps, letter, want):
    n, nx = d["n"], d["nx"]
    T = min(steps, rec["spikes"].shape[0])
    spikes = rec["spikes"][:T].astype(float)
    xin = rec["input"][:T]
    count = spikes.sum(axis=1)
    t = np.arange(T)

    outer = GridSpecFromSubplotSpec(1, 2, subplot_spec=spec, width_ratios=[3.2, 1],
                                    wspace=0.28)
    left = GridSpecFromSubplotSpec(3, 1, subplot_spec=outer[0],
                                   height_ratios=[0.45, 2.0, 1.1], hspace=0.08)
    ax_in = fig.add_subplot(left[0])
    ax_r = fig.add_subplot(left[1], sharex=ax_in)
    ax_c = fig.add_subplot(left[2], sharex=ax_in)
    ax_h = fig.add_subplot(outer[1])

    # input x above the raster
    xval = (2 * xin - 1) if nx == 2 else xin
    for ix in range(nx):
        ax_in.fill_between(t, 0, 1, where=(xin == ix), step="post",
                           color=x_colour(ix, nx), alpha=0.35, lw=0,
                           transform=ax_in.get_xaxis_transform())
    ax_in.step(t, xval, where="post", color="k", lw=0.8)
    if nx == 2:
        ax_in.set_yticks([-1, 1])
        ax_in.set_ylim(-1.6, 1.6)
    ax_in.set_ylabel("x", rotation=0, labelpad=8, va="center")
    ax_in.tick_params(labelbottom=False, labelsize=8)
    lam = rec["lambda"]
    ax_in.set_title("D%s  simulated network, $\\lambda$ = %s  (mean reward %s)"
                    % (letter, fmt(lam, "%g"), fmt(rec["mean_reward"], "%.3f")),
                    fontsize=10, loc="left")

    # raster
    ax_r.imshow(spikes.T, aspect="auto", cmap="Greys", vmin=0, vmax=1,
                interpolation="nearest", origin="lower",
                extent=(-0.5, T - 0.5, -0.5, n - 0.5))
    ax_r.set_ylabel("neuron")
    ax_r.set_yticks(range(n))
    ax_r.tick_params(labelbottom=False, labelsize=7)

    # total spike count
    for ix in range(nx):
        ax_c.fill_between(t, 0, 1, where=(xin == ix), step="post",
                          color=x_colour(ix, nx), alpha=0.15, lw=0,
                          transform=ax_c.get_xaxis_transform())
    ax_c.step(t, count, where="post", color="k", lw=0.6)
    for ix, cs in enumerate(want):
        for c in cs:
            ax_c.axhline(c, color=x_colour(ix, nx), ls="--", lw=0.8)
    ax_c.set_ylim(-0.5, n + 0.5)
    ax_c.set_yticks(range(0, n + 1, 2))
    ax_c.set_ylabel("spike\ncount", fontsize=9)
    ax_c.set_xlabel("time step")
    ax_c.set_xlim(-0.5, T - 0.5)
    ax_c.tick_params(labelsize=8)

    # count distribution
    cd = rec["counts"]
    c = np.arange(n + 1)
    w = 0.8 / nx
    for ix in range(nx):
        ax_h.bar(c + (ix - (nx - 1) / 2) * w, cd[ix], width=w,
                 color=x_colour(ix, nx), label=x_label(ix, nx))
    ax_h.set_xticks(c)
    ax_h.tick_params(labelsize=8)
    ax_h.set_xlabel("spike count")
    ax_h.set_ylabel("P(count | x)", fontsize=9)
    ax_h.set_ylim(0, max(1.0, np.nanmax(cd) * 1.05) if np.isfinite(np.nanmax(cd)) else 1)
    peaks = [int(np.nanargmax(cd[ix])) for ix in range(nx)]
    peak_txt = ", ".join("%d (%.2f)" % (p, cd[ix, p]) for ix, p in enumerate(peaks))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        norm = np.nansum(cd, axis=1, keepdims=True)
        pc = cd / norm
        mu = np.nansum(pc * c, axis=1, keepdims=True)
        sd = np.sqrt(np.nansum(pc * (c - mu) ** 2, axis=1))
    sd_txt = ", ".join("%.2f" % v for v in sd)
    ax_h.set_title("peaks: %s\ns.d. of count: %s" % (peak_txt, sd_txt), fontsize=8)
    ax_h.legend(fontsize=7, loc="upper center", frameon=False)


def panel_E(ax, d):
    E = d["E"]
    n, nx = d["n"], d["nx"]
    a = E["attrs"]
    thr = a["r2_threshold"] if a["r2_threshold"] is not None else P_THRESHOLD
    p = E["stationary"]
    tr = E["true_reward"]
    inf = E["aligned_inferred_reward"]
    keep = (p > thr) & np.isfinite(inf) & np.isfinite(tr)
    xidx = np.arange(p.size) // (2 ** n)
    rng = np.random.default_rng(0)
    jitter = rng.uniform(-0.08, 0.08, p.size)
    lp = np.log10(np.clip(p, 1e-300, None))
    lo, hi = np.log10(thr), (np.nanmax(lp[keep]) if keep.any() else 0.0)
    size = 4 + 60 * np.clip((lp - lo) / max(hi - lo, 1e-9), 0, 1)
    offs = np.linspace(-0.12, 0.12, nx) if nx > 1 else [0.0]
    for ix in range(nx):
        m = keep & (xidx == ix)
        ax.scatter(tr[m] + offs[ix] + jitter[m], inf[m], s=size[m],
                   color=x_colour(ix, nx), alpha=0.45, lw=0,
                   label="%s (%d states)" % (x_label(ix, nx), m.sum()))
    lims = [min(-0.2, np.nanmin(inf[keep]) - 0.05) if keep.any() else -0.2,
            max(1.2, np.nanmax(inf[keep]) + 0.05) if keep.any() else 1.2]
    ax.plot([-0.3, 1.3], [-0.3, 1.3], color="0.5", lw=0.8, ls=":", zorder=0)
    ax.set_xlim(-0.45, 1.45)
    ax.set_ylim(lims[0], lims[1] + 0.45 * (lims[1] - lims[0]))
    ax.set_xticks([0, 1])
    ax.set_xlabel("true reward (jittered)")
    ax.set_ylabel("inferred reward (aligned)")
    ax.set_title("E  inverse RL from observed dynamics", fontsize=10, loc="left")
    txt = ("$r^2$ = %s   weighted $r^2$ = %s\n%s samples, scale %s\n"
           "states with p > %g; size ~ log p"
           % (fmt(a["r2"], "%.3f"), fmt(a["r2_weighted"], "%.4f"),
              "n/a" if a["samples"] is None else "{:,}".format(int(a["samples"])),
              fmt(a["scale"], "%.3f"), thr))
    ax.text(0.02, 0.98, txt, transform=ax.transAxes, va="top", ha="left",
            fontsize=8)
    ax.legend(loc="lower right", fontsize=7, markerscale=1.0, frameon=False)


def living_neurons(tun):
    """Neurons whose tuning is not all <= DEAD_EPS / NaN (dead cells excluded)."""
    t = np.where(np.isfinite(tun), tun, 0.0)
    return np.any(t > DEAD_EPS, axis=(1, 2))


def panel_F(ax, e, d, title):
    n, nx = d["n"], d["nx"]
    alive = living_neurons(e["true_tuning"]) & living_neurons(e["predicted_tuning"])
    dead = np.where(~alive)[0]
    k = np.arange(n)
    orig = nanmean(e["original_tuning"][alive], axis=0)
    true = nanmean(e["true_tuning"][alive], axis=0)
    pred = nanmean(e["predicted_tuning"][alive], axis=0)
    for ix in range(nx):
        c = x_colour(ix, nx)
        ax.plot(k, orig[ix], color="0.55", lw=1.0, marker=".", ms=4)
        ax.plot(k, true[ix], color=c, lw=2.6, alpha=0.85)
        ax.plot(k, pred[ix], color="k", lw=1.2, ls="--")
    ax.set_xticks(k)
    ax.set_xlim(-0.3, n - 0.7)
    ax.set_ylim(-0.03, 1.42)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_ylabel(r"p($\sigma_i$ = 1 | x, k)", fontsize=9)
    ax.tick_params(labelsize=8)
    sub = "%s (%s)" % (title, e["perturbation"])
    sub += ("\nKL(true || predicted) = %s\nKL(true || no adaptation) = %s"
            % (fmt(e["kl_predicted"], "%.2g"), fmt(e["kl_baseline"], "%.2g")))
    if dead.size:
        sub += "\nmean over %d living neurons (dead: %s)" % (
            alive.sum(), ",".join(str(i) for i in dead))
    ax.set_title(sub, fontsize=9, loc="left")
    return alive.sum()


def plot(d, out, steps):
    fig = plt.figure(figsize=(14, 9), dpi=120)
    gs = GridSpec(2, 3, figure=fig, width_ratios=[1.0, 2.35, 1.05],
                  left=0.05, right=0.985, top=0.90, bottom=0.06,
                  wspace=0.28, hspace=0.38)
    lam = d["lambda"]
    fig.suptitle("Fig 2  inverse RL for a recurrent network: n = %d neurons, binary "
                 "input x, $\\lambda$ = %s" % (d["n"], fmt(lam, "%g")), fontsize=13, y=0.985)

    panel_C(fig.add_subplot(gs[0, 0]), d)
    panel_E(fig.add_subplot(gs[1, 0]), d)

    want = rewarded_counts(d)
    order = sorted(range(2), key=lambda i: -(d["D"][i]["lambda"] or 0))
    for row, i in enumerate(order):
        panel_D(fig, gs[row, 1], d["D"][i], d, steps, "abc"[row], want)

    axF1 = fig.add_subplot(gs[0, 2])
    axF2 = fig.add_subplot(gs[1, 2], sharex=axF1)
    panel_F(axF1, d["F"]["input_change"], d, "F  input change")
    panel_F(axF2, d["F"]["cell_death"], d, "F  cell death")
    axF2.set_xlabel("k (other neurons active)")
    handles = [Line2D([], [], color="0.55", lw=1.0, marker=".", label="original"),
               Line2D([], [], color="0.2", lw=2.6, alpha=0.85, label="true adapted"),
               Line2D([], [], color="k", lw=1.2, ls="--", label="predicted")]
    handles += [Patch(color=x_colour(ix, d["nx"]), label=x_label(ix, d["nx"]))
                for ix in range(d["nx"])]
    for ax in (axF1, axF2):
        ax.legend(handles=handles, loc="upper center", fontsize=7, ncol=2,
                  frameon=False, handlelength=1.8, columnspacing=0.8)

    fig.savefig(out, dpi=120)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Plot Fig 2 (panels C-F) from the HDF5 file written by "
                    "`nirl run jobs/fig2.ini --out fig2.h5`.")
    ap.add_argument("input", help="HDF5 result (fig2.h5)")
    ap.add_argument("output", help="PNG to write (fig2.png)")
    ap.add_argument("--steps", type=int, default=1000,
                    help="time steps of the raster to show (default 1000)")
    args = ap.parse_args(argv)
    if args.steps < 1:
        fail("--steps must be positive")
    try:
        d = load(args.input)
    except InputError as e:
        fail(str(e))
    try:
        plot(d, args.output, args.steps)
    except (OSError, IOError) as e:
        fail("cannot write %s (%s)" % (args.output, e))
    a = d["E"]["attrs"]
    print("aligned r2 %.3f (probability-weighted %.3f, scale %.3f) from %d steps"
          % (a["r2"], a["r2_weighted"], a["scale"], a["samples"]))
    for spec, kl, base in d["KL"]:
        print("%s: KL(true || predicted) %.2g vs no-adaptation %.2g" % (spec, kl, base))
    print("wrote %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
