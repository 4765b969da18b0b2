#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) or RUNS executions,
# whichever comes first, two at a time, seeded with the committed corpus
# plus the fetched sample photos for `decode`. What the fuzzer grows stays in
# fuzz/target/corpus/<target>/ (not committed); a crash lands in
# fuzz/artifacts/<target>/ and, once fixed, is copied into fuzz/corpus/<target>/
# so the replay test keeps it fixed.
# Prints executions per target. Usage: bench/fuzz_all.sh [SECONDS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-600}
runs=${2:-1000000}
samples=$(cargo run -q --release --manifest-path ../Cargo.toml -- models path celeb5 2>/dev/null || true)
extra=()
if [ -n "$samples" ]; then
  mkdir -p target/seed-photos
  find "$samples" -type f -name '*.jp*g' | head -n 40 | xargs -I{} cp {} target/seed-photos/
  extra=(target/seed-photos)
fi
run() { # TARGET
  local dirs=("target/corpus/$1" "corpus/$1")
  [ "$1" = decode ] && dirs+=("${extra[@]}")
  mkdir -p "target/corpus/$1" "artifacts/$1"
  cargo +nightly fuzz run -O "$1" "${dirs[@]}" -- -max_total_time="$seconds" -runs="$runs" \
    -rss_limit_mb=4096 -artifact_prefix="artifacts/$1/" > "target/$1.log" 2>&1 || true
  local line
  line=$(grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "target/$1.log" | tail -n 1)
  echo "$1: ${line%%cov:*} $(grep -c 'ERROR: libFuzzer\|panicked' "target/$1.log" || true) crashes"
}
run decode & run workspace_yaml; wait
run journal_steps & run pair_file; wait
run embedder_spec
