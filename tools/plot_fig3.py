#!/usr/bin/python3
"""Plot Fig 3 (panels A-D) from the HDF5 result of `nirl run jobs/fig3.ini`.

Usage:  /usr/bin/python3 tools/plot_fig3.py fig3.h5 fig3.png [--summary]

Needs Debian's python3-h5py, python3-matplotlib and python3-numpy (hence the
/usr/bin/python3 shebang).

  A  aligned r2 (and probability-weighted r2) of the inferred reward vs the
     number of observed samples: mean +- s.e.m. over trials.
  B  distribution of the aligned inferred rewards per sample size, for states
     whose true reward is 0 and 1 (states with true p > threshold only).
  C  KL(true adapted || predicted) vs samples for perturbation 0 (input
     statistics): mean +- s.e.m. over trials, with the no-adaptation baseline
     KL(true adapted || unperturbed) dashed.
  D  the same for perturbation 1 (cell removal).

All panels use bootstrap index 0 (the fit to the full raster). KL values may be
+inf (the prediction puts zero probability where the truth has mass); they are
counted (a size with one has an infinite mean, marked at the top) and the number
of infinite trials is written above each sample size.
"""

import argparse
import os
import sys
import warnings

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.gridspec import GridSpec  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import LogLocator, NullFormatter  # noqa: E402

from study_results import attr, axis_labels, config_values  # noqa: E402

try:
    import h5py
except ImportError:  # pragma: no cover - environment problem
    sys.stderr.write("error: h5py not importable; run with /usr/bin/python3 "
                     "(Debian python3-h5py)\n")
    sys.exit(1)

P_THRESHOLD = 1e-6
REWARD_COLOURS = {0: "tab:blue", 1: "tab:orange"}   # true reward 0 / 1
KL_COLOURS = ["tab:green", "tab:purple"]
BIG = 1e300          # stand-in for +inf inside np.quantile
BIG_CUT = 1e200      # quantiles above this are +inf

REQUIRED = [
    "/study/axes/study.samples", "/study/r2", "/study/r2_weighted",
    "/study/aligned_reward", "/study/kl_predicted", "/study/kl_baseline",
    "/study/true_reward", "/study/true_stationary",
]


class InputError(Exception):
    pass


def fail(msg):
    sys.stderr.write("error: %s\n" % " ".join(str(msg).split()))
    sys.exit(1)


