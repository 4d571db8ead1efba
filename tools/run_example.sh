#!/usr/bin/env bash
# The main job on the built-in example (jobs/fig2.ini): builds nirl if needed, computes
# the optimal dynamics of the Fig 2 network and simulates a raster from them.
# Results land in results/ (not tracked by git).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
mkdir -p results
build/nirl optimise --config jobs/fig2.ini --out results/fig2_model.h5
build/nirl simulate --model results/fig2_model.h5 --steps 100000 --seed 1 --out results/fig2_raster.h5
