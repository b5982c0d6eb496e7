#!/usr/bin/env bash
# Rebuilds the shipped models from the rebuilt data: models/fluency.bin (human-English bigram model)
# and models/default.json (the scoring model). Needs data/build/ (see data/README.md):
#   bash data/scripts/fetch_sources.sh && python3 data/scripts/build_corpus.py && python3 data/scripts/build_lm_text.py
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
./target/release/mtlint build-fluency --input data/build/lm_human.txt --out models/fluency.bin
# The classifier embeds the fluency model: rebuild before training.
cargo build --release --quiet
./target/release/mtlint train --data data/build/corpus.jsonl --split train \
  --exclude kind=reference --balance-by domain --target domain=news --heads-by kind --context-by doc,system \
  --out models/default.json
cargo build --release --quiet
