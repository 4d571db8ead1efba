#!/usr/bin/env bash
# A study across two hosts made on this machine (run by ctest as root; skipped otherwise):
# two network namespaces joined by a veth pair, each process with its own host name (UTS
# namespace), OpenMPI's TCP transport between them and its rsh launcher replaced by an agent
# that enters the other namespace. The checkpoint folder is on the filesystem both share.
# Runs on 2 ranks (one per host) and 3 ranks (two on the second host), which solve the one
# truth together (its solutions sent over TCP), give the same file as one host; a two-host run killed with SIGKILL resumes on one host to the same file.
# Usage: mpi_two_hosts_test.sh NIRL_BINARY
set -euo pipefail
NIRL=$1
source "$(dirname "$0")/mpi_test_env.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
if [ "$(id -u)" != 0 ] || ! command -v ip > /dev/null || ! command -v unshare > /dev/null; then
  echo "skipped: needs root, ip and unshare"; exit 77
fi
tag=$$
H1=nirl_h1_$tag H2=nirl_h2_$tag
cleanup() { ip netns del "$H1" 2> /dev/null || true; ip netns del "$H2" 2> /dev/null || true; }
trap 'cleanup; rm -rf "$WORK"' EXIT
ip netns add "$H1" && ip netns add "$H2" || { echo "skipped: cannot create network namespaces"; exit 77; }
ip link add "v1_$tag" type veth peer name "v2_$tag"
ip link set "v1_$tag" netns "$H1"
ip link set "v2_$tag" netns "$H2"
ip netns exec "$H1" ip addr add 10.77.0.1/24 dev "v1_$tag"
ip netns exec "$H2" ip addr add 10.77.0.2/24 dev "v2_$tag"
for h in "$H1:v1_$tag" "$H2:v2_$tag"; do
  ip netns exec "${h%%:*}" ip link set lo up
  ip netns exec "${h%%:*}" ip link set "${h#*:}" up
done
cat > rsh_agent <<AGENT
#!/bin/bash
# OpenMPI's rsh agent: runs the launcher's command "on" a host, i.e. in its namespace.
host=\$1; shift
case "\$host" in
  10.77.0.1) ns=$H1; name=nirl-host1 ;;
  10.77.0.2) ns=$H2; name=nirl-host2 ;;
  *) echo "rsh_agent: unknown host \$host" >&2; exit 1 ;;
esac
exec ip netns exec "\$ns" unshare --uts /bin/sh -c "hostname \$name; \$*"
AGENT
chmod +x rsh_agent
AGENT_PATH=$(realpath rsh_agent)
# mpirun on host 1 over both hosts; $1 = the --host list, the rest = the command.
two_hosts() {
  local hosts=$1; shift
  ip netns exec "$H1" unshare --uts /bin/sh -c 'hostname nirl-host1; exec "$@"' sh \
    mpirun --mca plm_rsh_agent "$AGENT_PATH" --host "$hosts" --mca btl tcp,self \
    --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24 --bind-to none "$@"
}
names=$(two_hosts 10.77.0.1:1,10.77.0.2:1 -np 2 hostname | sort | tr '\n' ' ')
[ "$names" = "nirl-host1 nirl-host2 " ] || fail "the ranks did not run on two hosts: $names"

cat > study.ini <<'INI'
seed = 2
[network]
n = 5
lambda = 0.4
[input]
type = telegraph
switch_up = 0.03
switch_down = 0.03
[reward]
type = spike_count
counts = 1,4
[experiment]
kind = study
[study]
vary = study.samples: 2000, 20000
trials = 6
bootstraps = 1
perturbations = dead=2
measures = r2, kl_predicted, aligned_reward, kl_baseline
INI
mkdir -p one two three resume
(cd one && mpirun -np 2 "$NIRL" run ../study.ini --out result.h5 > log.txt 2>&1) || { cat one/log.txt >&2; fail "one host"; }
(cd two && two_hosts 10.77.0.1:1,10.77.0.2:1 -np 2 "$NIRL" run ../study.ini --out result.h5 > log.txt 2>&1) \
  || { cat two/log.txt >&2; fail "two hosts, 2 ranks"; }
h5diff one/result.h5 two/result.h5 > /dev/null || fail "2 ranks on two hosts differ from one host"
(cd three && two_hosts 10.77.0.1:1,10.77.0.2:2 -np 3 "$NIRL" run ../study.ini --out result.h5 > log.txt 2>&1) \
  || { cat three/log.txt >&2; fail "two hosts, 3 ranks"; }
h5diff one/result.h5 three/result.h5 > /dev/null || fail "3 ranks on two hosts differ from one host"
echo "two hosts (2 and 3 ranks): same file as one host"

# Killed on two hosts once some tasks are journaled; resumed on one host. The kill needs the
# run to be still going when the poll below sees the first journaled task: kill.ini simulates
# 2e6 and 5e6 steps per trial, so its tasks after the first one take seconds, not the
# milliseconds of study.ini's. A kill that lands after the run finished is tried again (at
# most 3 times); a one-host run of kill.ini is the reference.
sed 's/vary = study.samples: 2000, 20000/vary = study.samples: 2000000, 5000000/' study.ini > kill.ini
grep -q "samples: 2000000, 5000000" kill.ini || fail "kill.ini was not made"
mkdir -p kill_ref
(cd kill_ref && mpirun -np 2 "$NIRL" run ../kill.ini --out result.h5 > log.txt 2>&1) || { cat kill_ref/log.txt >&2; fail "kill reference"; }
kill_two_host_run() {
  rm -rf resume && mkdir resume
  (cd resume && exec ip netns exec "$H1" unshare --uts /bin/sh -c 'hostname nirl-host1; exec "$@"' sh \
    mpirun --mca plm_rsh_agent "$AGENT_PATH" --host 10.77.0.1:1,10.77.0.2:1 --mca btl tcp,self \
    --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24 --bind-to none -np 2 \
    "$NIRL" run ../kill.ini --out result.h5 > log1.txt 2>&1) &
  local pid=$!
  for _ in $(seq 1 1200); do
    kill -0 "$pid" 2> /dev/null || break
    if compgen -G "resume/result.h5.checkpoint/journal.*" > /dev/null &&
       [ "$(cat resume/result.h5.checkpoint/journal.* 2> /dev/null | wc -c)" -gt 0 ]; then break; fi
    sleep 0.05
  done
  pkill -KILL -f "$NIRL run ../kill.ini" 2> /dev/null || true
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  [ ! -f resume/result.h5 ]
}
attempt=1
until kill_two_host_run; do
  [ "$attempt" -lt 3 ] || fail "the two-host run finished before it was killed, 3 times"
  attempt=$((attempt + 1))
done
(cd resume && mpirun -np 2 "$NIRL" run ../kill.ini --out result.h5 > log2.txt 2>&1) || { cat resume/log2.txt >&2; fail "resume"; }
grep -q "resuming from" resume/log2.txt || fail "the one-host run did not resume the two-host checkpoint"
h5diff kill_ref/result.h5 resume/result.h5 > /dev/null || fail "the resumed result differs"
echo "killed on two hosts (attempt $attempt), resumed on one: $(grep resuming resume/log2.txt)"
echo "1 passed, 0 failed"
