#!/usr/bin/env bash
# Drives the TUI inside tmux (120x40) with a few hundred harmless keys
# (screen switching, list navigation, opening people, search typing, the
# help overlay) while whatever the UI starts (a cold scan on an empty
# store) runs, with FACECURATE_TRACE on; then quits and summarises.
# Never presses a key that edits the dataset.
# Usage: bench/tui_keys.sh FACECURATE_BINARY WORKSPACE.yaml TRACE.tsv [SECONDS]
set -euo pipefail
bin=$(realpath "${1:?usage: bench/tui_keys.sh BINARY WORKSPACE TRACE [SECONDS]}")
ws=$(realpath "${2:?workspace file}")
trace=$(realpath -m "${3:?trace file}")
seconds=${4:-150}
here=$(cd "$(dirname "$0")" && pwd)
sock="facecurate-bench-$$"
tmux -L "$sock" new-session -d -s b -x 120 -y 40 \
  "FACECURATE_TRACE='$trace' ${FACECURATE_CACHE:+FACECURATE_CACHE='$FACECURATE_CACHE' }'$bin' -w '$ws'; sleep 5"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true' EXIT
key() { tmux -L "$sock" send-keys -t b "$@"; sleep "0.$(( RANDOM % 3 + 1 ))"; }
sleep 3
end=$(( SECONDS + seconds ))
rounds=0
keys=0
while (( SECONDS < end )); do
  uptime >&2
  # People: down a few, open one, walk its photos, back.
  for _ in 1 2 3 4 5; do key j; done; keys=$((keys + 5))
  key Enter; key j; key j; key k; key Escape; keys=$((keys + 5))
  # Search typing on People.
  key /; for c in g e o r; do key "$c"; done; key BSpace; key BSpace; key Enter; key Escape; keys=$((keys + 9))
  key G; key g; keys=$((keys + 2))
  # Every other screen: a few rows down and up.
  for _ in 1 2 3 4; do key Tab; key j; key j; key k; keys=$((keys + 4)); done
  key Tab; keys=$((keys + 1))
  key '?'; key Escape; keys=$((keys + 2))
  rounds=$((rounds + 1))
done
tmux -L "$sock" capture-pane -p -t b | tail -n 1 >&2
key q
sleep 2
echo "sent $keys keys in $rounds rounds over ${seconds}s" >&2
python3 "$here/tui_trace_summary.py" "$trace"
