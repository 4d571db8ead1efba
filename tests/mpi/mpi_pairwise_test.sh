#!/usr/bin/env bash
# MPI test of a pairwise study (study.pipeline = pairwise, the Fig 6 kind): the result file
# does not depend on the number of ranks (1, 2) or OpenMP threads (1, 2), and its axes are
# labelled.
# Usage: mpi_pairwise_test.sh NIRL_BINARY
set -euo pipefail
NIRL=$1
source "$(dirname "$0")/mpi_test_env.sh"
cat > pairwise.ini <<'INI'
seed = 3
[network]
n = 8
lambda = 1.0
[reward]
type = ring
ring_m = 3
[experiment]
kind = study
[study]
pipeline = pairwise
vary = study.samples: 500, 5000
trials = 2
perturbations = lambda=1.5
INI
fail() { echo "FAIL: $*" >&2; exit 1; }
run_in() {  # run_in DIR NP THREADS
  mkdir -p "$1"
  (cd "$1" && OMP_NUM_THREADS=$3 mpirun -np "$2" "$NIRL" run ../pairwise.ini --out result.h5 > log.txt 2>&1) \
    || { cat "$1/log.txt" >&2; fail "run in $1 failed"; }
}
run_in ref 1 1
[ -f ref/result.h5 ] || fail "no result file"
for case in "2 1" "1 2" "2 2"; do
  set -- $case
  run_in "np$1_t$2" "$1" "$2"
  h5diff ref/result.h5 "np$1_t$2/result.h5" > /dev/null || fail "result differs for $1 ranks x $2 threads"
done
/usr/bin/python3 - ref/result.h5 <<'PY' || fail "axes of /study/kl_predicted"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    d = f["study/kl_predicted"]
    assert [a.label for a in d.dims] == ["study.samples", "trial", "bootstrap", "assumption", "perturbation"], d.dims
    assert d.shape == (2, 2, 1, 3, 1), d.shape
    assert [a.decode() for a in f["study/axes/assumption"][()]] == ["sparse", "pairwise", "global"]
PY
echo "pairwise study identical for 1/2 ranks and 1/2 threads"
