#!/usr/bin/env bash
# MPI sweep tests (run by ctest): the result file does not depend on the number of
# ranks (1, 2, 3) or OpenMP threads (1, 2); a run killed with SIGKILL or SIGTERM and
# started again finishes only the remaining tasks and produces the same file; a
# checkpoint made by another configuration is refused with one clear line.
# Usage: mpi_sweep_test.sh NIRL_BINARY
set -euo pipefail
NIRL=$1
source "$(dirname "$0")/mpi_test_env.sh"

cat > sweep.ini <<'INI'
seed = 11
[network]
n = 8
lambda = 0.3
[input]
type = telegraph
switch_up = 0.05
switch_down = 0.05
[reward]
type = spike_count
counts = 2,6
[experiment]
kind = sweep
sample_sizes = 3000,30000
trials = 4
bootstraps = 1
block_length = 50
perturbations = dead=3
INI

fail() { echo "FAIL: $*" >&2; exit 1; }
# Same output name in separate folders, so even the recorded command line matches.
run_in() {  # run_in DIR NP THREADS [extra args]
  local dir=$1 np=$2 threads=$3; shift 3
  mkdir -p "$dir"
  (cd "$dir" && OMP_NUM_THREADS=$threads mpirun -np "$np" "$NIRL" run ../sweep.ini --out result.h5 "$@" > log.txt 2>&1) \
    || { cat "$dir/log.txt" >&2; fail "run in $dir failed"; }
}

run_in ref 1 1
[ -f ref/result.h5 ] || fail "no result file"
[ ! -e ref/result.h5.checkpoint ] || fail "checkpoint not removed after a finished run"
for case in "2 1" "3 1" "1 2" "2 2"; do
  set -- $case
  run_in "np$1_t$2" "$1" "$2"
  h5diff ref/result.h5 "np$1_t$2/result.h5" > /dev/null || fail "result differs for $1 ranks x $2 threads"
done
echo "identical for 1/2/3 ranks and 1/2 threads"

# Kill a 2-rank run once some tasks are journaled, then resume with the same command.
kill_and_resume() {  # kill_and_resume SIGNAL
  local sig=$1 dir="kill_$1"
  mkdir -p "$dir"
  (cd "$dir" && exec mpirun -np 2 "$NIRL" run ../sweep.ini --out result.h5 > log1.txt 2>&1) &
  local pid=$!
  disown "$pid" 2>/dev/null || true
  for _ in $(seq 1 600); do
    if compgen -G "$dir/result.h5.checkpoint/journal.*" > /dev/null &&
       [ "$(cat "$dir"/result.h5.checkpoint/journal.* | wc -c)" -gt 0 ]; then break; fi
    sleep 0.05
  done
  kill -"$sig" "$pid" 2>/dev/null || true
  pkill -"$sig" -f "$NIRL run ../sweep.ini" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  [ ! -f "$dir/result.h5" ] || fail "$sig: the run finished before it was killed (make the tasks longer)"
  [ -d "$dir/result.h5.checkpoint" ] || fail "$sig: no checkpoint after the kill"
  (cd "$dir" && mpirun -np 2 "$NIRL" run ../sweep.ini --out result.h5 > log2.txt 2>&1) \
    || { cat "$dir/log2.txt" >&2; fail "$sig: resume failed"; }
  grep -q "resuming from" "$dir/log2.txt" || fail "$sig: the second run did not resume"
  h5diff ref/result.h5 "$dir/result.h5" > /dev/null || fail "$sig: resumed result differs from an uninterrupted run"
  echo "$sig: $(grep resuming "$dir/log2.txt")"
}
kill_and_resume KILL
kill_and_resume TERM

# A checkpoint of another configuration is refused: start a run, kill it once its
# checkpoint exists, then try to finish it with a changed config.
mkdir -p mismatch
sed 's/trials = 4/trials = 5/' sweep.ini > other.ini
(cd mismatch && exec "$NIRL" run ../sweep.ini --out result.h5 > /dev/null 2>&1) &
pid=$!
disown "$pid" 2>/dev/null || true
for _ in $(seq 1 600); do [ -f mismatch/result.h5.checkpoint/config.ini ] && break; sleep 0.05; done
kill -KILL "$pid" 2>/dev/null || true
while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
[ -f mismatch/result.h5.checkpoint/config.ini ] || fail "no checkpoint to test the mismatch with"
set +e
(cd mismatch && "$NIRL" run ../other.ini --out result.h5 > out.txt 2> err.txt)
status=$?
set -e
[ "$status" -ne 0 ] || fail "a mismatched checkpoint was accepted"
[ "$(wc -l < mismatch/err.txt)" -eq 1 ] || { cat mismatch/err.txt >&2; fail "expected one error line"; }
grep -q "different configuration" mismatch/err.txt || fail "unclear mismatch message: $(cat mismatch/err.txt)"
[ ! -f mismatch/result.h5 ] || fail "a result was written despite the mismatch"
echo "mismatched checkpoint refused: $(cat mismatch/err.txt)"
echo "1 passed, 0 failed"
