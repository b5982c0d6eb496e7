#!/usr/bin/env bash
# Whole-process benchmark: `mtlint scan --input-format lines --format jsonl` on a fixed corpus built from
# the repository's own sample (benches/sentences.txt: 2,000 held-out WMT news lines, repeated to
# LINES lines), several runs, median wall time and peak RSS from /usr/bin/time -v: on one core (taskset),
# with one scoring thread, and on all cores (when the binary has --jobs); scripts/scaling.sh with 2 x
# RUNS turns, for the ratio of all cores to one; start-up time on a one-line input; and, when
# data/build/baseline.pkl exists (scripts/baseline.py), the generic baseline's scoring-only throughput on
# the same lines, run in turn with mtlint, so that each ratio compares runs seconds apart.
# Usage: bash scripts/bench.sh [LINES] [RUNS]    (defaults 100000 and 5)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-100000}
runs=${2:-5}
cargo build --release --quiet
bin=./target/release/mtlint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/bench_lines.py "$lines" "$work/corpus.txt"
# The same lines as documents of 20 sentences (JSONL, one article-sized text each), as a feed of
# articles would be scanned: segmentation and the rules that look back see whole documents.
python3 - "$work/corpus.txt" "$work/documents.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for i in range(0, len(lines), 20):
        f.write(json.dumps({"id": f"doc{i // 20}", "text": " ".join(lines[i:i + 20])}) + "\n")
PY
bytes=$(stat -c %s "$work/corpus.txt")
# sentences as mtlint counts them
count() { $bin scan --format jsonl "$@" | python3 -c "import sys,json; print(sum(len(json.loads(l)['sentences']) for l in sys.stdin))"; }
sentences=$(count --input-format lines "$work/corpus.txt")
doc_sentences=$(count --input-format jsonl "$work/documents.jsonl")

measure() { # label, args...   (counts: $sentences sentences in $bytes bytes of text)
  local label=$1; shift
  local times=() rss=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -v "$@" > /dev/null 2> "$work/time.txt"
    times+=("$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')")
    rss+=("$(grep 'Maximum resident' "$work/time.txt" | awk '{print $NF}')")
  done
  python3 - "$label" "$sentences" "$bytes" "${times[*]}" "${rss[*]}" <<'PY'
import sys, statistics
label, sentences, nbytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
times = [float(t) for t in sys.argv[4].split()]
rss = [int(r) for r in sys.argv[5].split()]
t = statistics.median(times)
print(f"| {label} | {sentences:,} | {t:.2f} s | {sentences / t:,.0f} | {nbytes / t / 1e6:.1f} | {max(rss) / 1024:.0f} MB |")
PY
}

wall() { # seconds, one run, to the millisecond (time -f %e gives hundredths)
  local start=$EPOCHREALTIME
  "$@" > /dev/null
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}

echo "corpus: $lines lines, $sentences sentences, $((bytes / 1000000)) MB; median of $runs runs"
echo
echo "| run | sentences | wall time | sentences/s | MB/s | peak RSS |"
echo "|---|---|---|---|---|---|"
if $bin scan --help | grep -q -- '--jobs'; then
  # 1 core: everything (reading, scoring, writing) on core 0. 1 job: one scoring thread, with the thread
  # that reads and writes free to run on another core.
  measure "mtlint, 1 core (taskset -c 0)" taskset -c 0 $bin scan --input-format lines --format jsonl --jobs 1 "$work/corpus.txt"
  measure "mtlint, 1 job" $bin scan --input-format lines --format jsonl --jobs 1 "$work/corpus.txt"
  measure "mtlint, $(nproc) jobs" $bin scan --input-format lines --format jsonl --jobs "$(nproc)" "$work/corpus.txt"
  lines_sentences=$sentences
  sentences=$doc_sentences # the same text: the same bytes, sentences as segmented in documents
  measure "mtlint, documents of 20 lines, 1 job" $bin scan --input-format jsonl --format jsonl --jobs 1 "$work/documents.jsonl"
  sentences=$lines_sentences
else
  measure "mtlint (1 thread)" $bin scan --input-format lines --format jsonl "$work/corpus.txt"
fi
echo "The chosen text is the start of a sentence. It said \$ 300 million." > "$work/one.txt"
starts=()
for _ in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" $bin scan --format jsonl "$work/one.txt" > /dev/null 2> "$work/start.txt"
  starts+=("$(tail -1 "$work/start.txt")")
done
python3 - "${starts[@]}" <<'PY'
import sys, statistics
runs = [tuple(map(float, a.split())) for a in sys.argv[1:]]
print(f"\nstart-up including model load (one-line input): median {statistics.median(r[0] for r in runs) * 1000:.0f} ms, peak RSS {max(r[1] for r in runs) / 1024:.0f} MB")
PY
if [ "$(nproc)" -gt 1 ] && $bin scan --help | grep -q -- '--jobs'; then
  echo
  bash scripts/scaling.sh "$lines" $((2 * runs))
fi
if [ -f data/build/baseline.pkl ]; then
  # mtlint and the baseline in turn, run after run, so that each ratio compares runs minutes apart (the
  # VM's speed drifts by 20% from hour to hour); the ratios are per line, the baseline scoring only.
  echo
  echo "against the baseline (scripts/baseline.py --time-lines: scoring only, same lines), interleaved runs:"
  echo
  echo "| run | mtlint 1 job, lines/s | mtlint $(nproc) jobs, lines/s | baseline, lines/s | ratio, 1 job | ratio, $(nproc) jobs |"
  echo "|---|---|---|---|---|---|"
  for r in $(seq "$runs"); do
    one=$(wall $bin scan --input-format lines --format jsonl --jobs 1 "$work/corpus.txt")
    all=$(wall $bin scan --input-format lines --format jsonl --jobs "$(nproc)" "$work/corpus.txt")
    base=$(python3 scripts/baseline.py --time-lines "$work/corpus.txt" | python3 -c "import json,sys; print(json.load(sys.stdin)['sentences_per_second'])")
    python3 - "$r" "$lines" "$one" "$all" "$base" "$work/ratios.txt" <<'PY'
import sys
r, lines, one, every, base, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
a, b = lines / one / base, lines / every / base
print(f"| {r} | {lines / one:,.0f} | {lines / every:,.0f} | {base:,.0f} | {a:.1f} | {b:.1f} |")
open(out, "a").write(f"{a} {b}\n")
PY
  done
  python3 - "$work/ratios.txt" <<'PY'
import sys, statistics
pairs = [tuple(map(float, a.split())) for a in open(sys.argv[1])]
print(f"\nmedian ratio per line: {statistics.median(p[0] for p in pairs):.1f} with 1 job, {statistics.median(p[1] for p in pairs):.1f} with all jobs")
PY
fi
