#!/usr/bin/env bash
# Compares one head for all MT with one head per kind of MT (`--heads-by kind`, the shipped recipe),
# and the shipped recipe with human translations in the human class, on the held-out test split: sentence ROC-AUC per contrast and the seed ranking. Models go to a temporary
# directory; nothing in the repository changes. Needs data/build/corpus.jsonl (data/README.md).
# Usage: bash scripts/compare_heads.sh          (about 6 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=./target/release/mtlint
corpus=data/build/corpus.jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
recipe=(--data "$corpus" --split train --balance-by domain --context-by doc,system)
variant() { # name, extra train options...
  local name=$1; shift
  $bin train "${recipe[@]}" "$@" --out "$work/$name.json" 2> "$work/$name.log"
  $bin eval --model "$work/$name.json" --data "$corpus" --split test --context-by doc,system --where domain=news --by kind --format json > "$work/$name.news.json"
  $bin eval --model "$work/$name.json" --data "$corpus" --split test --context-by doc,system --by kind --format json > "$work/$name.all.json"
  python3 scripts/seed_report.py --model "$work/$name.json" --json > "$work/$name.seeds.json"
  python3 - "$work/$name" "$name ($*)" <<'PY'
import json, sys
base, label = sys.argv[1], sys.argv[2]
auc = lambda f: {(c["mt"], c["human"]): c["roc_auc"] for c in json.load(open(f))["breakdown"]}
news, every = auc(base + ".news.json"), auc(base + ".all.json")
seeds = json.load(open(base + ".seeds.json"))["sentence_roc_auc"]
print(f"| {label} | {news[('nmt','original')]:.3f} | {news[('rbmt','original')]:.3f} | {news[('nmt','reference')]:.3f} "
      f"| {every[('rbmt','original')]:.3f} | {every[('nmt','original')]:.3f} | {seeds:.3f} |")
PY
}
echo "| recipe | news nmt/original | news rbmt/original | news nmt/reference | all rbmt/original | all nmt/original | seeds |"
echo "|---|---|---|---|---|---|---|"
variant one-head --exclude kind=reference --target domain=news
variant shipped --exclude kind=reference --target domain=news --heads-by kind
variant heads-all-domains --exclude kind=reference --heads-by kind
# Human translations (WMT references) in the human class too.
variant with-references --target domain=news --heads-by kind
