#!/usr/bin/env bash
# How mtlint scales from one core to all: `mtlint scan --input-format lines --format jsonl` on the bench
# lines (benches/sentences.txt repeated to LINES lines) in TURNS turns, seconds apart. Each turn runs
# 1 core (taskset -c 0: reading, scoring and writing on core 0), 1 job (one scoring thread, the reading
# and writing thread free to run on another core), all cores (--jobs = nproc), and the machine's own
# ceiling: one copy of the 1-core scan per core, all at once, each pinned to its core (work that shares
# nothing: what the cores give when they run together, against one alone); and the same ceiling for a
# loop that only computes (a Python loop, in a few KB of memory), to tell the VM's cores slowing each other
# from the programs' memory traffic. The ratios are per turn, so the VM's drift from minute to minute (20%
# and more) does not enter them; it prints their medians.
# Usage: bash scripts/scaling.sh [LINES] [TURNS]    (defaults 100000 and 10; about 6 s a turn)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-100000}
turns=${2:-10}
cargo build --release --quiet
bin=./target/release/mtlint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/bench_lines.py "$lines" "$work/corpus.txt"
wall() { # seconds, one run, to the millisecond
  local start=$EPOCHREALTIME
  "$@" > /dev/null
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}
cores=$(nproc)
copies() { # seconds until one copy of the command per core, each pinned to its core, are all done
  local start=$EPOCHREALTIME
  for c in $(seq 0 $((cores - 1))); do
    taskset -c "$c" "$@" > /dev/null &
  done
  wait
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}
spin=(python3 -c "x = 0
for i in range(3_000_000): x += i * i % 7")
echo "scaling, interleaved turns ($cores jobs against 1 core and against 1 job; the ceiling: $cores copies of the 1-core scan at once, one per core, against 1 alone):"
echo
echo "| turn | 1 core | 1 job | $cores jobs | $cores copies | $cores jobs / 1 core | $cores jobs / 1 job | ceiling: $cores copies / 1 | compute only: $cores copies / 1 |"
echo "|---|---|---|---|---|---|---|---|---|"
$bin scan --input-format lines --format jsonl "$work/corpus.txt" > /dev/null # (warm: the binary's pages, the corpus)
for r in $(seq "$turns"); do
  core=$(wall taskset -c 0 $bin scan --input-format lines --format jsonl --jobs 1 "$work/corpus.txt")
  one=$(wall $bin scan --input-format lines --format jsonl --jobs 1 "$work/corpus.txt")
  all=$(wall $bin scan --input-format lines --format jsonl --jobs "$cores" "$work/corpus.txt")
  both=$(copies $bin scan --input-format lines --format jsonl --jobs 1 "$work/corpus.txt")
  spin_one=$(wall taskset -c 0 "${spin[@]}")
  spin_all=$(copies "${spin[@]}")
  echo "$core $one $all $both $spin_one $spin_all" >> "$work/scaling.txt"
  python3 -c "print(f'| $r | $core s | $one s | $all s | $both s | {$core / $all:.2f} | {$one / $all:.2f} | {$cores * $core / $both:.2f} | {$cores * $spin_one / $spin_all:.2f} |')"
done
python3 - "$work/scaling.txt" "$cores" <<'PY'
import sys, statistics
turns = [tuple(map(float, a.split())) for a in open(sys.argv[1])]
cores = int(sys.argv[2])
per_core = [t[0] / t[2] for t in turns]
per_job = [t[1] / t[2] for t in turns]
ceiling = [cores * t[0] / t[3] for t in turns]
share = [t[3] / (cores * t[2]) for t in turns]  # all cores / 1 core, over the ceiling
compute = [cores * t[4] / t[5] for t in turns]
n = len(turns)
print(f"\nmedians per turn: {cores} jobs {statistics.median(per_core):.2f} times 1 core ({sum(r >= 1.8 for r in per_core)} of {n} turns at 1.8 or more), "
    f"{statistics.median(per_job):.2f} times 1 job ({sum(r >= 1.8 for r in per_job)} of {n}); "
    f"the machine's ceiling {statistics.median(ceiling):.2f} ({sum(r >= 1.8 for r in ceiling)} of {n}); "
    f"{cores} jobs reach {statistics.median(share):.0%} of the ceiling; the compute-only ceiling {statistics.median(compute):.2f} ({sum(r >= 1.8 for r in compute)} of {n})")
PY
