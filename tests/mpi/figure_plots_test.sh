#!/usr/bin/env bash
# The figure configs and their plot scripts end to end (run by ctest): jobs/fig3.ini and
# jobs/fig4.ini run under mpirun with fewer observed steps, and tools/plot_fig3.py and
# tools/plot_fig4.py must turn the results into PNG files. Fig 4's sampled point must
# recover the true feature and predict panel H's context as the truth adapts to it.
# Usage: figure_plots_test.sh NIRL_BINARY SOURCE_DIR
set -euo pipefail
NIRL=$1
SRC=$2
source "$(dirname "$0")/mpi_test_env.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
figure() {  # figure N PLOT_ARGS... : run jobs/figN.ini with the given overrides, then plot it
  local n=$1
  shift
  mpirun -np 2 "$NIRL" run "$SRC/jobs/fig$n.ini" --out "fig$n.h5" "$@" > "fig$n.log" 2>&1 \
    || { cat "fig$n.log" >&2; fail "jobs/fig$n.ini"; }
  /usr/bin/python3 "$SRC/tools/plot_fig$n.py" "fig$n.h5" "fig$n.png" > "plot$n.log" 2>&1 \
    || { cat "plot$n.log" >&2; fail "tools/plot_fig$n.py"; }
  [ "$(stat -c %s "fig$n.png")" -gt 20000 ] || fail "fig$n.png is nearly empty"
}

figure 3 --study.trials 3
figure 4 --study.samples 300000
/usr/bin/python3 - fig4.h5 <<'PY' || fail "Fig 4's sampled point"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    st = f["study"]
    points = [p.decode() for p in st["axes/point"][()]]
    sampled = [i for i, p in enumerate(points) if "study.statistics = sampled" in p]
    assert len(sampled) == 1, points
    i = sampled[0]
    assert st["recovered_threshold"][i, 0, 0] == 3, st["recovered_threshold"][()]
    assert st["kl_predicted"][i, 0, 0, 0] == 0, st["kl_predicted"][()]
    assert np.array_equal(st["predicted_firing_probability"][i, 0, 0], st["adapted_firing_probability"][i])
    assert st["predicted_cell_types"][i, 0, 0, 0] == st["adapted_cell_types"][i, 0]
PY
echo "figures 3 and 4: ran and plotted"
echo "1 passed, 0 failed"
