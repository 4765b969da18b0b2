#!/usr/bin/env bash
# 10,000 photos copied into a watched dataset in one burst: how long until
# the watcher has every one in the store, and that none is lost or doubled.
# Runs `facecurate watch --json` on a copy of the 5-celebrity sample photos,
# waits for its first scan, then copies N distinct photos (sample photos with
# a counter appended after the image data) into five person folders at once.
# Usage: bench/burst.sh PATH/TO/facecurate [N]
set -euo pipefail
bin=$(realpath "${1:?usage: bench/burst.sh FACECURATE_BINARY [N]}")
n=${2:-10000}
work=$(mktemp -d)
trap 'kill "$watch" 2>/dev/null || true; rm -rf "$work"' EXIT
samples=$("$bin" models path celeb5)
cp -r "$samples/train" "$work/ds"
"$bin" -w "$work/ws.yaml" init "$work/ds" >/dev/null 2>&1
before=$(find "$work/ds" -type f | wc -l)
"$bin" -w "$work/ws.yaml" watch --json > "$work/events" 2> "$work/log" &
watch=$!
until grep -q '"event":"scanned"' "$work/events" 2>/dev/null; do sleep 0.5; done
echo "initial scan done: $before photos"
mapfile -t src < <(find "$samples/train" -type f | sort)
mkdir -p "$work/burst"
for i in $(seq 1 "$n"); do
  s=${src[$(( i % ${#src[@]} ))]}
  person=$(basename "$(dirname "$s")")
  { cat "$s"; printf '#%d' "$i"; } > "$work/burst/$person.$i.jpg"
done
seen=$(wc -l < "$work/events")
start=$(date +%s.%N)
for p in "$work/ds"/*/; do
  name=$(basename "$p")
  find "$work/burst" -name "$name.*" -exec mv -t "$p" {} +
done
moved=$(date +%s.%N)
want=$(( before + n ))
while :; do
  have=$(sqlite3 "$work/facecurate-state/store.sqlite" "select count(*) from files f join content c on c.hash = f.hash" 2>/dev/null || echo 0)
  [ "$have" -ge "$want" ] && break
  sleep 1
done
done_at=$(date +%s.%N)
kill "$watch"; wait "$watch" 2>/dev/null || true
files=$(find "$work/ds" -type f | wc -l)
rows=$(sqlite3 "$work/facecurate-state/store.sqlite" "select count(*) from files")
overflow=$(tail -n +"$((seen + 1))" "$work/events" | grep -c '"event":"progress"' || true)
awk -v s="$start" -v m="$moved" -v d="$done_at" -v n="$n" -v f="$files" -v r="$rows" -v o="$overflow" 'BEGIN {
  printf "burst of %d photos: moved in %.1f s; all in the store %.1f s after the burst began (%.0f photos/s)\n", n, m - s, d - s, n / (d - s)
  printf "files on disk %d, store rows %d; full-rescan progress events %d (0 = no lost events)\n", f, r, o
}'
[ "$files" -eq "$rows" ] || { echo "store and folder disagree" >&2; exit 1; }
