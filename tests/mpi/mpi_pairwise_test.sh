#!/usr/bin/env bash
# MPI test of the Fig 6 experiment (experiment.kind = pairwise_sweep): the result file does
# not depend on the number of ranks (1, 2) or OpenMP threads (1, 2).
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
kind = pairwise_sweep
sample_sizes = 500,5000
trials = 2
lambda_high = 1.5
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
h5dump -d /fig6/r2 ref/result.h5 > /dev/null || fail "no /fig6/r2"
echo "pairwise_sweep identical for 1/2 ranks and 1/2 threads"