def load(path):
    if not os.path.isfile(path):
        raise InputError("no such file: %s" % path)
    try:
        f = h5py.File(path, "r")
    except (OSError, IOError) as e:
        raise InputError("cannot open %s as HDF5 (%s)" % (path, e))
    try:
        with f:
            for name in REQUIRED:
                if name not in f or not isinstance(f[name], h5py.Dataset):
                    raise InputError("%s lacks dataset %s (was it written by "
                                     "`nirl run jobs/fig3.ini`?)" % (path, name))
            st = f["/study"]
            if st["r2"].dims[0].label != "study.samples":
                raise InputError("the first axis of /study/r2 is %r, expected study.samples"
                                 % st["r2"].dims[0].label)
            d = {k: np.asarray(st[k][()], dtype=float) for k in
                 ("r2", "r2_weighted", "aligned_reward")}
            d["sample_sizes"] = np.asarray(st["axes/study.samples"][()], dtype=float)
            # [K, T, B, P] -> [P, K, T, B]; the truth is the same at every size.
            d["kl_predicted"] = np.moveaxis(np.asarray(st["kl_predicted"][()], dtype=float), -1, 0)
            d["kl_baseline"] = np.asarray(st["kl_baseline"][()], dtype=float)[0]
            d["converged"] = (np.asarray(st["converged"][()], dtype=float)
                              if "converged" in st else None)
            d["reward"] = np.asarray(st["true_reward"][0], dtype=float)
            d["stationary"] = np.asarray(st["true_stationary"][0], dtype=float)
            config = config_values(attr(f, "config", ""))
            d["threshold"] = float(config.get("study.threshold", P_THRESHOLD))
            d["perturbations"] = axis_labels(st, "perturbation")
            d["lambda"] = float(config["network.lambda"]) if "network.lambda" in config else None
            d["n"] = int(config["network.n"]) if "network.n" in config else None
    except InputError:
        raise
    except (OSError, IOError, KeyError, ValueError, TypeError) as e:
        raise InputError("cannot read %s (%s)" % (path, e))

    K = d["sample_sizes"].size
    if K == 0:
        raise InputError("/study/sample_sizes is empty")
    r2 = d["r2"]
    if r2.ndim != 3 or r2.shape[0] != K or r2.shape[2] < 1:
        raise InputError("/study/r2 has shape %s, expected [%d, T, B]" % (r2.shape, K))
    _, T, B = r2.shape
    if d["r2_weighted"].shape != r2.shape:
        raise InputError("/study/r2_weighted has shape %s, expected %s"
                         % (d["r2_weighted"].shape, r2.shape))
    if d["converged"] is not None and d["converged"].shape != r2.shape:
        d["converged"] = None
    S = d["reward"].size
    if d["stationary"].shape != (S,) or d["reward"].ndim != 1:
        raise InputError("/study/true_reward and /study/true_stationary differ in shape "
                         "(%s vs %s)" % (d["reward"].shape, d["stationary"].shape))
    if d["aligned_reward"].shape != (K, T, B, S):
        raise InputError("/study/aligned_reward has shape %s, expected %s"
                         % (d["aligned_reward"].shape, (K, T, B, S)))
    kl = d["kl_predicted"]
    if kl.ndim != 4 or kl.shape[1:] != (K, T, B):
        raise InputError("/study/kl_predicted has shape %s, expected [%d, %d, %d, P]"
                         % (kl.shape, K, T, B))
    P = kl.shape[0]
    if d["kl_baseline"].shape != (P,):
        raise InputError("/study/kl_baseline[0] has shape %s, expected (%d,)"
                         % (d["kl_baseline"].shape, P))
    while len(d["perturbations"]) < P:
        d["perturbations"].append("perturbation %d" % len(d["perturbations"]))
    d["K"], d["T"], d["B"], d["P"], d["S"] = K, T, B, P, S
    return d


# ----------------------------------------------------------------------------
# statistics
# ----------------------------------------------------------------------------

