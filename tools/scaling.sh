#!/usr/bin/env bash
# Strong scaling of the MPI study runner: wall time of a small Fig 3 study on 1 and on
# 2 ranks (1 thread each), REPS times, alternating, and the ratio of the medians.
# Usage: tools/scaling.sh [REPS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${1:-3}
NIRL=$(realpath build/nirl)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sed -e 's/^vary = study.samples:.*/vary = study.samples: 30000, 300000, 1000000/' -e 's/^trials = .*/trials = 8/' \
    jobs/fig3.ini > "$WORK/small.ini"
time_run() {  # time_run NP -> seconds
  local start end
  start=$(date +%s.%N)
  (cd "$WORK" && mpirun -np "$1" --bind-to none "$NIRL" run small.ini --out "r$1.h5" > /dev/null)
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {print b - a}'
}
one=(); two=()
for _ in $(seq 1 "$REPS"); do
  one+=("$(time_run 1)")
  two+=("$(time_run 2)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
m1=$(median "${one[@]}"); m2=$(median "${two[@]}")
printf 'small Fig 3 study (3 sizes up to 1e6 x 8 trials, both perturbations: 24 tasks), %s reps\n1 rank : %s s (median of %s)\n2 ranks: %s s (median of %s)\n' \
  "$REPS" "$m1" "${one[*]}" "$m2" "${two[*]}"
awk -v a="$m1" -v b="$m2" 'BEGIN {printf "ratio 2 ranks / 1 rank: %.3f\n", b / a}'
