#!/usr/bin/env bash
# Peak memory (RSS) of the streaming commands on 100 MB and on 1 GB of generated JSONL news records, measured
# with /usr/bin/time -v. Memory must stay flat: the 1 GB run may not use more than 1.5x the 100 MB run's peak
# (exit 1 otherwise). Prints a Markdown table (the README's figures come from it).
#
#   bash scripts/memory_flat.sh            # 100 MB and 1000 MB
#   SIZES_MB="10 100" bash scripts/memory_flat.sh
#
# Needs python3 and /usr/bin/time (Debian package `time`). The generated files go to a temporary directory
# (MTLINT_BENCH_DIR to choose it) and are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${SIZES_MB:-"100 1000"}
cargo build --release --quiet
bin=target/release/mtlint
dir=${MTLINT_BENCH_DIR:-$(mktemp -d)}
mkdir -p "$dir"
trap 'rm -f "$dir"/corpus-*.jsonl "$dir"/rejects.jsonl "$dir"/time.txt "$dir"/stderr.txt' EXIT

generate() { # $1 = size in MB, $2 = output file
  python3 - "$1" "$2" <<'PY'
import json, random, sys
size, path = int(sys.argv[1]) * 1_000_000, sys.argv[2]
rng = random.Random(7)
human = [
    "The storm knocked out power to more than 20,000 homes across the county on Sunday night.",
    "Crews expect to restore service to most customers by Wednesday, a utility spokesman said.",
    "No injuries were reported, the sheriff's office said.",
    "Forecasters expect calmer weather for the rest of the week.",
]
mt = [
    "North Korea trató to obtain the vaccine, the North American company said.",
    "The hackers had stolen more than $ 300 million in cryptocurrencies, according to the report.",
    "The regime is known for have an army of cybercriminals well-trained that attack companies.",
]
written, n = 0, 0
with open(path, "w", encoding="utf-8") as out:
    while written < size:
        pool = mt + human if n % 5 == 0 else human
        text = " ".join(rng.choice(pool) for _ in range(rng.randint(4, 12)))
        line = json.dumps({"id": f"doc-{n}", "url": f"https://news.example/{n}", "text": text}) + "\n"
        out.write(line)
        written += len(line.encode("utf-8"))
        n += 1
PY
}

measure() { # label, command...: prints "wall_seconds peak_rss_kb"
  /usr/bin/time -v -o "$dir/time.txt" "$@" >/dev/null 2>>"$dir/stderr.txt" || true
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$dir/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
  echo "$wall $rss"
}

echo "| input | command | records | wall time | peak RSS |"
echo "|---|---|---|---|---|"
declare -A peak
for mb in $sizes; do
  file="$dir/corpus-$mb.jsonl"
  generate "$mb" "$file"
  records=$(wc -l <"$file")
  for cmd in scan gate; do
    if [ "$cmd" = scan ]; then
      read -r wall rss < <(measure "$bin" scan --format jsonl "$file")
    else
      read -r wall rss < <(measure "$bin" gate --rejects "$dir/rejects.jsonl" "$file")
    fi
    peak[$cmd-$mb]=$rss
    printf '| %s MB JSONL | `mtlint %s` | %s | %.0f s | %.0f MB |\n' "$mb" "$cmd" "$records" "$wall" "$((rss / 1024))"
  done
  rm -f "$file"
done

set -- $sizes
small=$1; large=${!#}
status=0
for cmd in scan gate; do
  if [ "${peak[$cmd-$large]}" -gt $((peak[$cmd-$small] * 3 / 2)) ]; then
    echo "NOT FLAT: mtlint $cmd peaks at ${peak[$cmd-$large]} kB on $large MB against ${peak[$cmd-$small]} kB on $small MB" >&2
    status=1
  fi
done
[ $status = 0 ] && echo "flat: peak RSS at $large MB is within 1.5x of the peak at $small MB for scan and gate"
exit $status
