#!/usr/bin/env bash
# Fig 4 on MPI (run by ctest): panel E's lambdas are tasks of the experiment runner, so
# the result file is the same on 1, 2 or 3 ranks and 1 or 2 OpenMP threads (h5diff).
# A small network (n = 3, 3 pixels) keeps it fast.
# Usage: mpi_fig4_test.sh NIRL_BINARY
set -euo pipefail
NIRL=$1
source "$(dirname "$0")/mpi_test_env.sh"

cat > fig4.ini <<'INI'
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
kind = fig4
lambdas = 0.05,0.1,0.2,0.4
samples = 20000
h_pixel_on = 0.4
INI

fail() { echo "FAIL: $*" >&2; exit 1; }
run_in() {  # run_in DIR NP THREADS
  local dir=$1 np=$2 threads=$3
  mkdir -p "$dir"
  (cd "$dir" && OMP_NUM_THREADS=$threads mpirun -np "$np" "$NIRL" run ../fig4.ini --out result.h5 > log.txt 2>&1) \
    || { cat "$dir/log.txt" >&2; fail "run in $dir failed"; }
}

run_in ref 1 1
[ -f ref/result.h5 ] || fail "no result file"
[ ! -e ref/result.h5.checkpoint ] || fail "checkpoint not removed after a finished run"
grep -q "I(y; sigma)" ref/log.txt || fail "no information line in the log"
for case in "2 1" "3 1" "2 2"; do
  set -- $case
  run_in "np$1_t$2" "$1" "$2"
  h5diff ref/result.h5 "np$1_t$2/result.h5" > /dev/null || fail "result differs for $1 ranks x $2 threads"
done
echo "fig4: identical for 1/2/3 ranks and 1/2 threads"
echo "1 passed, 0 failed"
