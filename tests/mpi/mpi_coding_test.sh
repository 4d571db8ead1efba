#!/usr/bin/env bash
# An efficient-coding study on MPI (study.pipeline = coding, the Fig 4 kind; run by ctest):
# the result file is the same on 1, 2 or 3 ranks and 1 or 2 OpenMP threads (h5diff), its
# arrays carry their axes, and the inverse on exact statistics recovers log p(y | sigma)
# (aligned r2 1 up to the fit's tolerance) and the feature's threshold, whose predictions of
# changed contexts are then the truth's adaptations. A small network (n = 3, 3 pixels)
# keeps it fast.
# Usage: mpi_coding_test.sh NIRL_BINARY
set -euo pipefail
NIRL=$1
source "$(dirname "$0")/mpi_test_env.sh"

cat > coding.ini <<'INI'
seed = 5
[network]
n = 3
lambda = 0.1
[input]
type = pixels
pixels = 3
pixel_on = 0.5
pixel_redraw = 0.2
[reward]
type = feature
threshold = 1
[experiment]
kind = study
[study]
pipeline = coding
point = network.lambda = 0.2
point = network.lambda = 0.1
point = network.lambda = 0.4
point = input.pixel_on = 0.4; reward.q_jitter = 0.05
vary = study.statistics: exact, sampled
samples = 20000
perturbations = pixel_on=0.3; lambda=0.3
measures = r2, recovered_threshold, agreement, reward_by_pixels_count, information, independent_information, tuning, cell_types, readout_by_count, kl_predicted, kl_baseline, predicted_firing_probability, predicted_cell_types, adapted_firing_probability
INI

fail() { echo "FAIL: $*" >&2; exit 1; }
run_in() {  # run_in DIR NP THREADS
  local dir=$1 np=$2 threads=$3
  mkdir -p "$dir"
  (cd "$dir" && OMP_NUM_THREADS=$threads mpirun -np "$np" "$NIRL" run ../coding.ini --out result.h5 > log.txt 2>&1) \
    || { cat "$dir/log.txt" >&2; fail "run in $dir failed"; }
}

run_in ref 1 1
[ -f ref/result.h5 ] || fail "no result file"
[ ! -e ref/result.h5.checkpoint ] || fail "checkpoint not removed after a finished run"
for case in "2 1" "3 1" "2 2"; do
  set -- $case
  run_in "np$1_t$2" "$1" "$2"
  h5diff ref/result.h5 "np$1_t$2/result.h5" > /dev/null || fail "result differs for $1 ranks x $2 threads"
done
/usr/bin/python3 - ref/result.h5 <<'PY' || fail "the coding study's arrays"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    st = f["study"]
    dims = lambda name: [d.label for d in st[name].dims]
    assert dims("tuning") == ["point", "study.statistics", "neuron", "pixels_on", "others_active"], dims("tuning")
    assert st["tuning"].shape == (4, 2, 3, 4, 3), st["tuning"].shape
    assert dims("r2") == ["point", "study.statistics", "trial", "bootstrap"], dims("r2")
    assert dims("reward_by_pixels_count") == ["point", "study.statistics", "trial", "bootstrap", "pixels_on", "count"]
    exact = list(st["axes/study.statistics"][()]).index(b"exact")
    r2 = st["r2"][:, exact, 0, 0]
    assert np.all(r2 > 1 - 1e-6), r2
    assert np.all(st["recovered_threshold"][:, exact, 0, 0] == 1), st["recovered_threshold"][()]
    info, ind = st["information"][:, 0], st["independent_information"][:, 0]
    assert np.all(info > ind), (info, ind)
    # the predictions of the changed contexts: from exact statistics the recovered feature is
    # the true one, so the prediction is the truth's adaptation
    assert dims("kl_predicted") == ["point", "study.statistics", "trial", "bootstrap", "perturbation"]
    assert np.all(st["kl_predicted"][:, exact] == 0), st["kl_predicted"][()]
    assert np.all(st["kl_baseline"][()] > 0), st["kl_baseline"][()]
    assert np.array_equal(st["predicted_firing_probability"][:, exact, 0, 0], st["adapted_firing_probability"][:, exact])
PY
echo "coding study: identical for 1/2/3 ranks and 1/2 threads"
echo "1 passed, 0 failed"