def mean_sem(a):
    """Mean and s.e.m. over axis 1 of a [K, T] array, ignoring NaN/inf."""
    a = np.where(np.isfinite(a), a, np.nan)
    n = np.sum(np.isfinite(a), axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        m = np.nanmean(a, axis=1)
        sd = np.nanstd(a, axis=1, ddof=1)
    sem = np.where(n > 1, sd / np.sqrt(np.maximum(n, 1)), 0.0)
    return m, sem, n


def quantiles_with_inf(v, qs=(0.25, 0.5, 0.75)):
    """Quantiles of a 1-D sample that may hold +inf (counted) and NaN (dropped)."""
    v = v[~np.isnan(v)]
    if v.size == 0:
        return [np.nan] * len(qs)
    w = np.where(np.isposinf(v), BIG, v)
    out = []
    for q in qs:
        x = float(np.quantile(w, q))
        out.append(np.inf if x > BIG_CUT else x)
    return out


def kl_stats(kl):
    """Per sample size: q25, median, q75, mean and s.e.m. (inf when a trial is
    infinite), #inf, #nan, #trials. kl is [K, T]."""
    K, T = kl.shape
    res = {"q25": np.empty(K), "med": np.empty(K), "q75": np.empty(K),
           "mean": np.empty(K), "sem": np.empty(K),
           "ninf": np.zeros(K, int), "nnan": np.zeros(K, int), "ntot": T}
    for k in range(K):
        v = kl[k]
        res["ninf"][k] = int(np.sum(np.isposinf(v)))
        res["nnan"][k] = int(np.sum(np.isnan(v)))
        res["q25"][k], res["med"][k], res["q75"][k] = quantiles_with_inf(v)
        fin = v[~np.isnan(v)]
        if fin.size and np.all(np.isfinite(fin)):
            res["mean"][k] = float(np.mean(fin))
            res["sem"][k] = float(np.std(fin, ddof=1) / np.sqrt(fin.size)) if fin.size > 1 else 0.0
        else:
            res["mean"][k] = np.inf if fin.size else np.nan
            res["sem"][k] = np.nan
    return res


def kept_states(d):
    p, r = d["stationary"], d["reward"]
    return (p > d["threshold"]) & np.isfinite(r)


def reward_classes(d):
    """Boolean masks (over S) of states with true reward 0 and 1."""
    r = d["reward"]
    rmax = np.nanmax(r) if np.any(np.isfinite(r)) else 1.0
    hi = r > 0.5 * rmax if rmax > 0 else np.zeros_like(r, bool)
    return {0: ~hi & np.isfinite(r), 1: hi}


def fmt_n(x):
    x = float(x)
    if x >= 1e6 and x % 1e6 == 0:
        return "%gM" % (x / 1e6)
    if x >= 1e3 and x % 1e3 == 0:
        return "%gk" % (x / 1e3)
    return "%g" % x


def fmt(v, spec="%.3g"):
    if v is None:
        return "n/a"
    try:
        if np.isposinf(v):
            return "inf"
        if np.isnan(v):
            return "nan"
    except TypeError:
        return str(v)
    return spec % v


def perturbation_title(spec, index):
    s = spec.lower()
    if s.startswith("dead") or "remov" in s or "kill" in s:
        what = "cell removal"
    elif s.startswith("switch") or "input" in s or s.startswith("p_"):
        what = "altered input statistics"
    elif s.startswith("lambda"):
        what = "changed coding cost"
    else:
        what = "perturbation %d" % index
    return what


def gaussian_density(v, grid, span):
    """Gaussian KDE of v on grid (Silverman bandwidth, floored at span/200)."""
    v = v[np.isfinite(v)]
    if v.size == 0:
        return np.zeros_like(grid)
    sd = np.std(v)
    iqr = np.subtract(*np.percentile(v, [75, 25]))
    scale = min(sd, iqr / 1.349) if iqr > 0 else sd
    h = 0.9 * scale * v.size ** (-0.2) if scale > 0 else 0.0
    h = max(h, span / 200.0)
    out = np.zeros_like(grid)
    for chunk in np.array_split(v, max(1, v.size // 2000)):
        z = (grid[:, None] - chunk[None, :]) / h
        out += np.exp(-0.5 * z * z).sum(axis=1)
    return out / (v.size * h * np.sqrt(2 * np.pi))


# ----------------------------------------------------------------------------
# panels
# ----------------------------------------------------------------------------

def setup_log_x(ax, ns):
    ax.set_xscale("log")
    lo, hi = np.min(ns), np.max(ns)
    ax.set_xlim(lo / 1.6, hi * 1.6)
    ax.xaxis.set_minor_locator(LogLocator(base=10, subs=np.arange(2, 10) * 0.1,
                                          numticks=50))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("observed samples (time steps)")


def panel_A(ax, d):
    ns = d["sample_sizes"]
    m, se, n = mean_sem(d["r2"][:, :, 0])
    mw, sew, nw = mean_sem(d["r2_weighted"][:, :, 0])
    ax.fill_between(ns, m - se, m + se, color="k", alpha=0.2, lw=0)
    ax.plot(ns, m, "o-", color="k", lw=2, ms=5,
            label="aligned $r^2$ (states with p > %g)" % d["threshold"])
    ax.fill_between(ns, mw - sew, mw + sew, color="tab:red", alpha=0.2, lw=0)
    ax.plot(ns, mw, "s--", color="tab:red", lw=1.5, ms=4,
            label="probability-weighted $r^2$")
    setup_log_x(ax, ns)
    ax.set_ylim(0, 1)
    ax.set_ylabel("$r^2$ (true vs inferred reward)")
    ax.grid(True, which="major", alpha=0.3)
    T = d["T"]
    title = "A  goodness of fit vs data: mean $\\pm$ s.e.m. over %d trials" % T
    ax.set_title(title, fontsize=10, loc="left")
    notes = []
    if np.any(m < 0) or np.any(mw < 0):
        notes.append("values < 0 clipped by the axis")
    if np.any(n < T):
        notes.append("some trials non-finite (n used: %s)"
                     % ",".join(str(int(v)) for v in n))
    conv = d["converged"]
    if conv is not None:
        c = conv[:, :, 0]
        bad = int(np.sum(c < 0.5))
        notes.append("fits not converged: %d of %d" % (bad, c.size) if bad
                     else "all %d fits converged" % c.size)
    ax.legend(loc="upper left", fontsize=8, frameon=True, framealpha=0.9,
              title="; ".join(notes) if notes else None, title_fontsize=7)
    # the plotted numbers, as a small table in the empty lower right corner
    rows = ["%7s  %5s  %5s" % ("samples", "r2", "p-wtd")]
    rows += ["%7s  %5s  %5s" % (fmt_n(x), fmt(a, "%.3f"), fmt(b, "%.3f"))
             for x, a, b in zip(ns, m, mw)]
    ax.text(0.985, 0.03, "\n".join(rows), transform=ax.transAxes, ha="right",
            va="bottom", fontsize=7, family="monospace",
            bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="0.7", alpha=0.9))


def panel_B(ax, d):
    ns = d["sample_sizes"]
    K = d["K"]
    keep = kept_states(d)
    cls = reward_classes(d)
    ar = d["aligned_reward"][:, :, 0, :]                # [K, T, S]
    vals = {c: [ar[k][:, keep & cls[c]].ravel() for k in range(K)] for c in (0, 1)}
    vals = {c: [v[np.isfinite(v)] for v in vs] for c, vs in vals.items()}
    allv = np.concatenate([v for vs in vals.values() for v in vs] + [np.array([0.0, 1.0])])
    lo = min(-0.4, np.percentile(allv, 0.5))
    hi = max(1.4, np.percentile(allv, 99.5))
    lo, hi = max(lo, -2.5), min(hi, 3.5)
    span = hi - lo
    grid = np.linspace(lo, hi, 600)
    height = 0.85
    nout = 0
    ntot = 0
    for k in range(K):
        base = K - 1 - k                                    # smallest size on top
        ax.axhline(base, color="0.75", lw=0.6, zorder=0)
        for c in (0, 1):
            v = vals[c][k]
            nout += int(np.sum((v < lo) | (v > hi)))
            ntot += v.size
            if v.size == 0:
                continue
            dens = gaussian_density(v, grid, span)
            if np.max(dens) > 0:
                dens = dens / np.max(dens) * height
            col = REWARD_COLOURS[c]
            ax.fill_between(grid, base, base + dens, color=col, alpha=0.35, lw=0,
                            zorder=2 + c)
            ax.plot(grid, base + dens, color=col, lw=1.2, zorder=3 + c)
            med = np.median(v)
            if lo <= med <= hi:
                ax.plot([med, med], [base, base + height * 0.98], color=col, lw=1.2,
                        ls=":", zorder=4)
    for ref in (0.0, 1.0):
        ax.axvline(ref, color="k", ls="--", lw=0.9, zorder=1)
    ax.set_xlim(lo, hi)
    rows = K - 1 + height + 0.3
    ax.set_ylim(-0.3, rows / (1.0 - 0.16) - 0.3)      # top ~16% kept for the legend
    ax.set_yticks(np.arange(K))
    ax.set_yticklabels([fmt_n(ns[K - 1 - b]) for b in range(K)])
    ax.set_ylabel("observed samples")
    ax.set_xlabel("inferred reward (aligned to the true one)")
    ncls = [int(np.sum(keep & cls[c])) for c in (0, 1)]
    ax.set_title("B  inferred rewards per sample size (%d trials pooled; each curve "
                 "scaled to its peak)" % d["T"], fontsize=10, loc="left")
    handles = [Patch(color=REWARD_COLOURS[0], alpha=0.6,
                     label="true reward 0 (%d states)" % ncls[0]),
               Patch(color=REWARD_COLOURS[1], alpha=0.6,
                     label="true reward 1 (%d states)" % ncls[1]),
               Line2D([], [], color="0.3", ls=":", label="median")]
    extra = "states with p > %g" % d["threshold"]
    if nout:
        extra += "; %.1f%% of values outside x-range" % (100.0 * nout / max(ntot, 1))
    ax.legend(handles=handles, loc="upper center", fontsize=8, frameon=True,
              framealpha=0.9, title=extra, title_fontsize=7, ncol=3,
              columnspacing=1.2, handlelength=1.6)


def panel_KL(ax, d, p, letter):
    ns = d["sample_sizes"]
    st = kl_stats(d["kl_predicted"][p, :, :, 0])
    base = float(d["kl_baseline"][p])
    col = KL_COLOURS[p % len(KL_COLOURS)]
    spec = d["perturbations"][p]
    what = perturbation_title(spec, p)

    mean, sem = st["mean"], st["sem"]
    fin = np.isfinite(mean)
    finite_vals = [v for v in np.concatenate([mean[fin] - sem[fin], mean[fin] + sem[fin], [base]])
                   if np.isfinite(v) and v > 0]
    if finite_vals:
        ymin = min(finite_vals) / 4.0
        ymax = max(finite_vals) * 6.0
    else:
        ymin, ymax = 1e-3, 1e1
    ymin = max(ymin, 1e-8)
    if ymax / ymin < 100:
        mid = np.sqrt(ymax * ymin)
        ymin, ymax = mid / 10, mid * 10
    # mean +- s.e.m. over the trials (as the paper draws it); a size with an infinite
    # trial has an infinite mean, marked at the top of the axis
    lo = np.clip(mean - sem, ymin, None)
    ax.errorbar(ns[fin], mean[fin], yerr=[(mean - lo)[fin], sem[fin]], fmt="o-", color=col,
                lw=2, ms=5, capsize=3, label="mean ± s.e.m. over trials")
    inf_mean = np.isposinf(mean)
    if np.any(inf_mean):
        ax.plot(ns[inf_mean], np.full(inf_mean.sum(), ymax), "^", color=col, ms=8,
                mec="k", clip_on=False, zorder=5, label="mean = inf")
    ax.axhline(base, color="k", ls="--", lw=1.3,
               label="no adaptation: KL = %s" % fmt(base, "%.3g"))
    setup_log_x(ax, ns)
    ax.set_yscale("log")
    ax.set_ylim(ymin, ymax)
    ax.set_ylabel("KL(true adapted || predicted)  [nats]")
    ax.grid(True, which="major", alpha=0.3)
    T = st["ntot"]
    # number of infinite trials above each size
    trans = ax.get_xaxis_transform()
    for x, ni, nn in zip(ns, st["ninf"], st["nnan"]):
        txt = "%d/%d" % (ni, T)
        if nn:
            txt += "\n(%d nan)" % nn
        ax.text(x, 1.015, txt, transform=trans, ha="center", va="bottom",
                fontsize=7.5, color="firebrick" if ni else "0.4")
    ax.text(0.0, 1.075 + (0.03 if np.any(st["nnan"]) else 0.0),
            "trials with KL = inf:", transform=ax.transAxes,
            ha="left", va="bottom", fontsize=7, color="0.3")
    ax.set_title("%s  %s: %s\n\n" % (letter, what, spec), fontsize=10, loc="left")
    ax.legend(loc="lower left", fontsize=8, frameon=True, framealpha=0.9)
    return st, base


def panel_missing(ax, letter, msg):
    ax.set_axis_off()
    ax.text(0.5, 0.5, msg, ha="center", va="center", fontsize=10,
            transform=ax.transAxes)
    ax.set_title(letter, fontsize=10, loc="left")


def plot(d, out):
    fig = plt.figure(figsize=(14, 10), dpi=120)
    gs = GridSpec(2, 2, figure=fig, left=0.065, right=0.985, top=0.905, bottom=0.06,
                  wspace=0.2, hspace=0.42)
    lam = d["lambda"]
    fig.suptitle("Fig 3  inferring the reward from limited data (n = %s neurons, "
                 "$\\lambda$ = %s, %d trials per sample size)"
                 % (fmt(d["n"], "%d"), fmt(lam, "%g"), d["T"]), fontsize=13, y=0.985)
    panel_A(fig.add_subplot(gs[0, 0]), d)
    panel_B(fig.add_subplot(gs[0, 1]), d)
    stats = []
    for p, (pos, letter) in enumerate([(gs[1, 0], "C"), (gs[1, 1], "D")]):
        ax = fig.add_subplot(pos)
        if p < d["P"]:
            stats.append(panel_KL(ax, d, p, letter))
        else:
            panel_missing(ax, letter, "no perturbation %d in this file" % p)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return stats


def summary(d, stats):
    ns = d["sample_sizes"]
    m, se, _ = mean_sem(d["r2"][:, :, 0])
    mw, sew, _ = mean_sem(d["r2_weighted"][:, :, 0])
    keep = kept_states(d)
    cls = reward_classes(d)
    ar = d["aligned_reward"][:, :, 0, :]
    print("samples  r2(mean+-sem)   r2_weighted     median aligned reward (true 0 | true 1)")
    for k, x in enumerate(ns):
        m0 = np.nanmedian(ar[k][:, keep & cls[0]]) if np.any(keep & cls[0]) else np.nan
        m1 = np.nanmedian(ar[k][:, keep & cls[1]]) if np.any(keep & cls[1]) else np.nan
        print("%8s %.3f+-%.3f   %.3f+-%.3f   %.3f | %.3f"
              % (fmt_n(x), m[k], se[k], mw[k], sew[k], m0, m1))
    for p, (st, base) in enumerate(stats):
        print("KL %s (baseline %s):" % (d["perturbations"][p], fmt(base, "%.4g")))
        for k, x in enumerate(ns):
            print("%8s mean %s +- %s median %s IQR [%s, %s] inf %d/%d"
                  % (fmt_n(x), fmt(st["mean"][k], "%.4g"), fmt(st["sem"][k], "%.2g"),
                     fmt(st["med"][k], "%.4g"), fmt(st["q25"][k], "%.4g"),
                     fmt(st["q75"][k], "%.4g"), st["ninf"][k], st["ntot"]))


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Plot Fig 3 (panels A-D) from the HDF5 file written by "
                    "`nirl run jobs/fig3.ini --out fig3.h5`.")
    ap.add_argument("input", help="HDF5 result (fig3.h5)")
    ap.add_argument("output", help="PNG to write (fig3.png)")
    ap.add_argument("--summary", action="store_true",
                    help="also print the plotted numbers to stdout")
    args = ap.parse_args(argv)
    try:
        d = load(args.input)
    except InputError as e:
        fail(str(e))
    try:
        stats = plot(d, args.output)
    except (OSError, IOError) as e:
        fail("cannot write %s (%s)" % (args.output, e))
    if args.summary:
        summary(d, stats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
