#!/usr/bin/env bash
# Wall time of two mtlint binaries in turn (A, B, A, B, ...) on the bench lines, so that both see
# the same moments of the VM's drifting speed; prints each one's times and median.
# Usage: bash scripts/ab_time.sh BIN_A BIN_B [TURNS] [LINES] [JOBS]   (defaults 10 turns, 100,000 lines, 1 job)
# e.g. build the code before a change in a worktree (git worktree add /tmp/before REV && cd /tmp/before &&
# cargo build --release), then: bash scripts/ab_time.sh /tmp/before/target/release/mtlint target/release/mtlint
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1 b=$2 turns=${3:-10} lines=${4:-100000} jobs=${5:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/bench_lines.py "$lines" "$work/lines.txt"
for _ in $(seq "$turns"); do
  for bin in "$a" "$b"; do
    /usr/bin/time -f "$bin %e" "$bin" scan --jobs "$jobs" --input-format lines --format jsonl "$work/lines.txt" 2>&1 > /dev/null | tail -1
  done
done | python3 -c "
import sys, statistics, collections
t = collections.defaultdict(list)
for line in sys.stdin:
    b, s = line.rsplit(' ', 1)
    t[b].append(float(s))
for b, v in t.items():
    print(f'{b}: median {statistics.median(v):.2f} s  ({\" \".join(f\"{x:.2f}\" for x in v)})')
"
