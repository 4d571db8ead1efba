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

from study_results import attr, axis_labels, config_values


def show_raster(a, r, step):
    """Raster rows (updates) every `step`, neurons down, time in sweeps of n updates."""
    n = r.shape[1]
    a.imshow(r[::step].T, aspect="auto", cmap="Greys", interpolation="nearest",
             extent=[0, r.shape[0] / n, n - 0.5, -0.5])


def main(path, out):
    with h5py.File(path, "r") as f:
        st = f["study"]
        if attr(st, "pipeline") != "pairwise" or st["theta"].ndim != 1:
            sys.exit("error: %s is not a one-point pairwise study (jobs/fig5.ini)" % path)
        config = config_values(attr(f, "config", ""))
        specs = axis_labels(st, "perturbation")
        sparse = axis_labels(st, "assumption").index("sparse")
        theta = st["theta"][()]
        attrs = {"lambda": float(config["network.lambda"]), "F": float(st["true_value"][()])}
        raster = st["raster"][()].astype(np.uint8)
        pos = st["hill_position"][()]
        visited = int(st["positions_visited"][()])
        p = st["true_distribution"][()]
        truth = st["true_reward"][()]
        inferred = {a: (st["inferred_reward"][0, 0, k], float(st["r2"][0, 0, k]))
                    for k, a in enumerate(axis_labels(st, "assumption"))}
        base_rates = st["rates"][()]
        base_runs = float(st["clusters"][2:].sum())
        base_jumps = float(st["hill_jumps"][()])
        preds = {}
        for k, spec in enumerate(specs):
            clusters = st["adapted_clusters"][k]
            preds[spec] = {"true_rates": st["adapted_rates"][k], "predicted_rates": st["predicted_rates"][0, 0, sparse, k],
                           "true_counts": st["adapted_count_distribution"][k],
                           "predicted_counts": st["predicted_count_distribution"][0, 0, sparse, k],
                           "true_raster": st["adapted_raster"][k].astype(np.uint8),
                           "kl": float(st["kl_predicted"][0, 0, sparse, k]), "kl_baseline": float(st["kl_baseline"][k]),
                           "runs": float(clusters[2:].sum()), "jumps": float(st["adapted_hill_jumps"][k]),
                           "true_theta": st["adapted_theta"][k], "predicted_theta": st["predicted_theta"][0, 0, sparse, k]}

    def find(key):
        for spec in specs:
            if key in spec:
                return spec
        sys.exit("error: %s has no perturbation with %s (jobs/fig5.ini)" % (path, key))

    higher, removed, pinned = find("lambda="), find("remove_beyond="), find("pin=")
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
    show_raster(ax[0, 3], preds[removed]["true_raster"], step)
    ax[0, 3].set(xlabel="time (sweeps)", ylabel="neuron",
                 title=f"C  couplings removed: uncoordinated activity\n"
                       f"P(>= 2 separate active runs) {preds[removed]['runs']:.2f} (was {base_runs:.3f})")
    # B: the couplings at the higher coding cost, true and predicted, beside the original ones
    q = preds[higher]
    a = ax[1, 0]
    for shift, values, colour, label in ((-0.27, theta, "grey", f"lambda {attrs['lambda']:g}"),
                                         (0.0, q["true_theta"], "k", "true re-optimised"),
                                         (0.27, q["predicted_theta"], "tab:red", "predicted (inferred r)")):
        a.bar(d + shift, values[1:], width=0.27, color=colour, label=label)
    a.axhline(0, color="k", lw=0.5)
    a.set(xlabel="ring distance d", ylabel="J(d)",
          )
    a.set_title(f"B  {higher}: J(1) {theta[1]:.3f} -> {q['true_theta'][1]:.3f} (predicted "
                f"{q['predicted_theta'][1]:.3f})\nJ(2) {theta[2]:.3f} -> {q['true_theta'][2]:.3f} (predicted "
                f"{q['predicted_theta'][2]:.3f}); hill jumps in {100 * q['jumps']:.2f}%\nof sweeps (was "
                f"{100 * base_jumps:.2f}%); KL pred {q['kl']:.3g}, no-adapt {q['kl_baseline']:.3g}", fontsize=9)
    a.legend(fontsize=7)
    labels = {removed: f"C  {removed}", pinned: f"D  {pinned}"}
    for c, k in ((1, removed), (2, pinned)):
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
    show_raster(a, preds[pinned]["true_raster"], step)
    a.set(xlabel="time (sweeps)", ylabel="neuron", title="D  pinned: the hill held in place")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
