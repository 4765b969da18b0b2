#!/usr/bin/env bash
# Submit a sharded facecurate scan to SLURM: an N-task job array (scan.sbatch,
# task I scans shard I/N), then the merge (merge.sbatch: store merge, then
# report --json into a file), which runs only when every task completed
# (--dependency=afterok) and is cancelled when one fails.
#
# Usage: deploy/slurm/submit.sh WS.yaml N [extra sbatch arguments...]
#   e.g. deploy/slurm/submit.sh /shared/faces/workspace.yaml 64 --partition=gpu --account=vision
# The extra arguments go to both sbatch calls.
#
# Before: the dataset, WS.yaml and its state folder on storage every node
# sees; the models fetched once into a shared cache:
#   export FACECURATE_CACHE=/shared/facecurate-cache
#   facecurate models fetch
#
# Environment:
#   FACECURATE_BIN        the binary (default: facecurate on PATH); the path
#                         must be valid on the compute nodes
#   FACECURATE_OUT        folder for the job logs and report.json
#                         (default: ./facecurate-slurm)
#   FACECURATE_DEVICE     the scan's --device: auto (default), cpu or cuda
#   FACECURATE_SCAN_SBATCH   more sbatch arguments for the array only, split on
#                         spaces, e.g. "--gres=gpu:1 --cpus-per-task=8"
#   FACECURATE_MERGE_SBATCH  more sbatch arguments for the merge only
#   FACECURATE_CACHE      the model cache (passed on to the jobs, as is the
#                         whole environment: sbatch --export=ALL)
# Prints the job ids as `scan_job=ID` and `merge_job=ID` lines.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 WS.yaml N [extra sbatch arguments...]" >&2
  exit 2
fi
ws=$1
n=$2
shift 2
case $n in
  '' | *[!0-9]*) echo "$0: N must be a positive number, not '$n'" >&2; exit 2 ;;
esac
if [ "$n" -lt 1 ]; then echo "$0: N must be at least 1" >&2; exit 2; fi
[ -f "$ws" ] || { echo "$0: no workspace file $ws (facecurate -w $ws init DATASET writes one)" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
ws=$(realpath "$ws")
bin=${FACECURATE_BIN:-facecurate}
# An absolute path, so the jobs run this binary whatever their PATH.
if resolved=$(command -v "$bin"); then bin=$(realpath "$resolved"); else
  echo "$0: facecurate binary '$bin' not found (set FACECURATE_BIN)" >&2; exit 2
fi
out=${FACECURATE_OUT:-facecurate-slurm}
mkdir -p "$out"
out=$(realpath "$out")
read -r -a scan_extra <<<"${FACECURATE_SCAN_SBATCH:-}"
read -r -a merge_extra <<<"${FACECURATE_MERGE_SBATCH:-}"

export FACECURATE_BIN=$bin

# --parsable prints "ID" or "ID;CLUSTER".
scan_job=$(sbatch --parsable --export=ALL \
  --array="0-$((n - 1))" \
  --output="$out/scan-%A_%a.log" \
  "$@" "${scan_extra[@]}" \
  "$here/scan.sbatch" "$ws" "$n")
scan_job=${scan_job%%;*}

merge_job=$(sbatch --parsable --export=ALL \
  --dependency="afterok:$scan_job" --kill-on-invalid-dep=yes \
  --output="$out/merge-%j.log" \
  "$@" "${merge_extra[@]}" \
  "$here/merge.sbatch" "$ws" "$out/report.json" "$n")
merge_job=${merge_job%%;*}

echo "submitted: scan array $scan_job ($n tasks), merge $merge_job after it"
echo "logs and report.json: $out"
echo "watch: squeue -j $scan_job,$merge_job"
echo "scan_job=$scan_job"
echo "merge_job=$merge_job"
