#!/usr/bin/python3
"""Fig 1F from `nirl run jobs/fig1.ini` (a maze study): python3 tools/plot_fig1.py fig1.h5 fig1.png

Left: the maze (walls dark), the visit density (stationary occupancy, shaded), the optimal
policy (arrows: mean displacement), one sampled episode from the start to the rewarded
cell (red). Centre: the reward inferred from observed trajectories (aligned to the true
reward by a constant and scale) with its r2, and r2 against the number of observed steps.
Right: the occupancy predicted with the inferred reward beside the true re-optimised one,
for a larger coding cost (top) and for moved walls (bottom), with KL(true || predicted)
and the no-adaptation baseline.
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from study_results import attr, axis_labels, config_values, dim_labels  # noqa: E402


def draw_maze(ax, codes, values, cmap, title, vmin=None, vmax=None):
    """Cells coloured by `values`, walls dark grey, S and G marked."""
    img = np.ma.masked_where(codes == 0, values)
    cm = plt.get_cmap(cmap).copy()
    cm.set_bad("#303030")
    im = ax.imshow(img, cmap=cm, vmin=vmin, vmax=vmax, origin="upper")
    for (r, c), code in np.ndenumerate(codes):
        if code == 2:
            ax.text(c, r, "S", ha="center", va="center", fontsize=11, weight="bold", color="tab:green")
        elif code == 3:
            ax.text(c, r, "G", ha="center", va="center", fontsize=11, weight="bold", color="tab:orange")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)
    return im


def first_episode(cells, codes):
    """The trajectory from its start to the first rewarded cell (inclusive)."""
    flat = codes.ravel()
    for t, cell in enumerate(cells):
        if flat[cell] == 3:
            return cells[: t + 1]
    return cells


def main(path, out):
    with h5py.File(path, "r") as f:
        st = f["study"]
        if attr(st, "pipeline") != "maze":
            sys.exit("error: %s is not a maze study (jobs/fig1.ini)" % path)
        if dim_labels(st["r2"]) != ["study.statistics", "study.samples", "trial", "bootstrap"]:
            sys.exit("error: %s: /study/r2 has axes %s, expected study.statistics, study.samples, trial, "
                     "bootstrap (jobs/fig1.ini)" % (path, dim_labels(st["r2"])))
        config = config_values(attr(f, "config", ""))
        statistics = axis_labels(st, "study.statistics")
        sampled, exact = statistics.index("sampled"), statistics.index("exact")
        specs = axis_labels(st, "perturbation")
        codes = st["maze"][0, 0].astype(int)
        policy = st["policy"][0, 0]
        density = st["visit_density"][0, 0]
        cells = st["trajectory_cells"][0, 0].astype(int)
        sizes = st["axes/study.samples"][()]
        largest = int(np.argmax(sizes))
        aligned = st["aligned_reward"][sampled, largest, 0, 0]
        true_reward = st["true_reward"][0, 0]
        r2 = st["r2"][sampled, largest, 0, 0]
        samples = sizes[largest]
        exact_r2 = st["r2"][exact, largest, 0, 0]
        r2_data = st["r2"][sampled, :, :, 0]
        lam = float(config["maze.lambda"])
        preds = {}
        for k, spec in enumerate(specs):
            name = "larger_lambda" if spec.startswith("lambda=") else "moved_walls"
            preds[name] = dict(true=st["adapted_occupancy"][0, 0, k],
                               predicted=st["predicted_occupancy"][sampled, largest, 0, 0, k],
                               kl=st["kl_predicted"][sampled, largest, 0, 0, k], base=st["kl_baseline"][0, 0, k],
                               lam=float(spec.split("=", 1)[1]) if name == "larger_lambda" else lam,
                               maze=st["adapted_maze"][0, 0, k].astype(int))
        if sorted(preds) != ["larger_lambda", "moved_walls"]:
            sys.exit("error: %s needs one lambda=X and one map=... perturbation (jobs/fig1.ini)" % path)
        moved = preds["moved_walls"]["maze"]
        identified = int(st["identified"][0, 0].sum())
        free = int((codes > 0).sum())

    fig = plt.figure(figsize=(19, 6.2))
    gs = fig.add_gridspec(2, 4, width_ratios=[1.25, 1, 1, 1], hspace=0.4, wspace=0.28)

    # Left: policy, trajectory, visit density.
    ax = fig.add_subplot(gs[:, 0])
    draw_maze(ax, codes, density, "Blues", f"optimal policy, a trajectory and visit density (lambda = {lam:g})",
              vmin=0.0)
    rows, cols = codes.shape
    rr, cc = np.nonzero((codes == 1) | (codes == 2))
    # Mean displacement: east - west across, south - north down (rows grow downward).
    dx = policy[rr, cc, 1] - policy[rr, cc, 3]
    dy = policy[rr, cc, 2] - policy[rr, cc, 0]
    ax.quiver(cc, rr, dx, dy, angles="xy", scale_units="xy", scale=1.4, width=0.006, color="black", zorder=3)
    ep = first_episode(cells, codes)
    jitter = np.random.default_rng(0).uniform(-0.12, 0.12, size=(len(ep), 2))
    ax.plot(ep % cols + jitter[:, 0], ep // cols + jitter[:, 1], color="red", lw=1.4, alpha=0.85, zorder=4,
            label=f"one episode ({len(ep) - 1} steps)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), fontsize=9, frameon=False)

    # Centre: inferred reward and r2 vs data.
    ax = fig.add_subplot(gs[0, 1])
    vmin, vmax = np.nanmin(true_reward), np.nanmax(true_reward)
    im = draw_maze(ax, codes, aligned, "viridis",
                   f"inferred reward, r2 = {r2:.3f} ({samples:.0e} steps;\n{identified} of {free} cells identified)",
                   vmin=vmin, vmax=vmax)
    fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    ax = fig.add_subplot(gs[1, 1])
    mean = r2_data.mean(axis=1)
    sem = r2_data.std(axis=1, ddof=1) / np.sqrt(r2_data.shape[1]) if r2_data.shape[1] > 1 else 0 * mean
    ax.errorbar(sizes, mean, yerr=sem, marker="o", ms=4, capsize=2, color="tab:purple")
    ax.axhline(exact_r2, color="grey", ls="--", lw=1, label=f"exact policy: {exact_r2:.6f}")
    ax.set_xscale("log")
    ax.set_ylim(min(0.0, float(np.min(r2_data))) - 0.02, 1.05)
    ax.set_xlabel("observed steps")
    ax.set_ylabel("r2 (identified cells)")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)

    # Right: predictions vs truth.
    titles = {"larger_lambda": "lambda {lam:g}", "moved_walls": "walls moved"}
    for row, name in enumerate(("larger_lambda", "moved_walls")):
        p = preds[name]
        m = codes if name == "larger_lambda" else moved
        vmax = max(p["true"].max(), p["predicted"].max())
        head = titles[name].format(lam=p["lam"])
        draw_maze(fig.add_subplot(gs[row, 2]), m, p["true"], "Blues", f"{head}: true re-optimised occupancy",
                  vmin=0, vmax=vmax)
        draw_maze(fig.add_subplot(gs[row, 3]), m, p["predicted"], "Blues",
                  f"predicted from the inferred reward\nKL {p['kl']:.3g} nats (no adaptation: {p['base']:.3g})",
                  vmin=0, vmax=vmax)
    fig.suptitle("Fig 1F: entropy-regularised RL in a maze, inverse RL, and predictions", fontsize=12)
    fig.savefig(out, dpi=110, bbox_inches="tight")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plot_fig1.py RESULT.h5 OUT.png")
    main(sys.argv[1], sys.argv[2])
