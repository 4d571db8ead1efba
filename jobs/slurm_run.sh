#!/bin/bash
# Runs `nirl run CONFIG --out OUT` inside a Slurm batch job (jobs/*.sbatch exec this) with
# the job's ranks (SLURM_NTASKS) and threads (OMP_NUM_THREADS = SLURM_CPUS_PER_TASK). With
# `#SBATCH --signal=B:USR1@SECONDS` the run is stopped that long before the time limit
# (finished tasks stay in OUT.checkpoint) and the job requeues itself; the next start
# resumes. At most NIRL_MAX_REQUEUES (default 20) self-requeues.
# Usage: slurm_run.sh NIRL CONFIG OUT [more nirl run options]
set -euo pipefail
NIRL=$1 CONFIG=$2 OUT=$3
shift 3
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
pid=
requeue() {
  echo "slurm_run: the time limit is near: stopping nirl, keeping $OUT.checkpoint" >&2
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "${SLURM_RESTART_COUNT:-0}" -lt "${NIRL_MAX_REQUEUES:-20}" ]; then
    echo "slurm_run: requeueing job ${SLURM_JOB_ID:-?} (restart ${SLURM_RESTART_COUNT:-0})" >&2
    scontrol requeue "$SLURM_JOB_ID"
  else
    echo "slurm_run: not requeued: ${NIRL_MAX_REQUEUES:-20} restarts reached" >&2
  fi
  exit 0
}
trap requeue USR1
# mpirun reads the allocation; --bind-to none leaves the threads free to use every core given.
mpirun -np "${SLURM_NTASKS:-1}" --bind-to none "$NIRL" run "$CONFIG" --out "$OUT" "$@" &
pid=$!
wait "$pid"
