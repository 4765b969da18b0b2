#!/usr/bin/env python3
"""Summarises a TUI timing trace (FACECURATE_TRACE=FILE, see src/tui/trace.rs):
count, median, p95, p99 and max of each kind (frame = time in terminal.draw, render = the part of it building the frame,
data = update() for one fresh view,
key = key arrival to the end of the draw that shows it, update = one drained
batch of messages), and how many exceed the budgets (16 ms a frame, 50 ms a key).

Usage: bench/tui_trace_summary.py TRACE.tsv [--since MS] [--until MS]
"""
import argparse
import csv
import math
import sys

BUDGET_MS = {"frame": 16.0, "render": 16.0, "key": 50.0}


def percentile(sorted_values, q):
    """Nearest-rank percentile (q in 0..100) of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trace")
    ap.add_argument("--since", type=float, default=0.0, help="ignore events before this ms")
    ap.add_argument("--until", type=float, default=math.inf, help="ignore events after this ms")
    args = ap.parse_args()
    values = {}
    worst = {}
    try:
        with open(args.trace, newline="") as f:
            for n, row in enumerate(csv.DictReader(f, delimiter="\t"), start=2):
                try:
                    at, took = float(row["at_ms"]), float(row["duration_ms"])
                except (KeyError, TypeError, ValueError):
                    print(f"{args.trace}:{n}: skipped an unreadable line", file=sys.stderr)
                    continue
                if not args.since <= at <= args.until:
                    continue
                kind = row["kind"]
                values.setdefault(kind, []).append(took)
                if took > worst.get(kind, (-1.0, 0.0, ""))[0]:
                    worst[kind] = (took, at, row.get("detail") or "")
    except OSError as e:
        sys.exit(f"{args.trace}: {e}")
    print(f"{'kind':<7} {'count':>6} {'median':>8} {'p95':>8} {'p99':>8} {'max':>8}  over budget")
    for kind in ("frame", "render", "key", "update", "data"):
        v = sorted(values.get(kind, []))
        if not v:
            continue
        budget = BUDGET_MS.get(kind)
        over = f"{sum(x > budget for x in v)} > {budget:g} ms" if budget else "-"
        print(
            f"{kind:<7} {len(v):>6} {percentile(v, 50):>8.2f} {percentile(v, 95):>8.2f} "
            f"{percentile(v, 99):>8.2f} {v[-1]:>8.2f}  {over}"
        )
    for kind, (took, at, detail) in sorted(worst.items()):
        print(f"worst {kind}: {took:.2f} ms at {at / 1000:.1f} s ({detail})")


if __name__ == "__main__":
    main()
