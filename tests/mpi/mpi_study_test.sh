#!/usr/bin/env bash
# MPI study tests (run by ctest) on a study a user writes as a config only: a random reward
# table of their own, lambda x sample size x trials x one bootstrap, two perturbations.
# The result file does not depend on the number of ranks (1, 2, 3) or OpenMP threads (1, 2)
# (on 2 ranks each of the 2 truths is solved by one rank, on 3 by all ranks together);
# its axes are labelled (dimension scales with the values); a run killed with SIGKILL or
# SIGTERM and started again finishes only the remaining tasks and produces the same file; a
# checkpoint made by another configuration is refused with one clear line; three job-array
# parts run side by side and a final run assembles the same file.
# Usage: mpi_study_test.sh NIRL_BINARY
set -euo pipefail
NIRL=$1
source "$(dirname "$0")/mpi_test_env.sh"

# The user's reward: r(sigma, x) = U(0, 1) noise + 2 (k/n at x = +1, 1 - k/n at x = -1), k the
# spike count, for n = 6 neurons and a telegraph input (S = 128).
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
rng = np.random.default_rng(7)
s = np.arange(128)
k = np.array([bin(v).count("1") for v in s % 64])
r = rng.uniform(0, 1, 128) + 2 * np.where(s // 64 == 1, k / 6, 1 - k / 6)
with h5py.File("reward.h5", "w") as f:
    f["/reward"] = r
PY
cat > study.ini <<'INI'
seed = 11
[network]
n = 6
lambda = 0.3
[input]
type = telegraph
switch_up = 0.05
switch_down = 0.05
[reward]
type = table
file = ../reward.h5
dataset = /reward
[experiment]
kind = study
[study]
vary = network.lambda: 0.1, 0.3
vary = study.samples: 3000, 30000
trials = 3
bootstraps = 1
block_length = 50
perturbations = dead=2; switch_up=0.03
measures = r2, r2_weighted, kl_predicted, aligned_reward, kl_baseline, true_value
INI

fail() { echo "FAIL: $*" >&2; exit 1; }
# Same output name in separate folders, so even the recorded command line matches.
run_in() {  # run_in DIR NP THREADS [extra args]
  local dir=$1 np=$2 threads=$3; shift 3
  mkdir -p "$dir"
  (cd "$dir" && OMP_NUM_THREADS=$threads mpirun -np "$np" "$NIRL" run ../study.ini --out result.h5 "$@" > log.txt 2>&1) \
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

# The axes: names, values and units are in the file.
/usr/bin/python3 - ref/result.h5 <<'PY' || fail "the result's axes are not labelled as expected"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    r2 = f["study/r2"]
    assert r2.shape == (2, 2, 3, 2), r2.shape
    assert [d.label for d in r2.dims] == ["network.lambda", "study.samples", "trial", "bootstrap"]
    assert r2.dims[0][0][()].tolist() == [0.1, 0.3] and r2.dims[1][0][()].tolist() == [3000, 30000]
    assert r2.dims[2][0][()].tolist() == [0, 1, 2] and r2.dims[2][0].dtype == np.int64
    kl = f["study/kl_predicted"]
    assert [d.label for d in kl.dims][-1] == "perturbation" and kl.shape[-1] == 2
    assert [v.decode() for v in kl.dims[4][0][()]] == ["dead=2", "switch_up=0.03"]
    assert f["study/kl_baseline"].shape == (2, 2, 2) and f["study/true_value"].shape == (2, 2)
    assert f["study/aligned_reward"].dims[4].label == "state"
    assert r2.attrs["units"] == "1" and kl.attrs["units"] == "nats"
    assert np.all(np.isfinite(r2[()])) and np.all(np.isfinite(kl[()]))
    # More data, better inference (mean over trials, the raster itself).
    m = r2[()][:, :, :, 0].mean(axis=2)
    assert np.all(m[:, 1] > m[:, 0]), m
print("axes labelled; mean r2 by (lambda, samples):", np.round(m, 3).tolist())
PY

# Kill a 2-rank run once some tasks are journaled, then resume with the same command. The
# kill needs the run to be still going when the poll below sees the first journaled task:
# long.ini simulates 1e6 and 3e6 steps per trial, so its tasks after the first one take
# seconds, not the milliseconds of study.ini's. A kill that lands after the run finished
# is tried again (at most 3 times); an uninterrupted run of long.ini is the reference.
sed -e 's/vary = study.samples: 3000, 30000/vary = study.samples: 1000000, 3000000/' \
    -e 's/trials = 3/trials = 6/' study.ini > long.ini
grep -q "samples: 1000000, 3000000" long.ini && grep -q "trials = 6" long.ini || fail "long.ini was not made"
mkdir -p kill_ref
(cd kill_ref && mpirun -np 2 "$NIRL" run ../long.ini --out result.h5 > log.txt 2>&1) \
  || { cat kill_ref/log.txt >&2; fail "the reference run for the kill tests failed"; }
kill_run() {  # kill_run SIGNAL DIR: true when the run was killed before it wrote its result
  local sig=$1 dir=$2
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && exec mpirun -np 2 "$NIRL" run ../long.ini --out result.h5 > log1.txt 2>&1) &
  local pid=$!
  disown "$pid" 2>/dev/null || true
  for _ in $(seq 1 1200); do
    if compgen -G "$dir/result.h5.checkpoint/journal.*" > /dev/null &&
       [ "$(cat "$dir"/result.h5.checkpoint/journal.* | wc -c)" -gt 0 ]; then break; fi
    sleep 0.05
  done
  kill -"$sig" "$pid" 2>/dev/null || true
  pkill -"$sig" -f "$NIRL run ../long.ini" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  [ ! -f "$dir/result.h5" ]
}
kill_and_resume() {  # kill_and_resume SIGNAL
  local sig=$1 dir="kill_$1" attempt=1
  until kill_run "$sig" "$dir"; do
    [ "$attempt" -lt 3 ] || fail "$sig: the run finished before it was killed, 3 times"
    attempt=$((attempt + 1))
  done
  [ -d "$dir/result.h5.checkpoint" ] || fail "$sig: no checkpoint after the kill"
  (cd "$dir" && mpirun -np 2 "$NIRL" run ../long.ini --out result.h5 > log2.txt 2>&1) \
    || { cat "$dir/log2.txt" >&2; fail "$sig: resume failed"; }
  grep -q "resuming from" "$dir/log2.txt" || fail "$sig: the second run did not resume"
  h5diff kill_ref/result.h5 "$dir/result.h5" > /dev/null || fail "$sig: resumed result differs from an uninterrupted run"
  echo "$sig (attempt $attempt): $(grep resuming "$dir/log2.txt")"
}
# A job array: three parts side by side (one of them on 2 ranks) journal into one checkpoint
# without writing the result; the same command without --part then writes it.
mkdir -p array
pids=()
for k in 0 1 2; do
  np=1; [ "$k" = 1 ] && np=2
  (cd array && mpirun -np "$np" "$NIRL" run ../study.ini --out result.h5 --part "$k/3" > "part$k.txt" 2>&1) &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a job-array part failed: $(cat array/part*.txt)"; done
[ ! -f array/result.h5 ] || fail "a job-array part wrote the result"
# The synthetic pipeline stores each truth group's optimum once in the checkpoint (2 lambdas).
[ "$(ls array/result.h5.checkpoint/truth.*.h5 | wc -l)" = 2 ] || fail "expected 2 stored truths: $(ls array/result.h5.checkpoint)"
grep -q "part 1 of 3 done" array/part1.txt || fail "unexpected part output: $(cat array/part1.txt)"
(cd array && "$NIRL" run ../study.ini --out result.h5 > log.txt 2>&1) || { cat array/log.txt >&2; fail "assembling the parts failed"; }
grep -q "24 of 24 tasks already done" array/log.txt || fail "the assembly recomputed tasks: $(cat array/log.txt)"
h5diff ref/result.h5 array/result.h5 > /dev/null || fail "the job array's result differs from one run's"
echo "job array of 3 parts: same file"

kill_and_resume KILL
kill_and_resume TERM

# A checkpoint of another configuration is refused: start a run, kill it once its
# checkpoint exists, then try to finish it with a changed config.
mkdir -p mismatch
sed 's/trials = 6/trials = 7/' long.ini > other.ini
(cd mismatch && exec "$NIRL" run ../long.ini --out result.h5 > /dev/null 2>&1) &
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
