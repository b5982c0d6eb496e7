#!/usr/bin/env bash
# How much wall time a table's cache misses cost at most: builds this checkout's HEAD as it is and with a
# patch from benches/headroom/ that moves every lookup of that table into its first 1,024 buckets (64 KB,
# which stay in the cache: the same lookups, the same code, wrong scores), then times the two in turn
# (scripts/ab_time.sh, 100,000 bench lines, 1 job unless JOBS is given) and counts their instructions per line (callgrind,
# (I10k - I2k) / 8000), since the patched lookups do not do exactly the same work.
# Usage: bash scripts/headroom.sh benches/headroom/PATCH [TURNS] [JOBS]   (default 15 turns, 1 job; about 5 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
patch=$(realpath "$1") turns=${2:-15} jobs=${3:-1}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --quiet --detach "$work/tree" HEAD
git -C "$work/tree" apply "$patch"
# (a target directory of its own, kept between runs: the second build is incremental)
for side in as-is patched; do
  [ "$side" = patched ] && dir="$work/tree" || dir=.
  (cd "$dir" && CARGO_TARGET_DIR="$OLDPWD/target/headroom-$side" cargo build --release --quiet)
  cp "target/headroom-$side/release/mtlint" "$work/$side"
done
for n in 2000 10000; do python3 scripts/bench_lines.py "$n" "$work/lines$n.txt"; done
for side in as-is patched; do
  counts=()
  for n in 2000 10000; do
    counts+=("$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$work/$side" scan --input-format lines --format jsonl --jobs 1 "$work/lines$n.txt" 2>&1 >/dev/null | awk '/Collected/ {print $NF}')")
  done
  echo "$side: $(( (counts[1] - counts[0]) / 8000 )) instructions per line"
done
bash scripts/ab_time.sh "$work/as-is" "$work/patched" "$turns" 100000 "$jobs"
