#!/usr/bin/env bash
# Builds nirl and runs the whole test suite: ctest (unit, CLI and MPI tests), then the
# real single-node Slurm test (tools/slurm_test.sh, needs root). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)")
if [ "$(id -u)" -eq 0 ]; then
  tools/slurm_test.sh build/nirl
else
  echo "test.sh: skipping tools/slurm_test.sh (it starts munged/slurmd and needs root)" >&2
fi
