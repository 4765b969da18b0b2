#!/usr/bin/env bash
# Photos/s of `facecurate align` against detect-only (`facecurate detect`) on
# the same photos with the same detector, alternating runs to even out load:
# align adds only the crop, the PNG write and the box file to one decode and
# one detection per photo.
#
#   bench/align_vs_detect.sh DATASET [N_PHOTOS] [ROUNDS]
# DATASET is person-per-folder; the first N_PHOTOS (default 1000) photos are
# linked into a scratch dataset. Besides photos/s (wall clock, sensitive to
# other load on the machine), each run's CPU seconds (user + sys) are shown:
# on a shared machine that is the steadier measure of the work done.
set -euo pipefail
src="${1:?dataset}"; n="${2:-1000}"; rounds="${3:-2}"
bin="$(dirname "$0")/../target/release/facecurate"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
count=0
for person in "$src"/*/; do
  name="$(basename "$person")"
  for photo in "$person"*; do
    [ "$count" -ge "$n" ] && break 2
    mkdir -p "$work/src/$name"; ln -s "$(realpath "$photo")" "$work/src/$name/"; count=$((count+1))
  done
done
echo "$count photos"
cpu() { /usr/bin/time -f "cpu %U user + %S sys s" "$@" 2>&1 >/dev/null | grep -E 'photos/s|^cpu' | tr '\n' ' '; echo; }
for r in $(seq "$rounds"); do
  printf 'detect: '; cpu "$bin" --device cpu detect --detector mtcnn "$work/src"
  rm -rf "$work/dst"
  printf 'align:  '; cpu "$bin" --device cpu align --detector mtcnn "$work/src" "$work/dst"
done
