#!/usr/bin/env bash
# How well the shipped recipe carries to news from a source it never saw: trains it without any WMT21
# record (so on WMT22 news, plus the other domains), then scores the same model on
#   - in-source: the WMT22 records of the held-out test split, and
#   - new source: the WMT21 records of the train split (never trained on: WMT21 is left out whole; the
#     test split stays untouched by this choice of data, so nothing here leaks into README's test figures).
# Prints sentence ROC-AUC (neural MT and Apertium round trips against original English, neural MT against
# human translations), document ROC-AUC, and the share of documents with the verdict mt at the model's
# threshold, for each setting given (default: the shipped profile smoothing, 3, and two stronger ones).
# Models go to a temporary directory; nothing in the repository changes. Needs data/build/corpus.jsonl.
# Usage: bash scripts/source_shift.sh ["--profile-smoothing 3" "--alpha 0.1" ...]   (about 40 s a setting)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=./target/release/mtlint
corpus=data/build/corpus.jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
settings=("$@")
[ ${#settings[@]} -gt 0 ] || settings=("--profile-smoothing 3" "--profile-smoothing 10" "--profile-smoothing 30")
echo "| setting | test set | nmt/original | rbmt/original | nmt/reference | documents nmt/original | verdict mt: nmt docs | original docs | reference docs |"
echo "|---|---|---|---|---|---|---|---|---|"
i=0
for setting in "${settings[@]}"; do
  i=$((i + 1))
  # shellcheck disable=SC2086  # a setting is several words on purpose
  $bin train --data "$corpus" --split train --exclude source=wmt21 --exclude kind=reference --balance-by domain \
    --target domain=news --heads-by kind --context-by doc,system $setting --out "$work/$i.json" 2> "$work/$i.log"
  for test in "in-source (WMT22 test split)|--split test --where source=wmt22" "new source (WMT21, train split)|--split train --where source=wmt21"; do
    label=${test%%|*}
    # shellcheck disable=SC2086
    $bin eval --model "$work/$i.json" --data "$corpus" ${test#*|} --where domain=news --context-by doc,system \
      --by kind --documents doc,system --format json > "$work/$i.eval.json"
    python3 - "$work/$i.eval.json" "$setting" "$label" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
auc = {(c["mt"], c["human"]): c["roc_auc"] for c in d["breakdown"]}
docs = d["documents"]
doc_auc = {(c["mt"], c["human"]): c["roc_auc"] for c in docs["breakdown"]}
mt_share = {v["value"]: f'{100 * v["verdict_mt"] / v["documents"]:.1f}% of {v["documents"]:,}' for v in docs["verdicts"]}
print(f"| {sys.argv[2]} | {sys.argv[3]} | {auc[('nmt', 'original')]:.3f} | {auc[('rbmt', 'original')]:.3f} "
      f"| {auc[('nmt', 'reference')]:.3f} | {doc_auc[('nmt', 'original')]:.3f} | {mt_share['nmt']} | {mt_share['original']} "
      f"| {mt_share['reference']} |")
PY
  done
done
