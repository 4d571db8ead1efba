#!/usr/bin/env bash
# Builds nirl and runs the whole test suite (ctest); exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
cd build
ctest --output-on-failure -j"$(nproc)"
