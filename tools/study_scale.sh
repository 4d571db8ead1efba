#!/usr/bin/env bash
# Scale of the study driver (docs/studies.md, "Scale"): 10,000 small tasks on 1, 2 and 16
# ranks (oversubscribed on a small machine), the driver's own cost per task (tasks that
# compute nothing), the peak memory of the assembling rank 0 for 200 and 2000 tasks whose
# records hold S = 2048 values each, and the time to assemble 10,000 journaled tasks.
# Usage: tools/study_scale.sh            (after tools/build.sh; about two minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
NIRL=$(realpath build/nirl)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 NIRL_PROGRESS_SECONDS=0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
cat > small.ini <<'INI'
seed = 1
[network]
n = 4
lambda = 0.5
[input]
type = telegraph
switch_up = 0.02
switch_down = 0.02
[reward]
type = spike_count
counts = 1,3
[experiment]
kind = study
[study]
samples = 200
trials = 10000
measures = r2, aligned_reward
INI
sed -e 's/^n = 4/n = 10/' -e 's/^counts = 1,3/counts = 3,7/' small.ini > large.ini
NOSEARCH=(--search.random_starts 0 --search.frozen_starts 0 --search.lambda_steps 0 --search.polish_rounds 0)
seconds() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}'; }

echo "10,000 tasks (n = 4, 200 steps each, r2 + aligned_reward), wall time and rank-0 peak RSS:"
for np in 1 2 16; do
  rm -rf r.h5*
  start=$(date +%s.%N)
  mpirun -np "$np" --oversubscribe --bind-to none sh -c \
    'if [ "$OMPI_COMM_WORLD_RANK" = 0 ]; then exec /usr/bin/time -f "%M" -o rss.txt "$0" "$@"; else exec "$0" "$@"; fi' \
    "$NIRL" run small.ini --out r.h5 > /dev/null
  echo "  $np rank(s): $(seconds "$start") s, rank 0 $(cat rss.txt) KB"
  cp r.h5 "r$np.h5"
done
for np in 2 16; do
  h5diff r1.h5 "r$np.h5" /study/r2 > /dev/null && h5diff r1.h5 "r$np.h5" /study/aligned_reward > /dev/null \
    || { echo "results differ between 1 and $np ranks" >&2; exit 1; }
done
echo "  (identical arrays on 1, 2 and 16 ranks)"

echo "the driver alone: 10,000 tasks that compute nothing (measure true_value only):"
for np in 1 16; do
  rm -rf e.h5*
  start=$(date +%s.%N)
  mpirun -np "$np" --oversubscribe --bind-to none "$NIRL" run small.ini "${NOSEARCH[@]}" --study.measures true_value \
    --out e.h5 > /dev/null
  echo "  $np rank(s): $(seconds "$start") s"
done

echo "rank-0 peak RSS while assembling records of S = 2048 values (n = 10):"
for t in 200 2000; do
  rm -rf l.h5*
  /usr/bin/time -f "%M" -o rss.txt "$NIRL" run large.ini "${NOSEARCH[@]}" --study.trials "$t" --out l.h5 > /dev/null
  echo "  $t tasks ($((t * 2048 * 8 / 1000000)) MB of records): $(cat rss.txt) KB"
done

echo "assembly alone (10,000 journaled tasks of small.ini, written by two job-array parts):"
rm -rf a.h5*
"$NIRL" run small.ini --out a.h5 --part 0/2 > /dev/null
"$NIRL" run small.ini --out a.h5 --part 1/2 > /dev/null
start=$(date +%s.%N)
"$NIRL" run small.ini --out a.h5 > /dev/null 2>&1
echo "  $(seconds "$start") s"
