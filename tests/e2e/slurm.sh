#!/usr/bin/env bash
# End-to-end: a sharded scan on a real SLURM cluster. Starts a one-node
# cluster on this machine (Debian's slurmctld, slurmd and munge; no systemd,
# a slurm.conf in a temporary folder), submits deploy/slurm/submit.sh with a
# 3-task scan array over the 5-celebrity sample photos and the dependent
# merge job, waits for all of them to be COMPLETED (scontrol show job), and
# compares the merged `report --json` byte for byte with a single-process
# `scan` + `report --json` of a second workspace on the same photos.
# Stops the daemons it started, by PID, however it ends.
# Usage: tests/e2e/slurm.sh BIN   (BIN: the facecurate binary)
# Needs root (the daemons and the jobs run as root). Installs the packages when
# missing: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge
# SLURM_E2E_TIMEOUT: seconds to wait for the jobs (default 900).
set -euo pipefail
bin=$(realpath "${1:?usage: tests/e2e/slurm.sh BIN}")
[ -x "$bin" ] || { echo "slurm e2e: $bin is not an executable" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/../.." && pwd)
timeout_s=${SLURM_E2E_TIMEOUT:-900}
[ "$(id -u)" = 0 ] || { echo "slurm e2e: needs root (it starts slurmctld, slurmd and munged)" >&2; exit 2; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
  || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi
for d in slurmctld slurmd; do
  if pgrep -x "$d" >/dev/null; then
    echo "slurm e2e: a $d is already running on this machine; stop it first" >&2
    exit 2
  fi
done

work=$(mktemp -d)
ctld_pid='' slurmd_pid='' munged_pid=''
ok=0
dump_logs() {
  for f in "$work"/log/* "$work"/out/*.log; do
    [ -f "$f" ] || continue
    echo "----- $f" >&2
    tail -n 60 "$f" >&2
  done
}
cleanup() {
  set +e
  if [ "$ok" != 1 ]; then dump_logs; fi
  # Jobs still there (a failure or a timeout): cancel them before the daemons go.
  if [ -n "$ctld_pid" ] && [ -n "${scan_job:-}" ]; then
    # shellcheck disable=SC2086 # lists of job ids
    scancel $scan_job ${merge_job:-} 2>/dev/null
    sleep 2
  fi
  for pid in $slurmd_pid $ctld_pid $munged_pid; do
    kill "$pid" 2>/dev/null
  done
  for pid in $slurmd_pid $ctld_pid $munged_pid; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

# munge: the credentials slurmctld and slurmd trust. Debian's package writes
# /etc/munge/munge.key; munged wants /run/munge (owner munge).
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  mkdir -p /run/munge
  chown munge:munge /run/munge
  chmod 755 /run/munge
  su -s /bin/sh munge -c /usr/sbin/munged
  for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  munged_pid=$(cat /run/munge/munged.pid)
  munge -n | unmunge >/dev/null || { echo "slurm e2e: munge does not work" >&2; exit 1; }
fi

# slurm.conf outside /etc: SLURM_CONF tells the daemons and the clients alike.
host=$(hostname -s)
mkdir -p "$work/state" "$work/spool" "$work/log" "$work/out"
node=$(slurmd -C | head -n 1)
case $node in NodeName=*) ;; *) echo "slurm e2e: slurmd -C said: $node" >&2; exit 1 ;; esac
cat >"$work/slurm.conf" <<CONF
ClusterName=facecurate-e2e
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
MinJobAge=3600
ReturnToService=2
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=e2e Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf

slurmctld -D -c >"$work/log/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D -N "$host" >"$work/log/slurmd.out" 2>&1 &
slurmd_pid=$!
for _ in $(seq 120); do
  state=$(sinfo -h -N -o '%t' 2>/dev/null | head -n 1 || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "${state:-}" = idle ] || { echo "slurm e2e FAILED: the node is not idle (sinfo: '${state:-}')" >&2; exit 1; }
echo "slurm e2e: cluster up ($(sinfo -h -o '%P %D %c %t'))"

# The photos, and two workspaces on them: one scanned by SLURM, one by a
# single process. CPU for both, so both embed alike.
"$bin" models fetch
cp -r "$("$bin" models path celeb5)/train" "$work/ds"
mkdir -p "$work/sharded" "$work/single"
"$bin" -w "$work/sharded/ws.yaml" init "$work/ds"
"$bin" -w "$work/single/ws.yaml" init "$work/ds"

export FACECURATE_BIN=$bin FACECURATE_OUT=$work/out FACECURATE_DEVICE=cpu
# One CPU per task, so all three tasks run at once on a two-core machine too.
export FACECURATE_SCAN_SBATCH="--cpus-per-task=1" FACECURATE_MERGE_SBATCH="--cpus-per-task=1"
submitted=$(bash "$repo/deploy/slurm/submit.sh" "$work/sharded/ws.yaml" 3)
echo "$submitted"
scan_job=$(sed -n 's/^scan_job=//p' <<<"$submitted")
merge_job=$(sed -n 's/^merge_job=//p' <<<"$submitted")
if [ -z "$scan_job" ] || [ -z "$merge_job" ]; then
  echo "slurm e2e FAILED: no job ids from submit.sh" >&2
  exit 1
fi

# The single-process scan, while the cluster works.
"$bin" --device cpu -w "$work/single/ws.yaml" scan
"$bin" --device cpu -w "$work/single/ws.yaml" report --json >"$work/single.json"

# Final states from scontrol (sacct would need slurmdbd). An array job shows
# one record per task.
states() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort | uniq -c | awk '{printf " %s %s", $1, $2}'; }
# wait_completed SCAN_JOB TASKS MERGE_JOB: until the scan's TASKS tasks and
# the merge are COMPLETED; fails at once on a failed, cancelled or timed-out one.
wait_completed() {
  local deadline=$((SECONDS + timeout_s)) scan_states merge_states
  while :; do
    scan_states=$(states "$1")
    merge_states=$(states "$3")
    if [ "$scan_states" = " $2 COMPLETED" ] && [ "$merge_states" = " 1 COMPLETED" ]; then break; fi
    if grep -Eq 'FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED' <<<"$scan_states $merge_states"; then
      echo "slurm e2e FAILED: scan $1:$scan_states merge $3:$merge_states" >&2
      scontrol show job "$1" "$3" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "slurm e2e FAILED: not done after ${timeout_s}s (scan $1:$scan_states merge $3:$merge_states)" >&2
      exit 1
    fi
    sleep 1
  done
  echo "slurm e2e: scan $1:$scan_states merge $3:$merge_states"
}
wait_completed "$scan_job" 3 "$merge_job"

for i in 0 1 2; do
  [ -s "$work/sharded/facecurate-state/shards/3/$i.sqlite" ] \
    || { echo "slurm e2e FAILED: no shard store shards/3/$i.sqlite" >&2; exit 1; }
done
for f in "$work"/out/scan-*.log "$work"/out/merge-*.log; do
  echo "  ${f##*/}: $(grep -v -e 'PMIx' -e 'pmix' "$f" | tail -n 2 | tr '\n' ' ')"
done
report="$work/out/report.json"
[ -s "$report" ] || { echo "slurm e2e FAILED: the merge job wrote no $report" >&2; exit 1; }
if ! cmp "$report" "$work/single.json"; then
  diff <(head -c 4000 "$report") <(head -c 4000 "$work/single.json") >&2 || true
  echo "slurm e2e FAILED: the merged report differs from the single-process one" >&2
  exit 1
fi

# As after a failed task (README): that task alone again, with N given, then
# the merge by hand after it. The shard resumes (nothing left to embed) and
# the report stays the same.
rerun_job=$(sbatch --parsable --export=ALL --array=1 --cpus-per-task=1 \
  --output="$work/out/rerun-%A_%a.log" "$repo/deploy/slurm/scan.sbatch" "$work/sharded/ws.yaml" 3)
rerun_job=${rerun_job%%;*}
remerge_job=$(sbatch --parsable --export=ALL --dependency="afterok:$rerun_job" --cpus-per-task=1 \
  --output="$work/out/remerge-%j.log" "$repo/deploy/slurm/merge.sbatch" "$work/sharded/ws.yaml" "$work/out/report2.json" 3)
remerge_job=${remerge_job%%;*}
scan_job="$scan_job $rerun_job" merge_job="$merge_job $remerge_job"  # for the clean-up's scancel
wait_completed "$rerun_job" 1 "$remerge_job"
echo "  rerun: $(grep -v -i 'pmix' "$work/out/rerun-${rerun_job}_1.log" | tail -n 1)"
if ! cmp "$work/out/report2.json" "$work/single.json"; then
  echo "slurm e2e FAILED: after one task ran again and a second merge, the report differs" >&2
  exit 1
fi
ok=1
echo "slurm e2e ok: 3 shards on SLURM, merged report identical to a single scan ($(stat -c %s "$report") bytes); one task run again and merged again: identical"
