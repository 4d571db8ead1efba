#!/usr/bin/env bash
# The main job on the built-in example (jobs/fig2.ini): builds nirl if needed, then runs
# Fig 2 end to end (optimal network, rasters at two coding costs, reward inferred from
# 1e6 simulated steps, predictions after an input change and a cell death) and plots it.
# Results land in results/ (not tracked by git).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
mkdir -p results
build/nirl run jobs/fig2.ini --out results/fig2.h5
/usr/bin/python3 tools/plot_fig2.py results/fig2.h5 results/fig2.png
echo "figure: results/fig2.png"
