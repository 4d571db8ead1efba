#!/usr/bin/env bash
# The report of a recording (a study with study.pipeline = recording) under MPI (run by
# ctest): every bootstrap resample (its own stream) and every (family, fold) fit is a task,
# so the file is the same on 1, 2 or 3 ranks (kill and resume of the same runner are
# tested by mpi_study_test.sh).
# Usage: mpi_report_test.sh NIRL_BINARY
set -euo pipefail
NIRL=$1
source "$(dirname "$0")/mpi_test_env.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }

# A recording without input: n = 6, reward for 2 active neurons, simulated.
cat > model.ini <<'INI'
seed = 3
[network]
n = 6
lambda = 1
[reward]
type = spike_count
counts = 2
[solver]
initial_q = 0.3,0.3,0.3,0.3,0.3,0.3
max_outer = 1
INI
"$NIRL" optimise --config model.ini --out model.h5 > /dev/null 2>&1 || true
[ -f model.h5 ] || fail "optimise wrote no model"
"$NIRL" simulate --model model.h5 --steps 20000 --seed 5 --out raster.h5 > /dev/null || fail "simulate failed"
cat > report.ini <<'INI'
seed = 9
[experiment]
kind = study
[study]
pipeline = recording
bootstraps = 40
[recording]
path = ../raster.h5
folds = 3
INI

run_in() {  # run_in DIR NP
  mkdir -p "$1"
  (cd "$1" && mpirun -np "$2" "$NIRL" run ../report.ini --out report.h5 > log.txt 2>&1) ||
    { cat "$1/log.txt" >&2; fail "report on $2 rank(s) failed"; }
}
run_in ref 1
[ -f ref/report.h5 ] || fail "no report"
[ ! -e ref/report.h5.checkpoint ] || fail "checkpoint not removed"
grep -q "x 41 + 9 pieces)" ref/log.txt || fail "the model-choice fits are not piece tasks: $(cat ref/log.txt)"
for np in 2 3; do
  run_in "np$np" "$np"
  h5diff ref/report.h5 "np$np/report.h5" > /dev/null || fail "report differs on $np ranks"
done
grep -q "on 3 rank(s)" np3/log.txt || fail "the 3-rank run did not use 3 ranks"
echo "report identical on 1, 2 and 3 ranks"

echo "1 passed, 0 failed"
