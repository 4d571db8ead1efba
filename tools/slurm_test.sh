#!/usr/bin/env bash
# Brings up a real single-node Slurm (munged, slurmctld, slurmd from Debian's packages)
# in a scratch folder, submits a small Fig 3 job with `sbatch --wait` (jobs/fig3.sbatch
# with a reduced config, from a folder outside the repository), checks its HDF5 result,
# stops a longer study job as its time limit would (USR1) and checks that it requeues itself
# and resumes, and shuts everything down again.
# Needs root (as CI has). Usage: tools/slurm_test.sh [build/nirl]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
NIRL=$(realpath "${1:-build/nirl}")
[ -x "$NIRL" ] || { echo "slurm_test: $NIRL is not built (run tools/build.sh)" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then echo "slurm_test: needs root to run slurmd and munged" >&2; exit 1; fi
missing=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "slurm_test: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

SCRATCH=$(mktemp -d /tmp/nirl-slurm.XXXXXX)
HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
MUNGE_STARTED=0

cleanup() {
  set +e
  for d in slurmd slurmctld; do
    [ -f "$SCRATCH/$d.pid" ] && kill "$(cat "$SCRATCH/$d.pid")" 2>/dev/null
  done
  sleep 1
  for d in slurmd slurmctld; do
    [ -f "$SCRATCH/$d.pid" ] && kill -9 "$(cat "$SCRATCH/$d.pid")" 2>/dev/null
  done
  if [ "$MUNGE_STARTED" = 1 ] && [ -f "$SCRATCH/munge-run/munged.pid" ]; then kill "$(cat "$SCRATCH/munge-run/munged.pid")" 2>/dev/null; sleep 0.5; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# munge: a key and its folders owned by the munge user.
mkdir -p /etc/munge "$SCRATCH/munge-run" "$SCRATCH/munge-log" "$SCRATCH/munge-lib"
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge /etc/munge/munge.key "$SCRATCH"/munge-*
chmod 700 /etc/munge; chmod 400 /etc/munge/munge.key
chmod 755 "$SCRATCH"
MUNGE_SOCKET="$SCRATCH/munge-run/munge.socket.2"
runuser -u munge -- /usr/sbin/munged --socket="$MUNGE_SOCKET" --pid-file="$SCRATCH/munge-run/munged.pid" \
  --log-file="$SCRATCH/munge-log/munged.log" --seed-file="$SCRATCH/munge-lib/munged.seed" --force
MUNGE_STARTED=1

mkdir -p "$SCRATCH/state" "$SCRATCH/spool" "$SCRATCH/log"
cat > "$SCRATCH/slurm.conf" <<CONF
ClusterName=nirltest
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=$SCRATCH/state
SlurmdSpoolDir=$SCRATCH/spool
SlurmctldPidFile=$SCRATCH/slurmctld.pid
SlurmdPidFile=$SCRATCH/slurmd.pid
SlurmctldLogFile=$SCRATCH/log/slurmctld.log
SlurmdLogFile=$SCRATCH/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$SCRATCH/slurm.conf"
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
for _ in $(seq 1 60); do
  sinfo -h -o %T 2>/dev/null | grep -Eq '^(idle|mixed)' && break
  sleep 1
done
sinfo -h -o %T | grep -Eq '^(idle|mixed)' || { cat "$SCRATCH"/log/*.log >&2; echo "slurm_test: node never became idle" >&2; exit 1; }

# A small Fig 3: the real config with fewer sizes and trials, submitted from a folder that is
# not the repository (the job finds its repository from its own path).
sed -e 's/^vary = study.samples:.*/vary = study.samples: 300, 3000/' -e 's/^trials = .*/trials = 2/' jobs/fig3.ini > "$SCRATCH/fig3_small.ini"
OUT="$SCRATCH/fig3_small.h5"
JOB_OUT="$SCRATCH/job.out"
mkdir -p "$SCRATCH/submit"
(cd "$SCRATCH/submit" && sbatch --wait --ntasks=2 --cpus-per-task=1 --output="$JOB_OUT" \
  --export=ALL,NIRL="$NIRL",CONFIG="$SCRATCH/fig3_small.ini",OUT="$OUT",OMPI_ALLOW_RUN_AS_ROOT=1,OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
  "$REPO/jobs/fig3.sbatch" > "$SCRATCH/sbatch.txt") \
  || { cat "$JOB_OUT" >&2 || true; echo "slurm_test: the job failed" >&2; exit 1; }

# The result: the study's arrays with (2 sizes, 2 trials, 1) shape, finite r2, 2 ranks used.
grep -q "on 2 rank(s)" "$JOB_OUT" || { cat "$JOB_OUT" >&2; echo "slurm_test: the job did not run 2 ranks" >&2; exit 1; }
/usr/bin/python3 - "$OUT" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    r2 = f["study/r2"][()]
    assert r2.shape == (2, 2, 1), r2.shape
    assert np.all(np.isfinite(r2)) and np.all(r2 <= 1.0), r2
    assert f["study/kl_predicted"].shape == (2, 2, 1, 2)
    assert f["study/axes/study.samples"][()].tolist() == [300.0, 3000.0]
print("slurm_test: job result ok, mean r2 by size", r2.mean(axis=(1, 2)).round(3).tolist())
PY
echo "slurm_test: $(cat "$SCRATCH/sbatch.txt"), $(grep 'study:' "$JOB_OUT")"

# The time limit, simulated: USR1 to the batch shell (what --signal=B:USR1@300 sends) stops
# the run, the job requeues itself and its next start resumes from the checkpoint.
sed -e 's/^vary = study.samples:.*/vary = study.samples: 3000000/' -e 's/^trials = .*/trials = 48/' jobs/fig3.ini \
  > "$SCRATCH/fig3_long.ini"
LONG_OUT="$SCRATCH/fig3_long.h5"
REQ_OUT="$SCRATCH/requeue.out"
jid=$(cd "$SCRATCH/submit" && sbatch --parsable --ntasks=2 --cpus-per-task=1 --output="$REQ_OUT" \
  --export=ALL,NIRL="$NIRL",CONFIG="$SCRATCH/fig3_long.ini",OUT="$LONG_OUT",OMPI_ALLOW_RUN_AS_ROOT=1,OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
  "$REPO/jobs/study_template.sbatch")
for _ in $(seq 1 1200); do
  compgen -G "$LONG_OUT.checkpoint/journal.*" > /dev/null && [ "$(cat "$LONG_OUT".checkpoint/journal.* | wc -c)" -gt 0 ] && break
  sleep 0.1
done
[ ! -f "$LONG_OUT" ] || { echo "slurm_test: the long job finished before the signal (make it longer)" >&2; exit 1; }
scancel --batch --signal=USR1 "$jid"
# Slurm holds a requeued job for about two minutes (BeginTime) before its next start; an
# earlier forced start races with the clean-up of the first one ("already killed").
for _ in $(seq 1 600); do
  state=$(scontrol show job "$jid" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  [ "$state" = COMPLETED ] || [ "$state" = FAILED ] || [ "$state" = CANCELLED ] && break
  sleep 1
done
[ "${state:-}" = COMPLETED ] || { cat "$REQ_OUT" >&2; scontrol show job "$jid" >&2; tail -20 "$SCRATCH"/log/slurmd.log >&2
  echo "slurm_test: the requeued job ended $state" >&2; exit 1; }
grep -q "requeueing job $jid" "$REQ_OUT" || { cat "$REQ_OUT" >&2; echo "slurm_test: the job did not requeue itself" >&2; exit 1; }
grep -q "resuming from" "$REQ_OUT" || { cat "$REQ_OUT" >&2; echo "slurm_test: the requeued job did not resume" >&2; exit 1; }
[ -f "$LONG_OUT" ] || { cat "$REQ_OUT" >&2; echo "slurm_test: no result after the requeue" >&2; exit 1; }
echo "slurm_test: USR1 before the time limit: $(grep -c 'requeueing' "$REQ_OUT") requeue, $(grep 'resuming from' "$REQ_OUT")"
echo "1 passed, 0 failed"
