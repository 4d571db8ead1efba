#!/usr/bin/python3
"""Plot Fig 5 from the HDF5 result of `nirl run jobs/fig5.ini`.

Usage:  /usr/bin/python3 tools/plot_fig5.py fig5.h5 fig5.png

  A left   optimised tied couplings J(d) (near positive, far negative), field h in the title
  A centre raster of the dynamics (random-scan Glauber; time in sweeps of n updates) with the hill centre
  A right  reward inferred under the sparse assumption vs the true reward (states with p > 1e-6), r2
  B-D      predictions (higher lambda, couplings beyond a distance removed, pinned neurons): firing
           rate per neuron and spike-count distribution, true re-optimised vs predicted with the
           inferred reward vs no adaptation; KL in the titles
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def show_raster(a, r, step):
    """Raster rows (updates) every `step`, neurons down, time in sweeps of n updates."""
    n = r.shape[1]
    a.imshow(r[::step].T, aspect="auto", cmap="Greys", interpolation="nearest",
             extent=[0, r.shape[0] / n, n - 0.5, -0.5])


def main(path, out):
    with h5py.File(path, "r") as f:
        g = f["fig5"]
        theta = g["theta"][()]
        attrs = dict(g["theta"].attrs)
        raster = g["raster"][()]
        pos = g["hill_position"][()]
        visited = int(g["hill_position"].attrs["positions_visited"])
        p = g["distribution"][()]
        truth = g["reward"][()]
        inferred = {k: (g["inferred"][k][()], float(g["inferred"][k].attrs["r2"])) for k in g["inferred"]}
        base_rates = g["rates"][()]
        preds = {}
        for k in ["higher_lambda", "removed_couplings", "pinned"]:
            h = g["predictions"][k]
            preds[k] = {name: h[name][()] for name in h}
            preds[k]["kl"] = float(h["true_theta"].attrs["kl"])
            preds[k]["kl_baseline"] = float(h["true_theta"].attrs["kl_baseline"])
            preds[k]["runs"] = float(h["true_clusters"].attrs["p_two_or_more"])
        base_runs = float(g["clusters"].attrs["p_two_or_more"])
    n = raster.shape[1]
    fig, ax = plt.subplots(2, 4, figsize=(17, 7.5))
    d = np.arange(1, len(theta))
    ax[0, 0].bar(d, theta[1:], color=["tab:red" if v > 0 else "tab:blue" for v in theta[1:]])
    ax[0, 0].axhline(0, color="k", lw=0.5)
    ax[0, 0].set(xlabel="ring distance d", ylabel="J(d)",
                 title=f"A  tied optimum, lambda {attrs['lambda']:g}: F = {attrs['F']:.3f}, h = {theta[0]:.2f}")
    T = raster.shape[0]
    step = max(n, T // 1000)
    show_raster(ax[0, 1], raster, step)
    hp = pos[:T:step].astype(float)
    hp[hp < 0] = np.nan
    ax[0, 1].plot(np.arange(len(hp)) * step / n, hp, ".", color="tab:orange", ms=2)
    ax[0, 1].set(xlabel="time (sweeps of n updates)", ylabel="neuron",
                 title=f"A  drifting hill (visits {visited} of {n} positions)")
    keep = p > 1e-6
    sp, r2 = inferred["sparse"]
    ax[0, 2].scatter(truth[keep] + np.random.default_rng(0).uniform(-0.05, 0.05, keep.sum()), sp[keep], s=10)
    ax[0, 2].set(xlabel="true reward (jittered)", ylabel="inferred (sparse)",
                 title=f"A  inferred reward, r2 = {r2:.3f} ({keep.sum()} states)\n"
                       f"pairwise r2 {inferred['pairwise'][1]:.3f}, global r2 {inferred['global'][1]:.3f}")
    show_raster(ax[0, 3], preds["removed_couplings"]["true_raster"], step)
    ax[0, 3].set(xlabel="time (sweeps)", ylabel="neuron",
                 title=f"C  couplings removed: uncoordinated activity\n"
                       f"P(>= 2 separate active runs) {preds['removed_couplings']['runs']:.2f} (was {base_runs:.3f})")
    labels = {"higher_lambda": f"B  higher lambda ({attrs['lambda_high']:g})",
              "removed_couplings": f"C  couplings d > {int(attrs['max_distance'])} removed",
              "pinned": f"D  pinned neurons (field {attrs['pin_field']:g})"}
    for c, k in enumerate(preds):
        q = preds[k]
        a = ax[1, c]
        a.plot(q["true_rates"], "k-o", ms=3, label="true re-optimised")
        a.plot(q["predicted_rates"], "r--s", ms=3, label="predicted (inferred r)")
        a.plot(base_rates, ":", color="grey", label="no adaptation")
        a.set(xlabel="neuron", ylabel="firing probability", ylim=(0, 1),
              title=f"{labels[k]}\nKL pred {q['kl']:.3g}, no-adapt {q['kl_baseline']:.3g}")
        a.legend(fontsize=7)
        ins = a.inset_axes([0.6, 0.55, 0.38, 0.3])
        ins.bar(np.arange(n + 1) - 0.2, q["true_counts"], width=0.4, color="k")
        ins.bar(np.arange(n + 1) + 0.2, q["predicted_counts"], width=0.4, color="r")
        ins.set_xticks([0, 4, 8, 12])
        ins.set_title("spike count", fontsize=7)
        ins.tick_params(labelsize=6)
    a = ax[1, 3]
    show_raster(a, preds["pinned"]["true_raster"], step)
    a.set(xlabel="time (sweeps)", ylabel="neuron", title="D  pinned: the hill held in place")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
