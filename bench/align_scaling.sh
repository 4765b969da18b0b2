#!/usr/bin/env bash
# Photos/s of detect-only and of `align` (both MTCNN, each photo decoded once)
# at several worker counts, on one folder of person-per-folder photos:
#
#   bench/align_scaling.sh FACECURATE_BIN DATASET "1 4 16" [ROUNDS]
#
# FACECURATE_CACHE must hold the default models and the MTCNN weights.
set -euo pipefail
bin="$1"; src="$2"; workers="${3:-1 2}"; rounds="${4:-2}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
for w in $workers; do
  for r in $(seq "$rounds"); do
    d=$("$bin" --device cpu --workers "$w" detect --detector mtcnn "$src" 2>&1 >/dev/null | grep -o '[0-9.]* photos/s')
    rm -rf "$work/dst"
    a=$("$bin" --device cpu --workers "$w" align --detector mtcnn "$src" "$work/dst" 2>&1 >/dev/null | grep -o '[0-9.]* photos/s')
    echo "workers $w round $r: detect $d, align $a"
  done
done
