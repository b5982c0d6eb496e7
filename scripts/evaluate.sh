#!/usr/bin/env bash
# Produces every accuracy figure in the README, from the rebuilt data (data/README.md) and the built
# binary, into data/build/eval/ (and prints them). Held-out = the corpus's test split (by group). Each
# sentence is scored after the two before it in its document (--context-by doc,system), as scan reads text.
set -euo pipefail
cd "$(dirname "$0")/.."
out=data/build/eval
mkdir -p "$out"
cargo build --release --quiet
bin=./target/release/mtlint
corpus=data/build/corpus.jsonl
# 1. WMT (news domain), by kind: neural MT and Apertium round trips vs original English and vs human
#    translation, held-out test split (the issue's figure is nmt vs original).
$bin eval --data $corpus --split test --context-by doc,system --where domain=news --by kind --format json > $out/news_by_kind.json
# 2. Every test record, broken down by kind (nmt, rbmt / original, reference).
$bin eval --data $corpus --split test --context-by doc,system --by kind --format json > $out/by_kind.json
# 3. WMT22 documents (the ids of ../shared/wmt/wmt22/documents: ja-en, ru-en, uk-en and the English
#    sources), each system's output of a document scored as one document.
$bin eval --data $corpus --split test --where source=wmt22 --exclude pair=cs-en --exclude pair=de-en \
  --exclude pair=zh-en --exclude pair=liv-en --by kind --documents doc,system --format json > $out/wmt22_documents.json
# 4. Human English from newer sources than the corpus: the WMT24 English source documents (2024: news,
#    social media, speech transcripts, literature; in neither the corpus nor the fluency model's text),
#    each document scanned as scan reads an article. What share would a gate reject (verdict mt)?
python3 - ../shared/wmt/wmt24 "$out/wmt24_documents.jsonl" <<'PY'
import json, sys
wmt24, out = sys.argv[1], sys.argv[2]
docs = {}
with open(f"{wmt24}/wmttest2024.en.docs", encoding="utf-8") as d, open(f"{wmt24}/wmttest2024.en.src.txt", encoding="utf-8") as t:
    for meta, line in zip(d, t):
        domain, doc = meta.rstrip("\n").split("\t")
        if domain != "canary":
            docs.setdefault((domain, doc), []).append(line.strip())
with open(out, "w", encoding="utf-8") as f:
    for (domain, doc), lines in docs.items():
        f.write(json.dumps({"id": f"{domain}/{doc}", "text": "\n\n".join(lines)}) + "\n")
PY
$bin scan --input-format jsonl --format jsonl "$out/wmt24_documents.jsonl" > "$out/wmt24_scan.jsonl"
# 4b. The same documents at other thresholds: what a gate passes and rejects at each (WMT24 verdicts
#     from the scan's scores, with scan's rule: mt when the score is above the threshold).
for t in 0.5 0.7 0.8 0.9 0.95; do
  $bin eval --data $corpus --split test --where source=wmt22 --exclude pair=cs-en --exclude pair=de-en \
    --exclude pair=zh-en --exclude pair=liv-en --by kind --documents doc,system --threshold $t --format json > "$out/wmt22_documents_at_$t.json"
done
# 5. The seed articles against gold.tsv.
python3 scripts/seed_report.py --json > $out/seeds.json
# 6. The generic baseline on the same split (char 1-5-gram TF-IDF + logistic regression).
python3 scripts/baseline.py --train-kinds original,nmt,rbmt --out $out/baseline.json > $out/baseline.log
python3 - "$out" <<'PY'
import json, sys
d = sys.argv[1]
w = json.load(open(f"{d}/news_by_kind.json"))
k = json.load(open(f"{d}/by_kind.json"))
s = json.load(open(f"{d}/seeds.json"))
b = json.load(open(f"{d}/baseline.json"))
news = {(c["mt"], c["human"]): c["roc_auc"] for c in w["breakdown"]}
kind = {(c["mt"], c["human"]): c["roc_auc"] for c in k["breakdown"]}
bn = b["by_domain"]["news"]
print("| contrast (sentence-level ROC-AUC, held-out test split) | mtlint | baseline |")
print("|---|---|---|")
print(f"| **WMT21+22 news: neural MT vs original English** | **{news[('nmt','original')]:.3f}** | {bn['mt_vs_original']['auc']:.3f} |")
print(f"| WMT news: Apertium round trips vs the original English | {news[('rbmt','original')]:.3f} | {bn['rbmt_vs_original']['auc']:.3f} |")
print(f"| WMT news: neural MT vs human translation (references) | {news[('nmt','reference')]:.3f} | {bn['mt_vs_human_translation']['auc']:.3f} |")
print(f"| all domains: Apertium round trips vs original English (news, SOTU, Moby Dick, Bible) | {kind[('rbmt','original')]:.3f} | {b['rbmt_vs_original']:.3f} |")
print(f"| all domains: neural MT vs original English | {kind[('nmt','original')]:.3f} | {b['mt_vs_original']:.3f} |")
dd = json.load(open(f"{d}/wmt22_documents.json"))["documents"]
docs = {(c["mt"], c["human"]): c for c in dd["breakdown"]}
c = docs[("nmt", "original")]
print(f"| WMT22 documents: neural MT vs original English (document-level) | {c['roc_auc']:.3f} ({c['mt_records']} vs {c['human_records']} documents) | |")
c = docs[("nmt", "reference")]
print(f"| WMT22 documents: neural MT vs human translation (document-level) | {c['roc_auc']:.3f} ({c['mt_records']} vs {c['human_records']} documents) | |")
print()
shares = ", ".join(f"{v['value']} {v['verdict_mt']} of {v['documents']} ({100 * v['verdict_mt'] / max(v['documents'], 1):.1f}%)"
                   for v in dd["verdicts"])
print(f"WMT22 documents with the verdict mt at threshold {k['threshold']:.2f} (what a gate rejects): {shares}")
print()
w24 = {}  # WMT24 domain -> its documents' scan reports
for line in open(f"{d}/wmt24_scan.jsonl"):
    r = json.loads(line)
    w24.setdefault(r["id"].split("/")[0], []).append(r)
domains = sorted(w24)
cells = []
for domain in domains:
    mt = sum(r["verdict"] == "mt" for r in w24[domain])
    cells.append(f"{domain} {mt} of {len(w24[domain])} ({100 * mt / len(w24[domain]):.0f}%)")
print("WMT24 English documents (human, newer sources, held out from everything) with the verdict mt: " + ", ".join(cells))
print()
print("| threshold | WMT22 neural MT | WMT22 Apertium | WMT22 original English | WMT22 human translations | " + " | ".join(f"WMT24 {x} (human)" for x in domains) + " |")
print("|---|---|---|---|---|" + "---|" * len(domains))
for t in ("0.5", "0.7", "0.8", "0.9", "0.95"):
    v = {x["value"]: x for x in json.load(open(f"{d}/wmt22_documents_at_{t}.json"))["documents"]["verdicts"]}
    share = lambda k: f"{100 * v[k]['verdict_mt'] / v[k]['documents']:.1f}%"
    w = [sum(r["score"] > float(t) for r in w24[x]) / len(w24[x]) for x in domains]
    print(f"| {t} | {share('nmt')} | {share('rbmt')} | {share('original')} | {share('reference')} | " + " | ".join(f"{100 * x:.0f}%" for x in w) + " |")
print()
print(f"seeds: sentence ROC-AUC {s['sentence_roc_auc']:.3f} over {s['labelled_sentences']} labelled sentences; "
      f"{s['artifact_sentences_with_findings']}/{s['artifact_sentences']} artifact sentences carry a finding")
for f, doc in s["documents"].items():
    print(f"  {f}: score {doc['score']:.3f}, verdict {doc['verdict']}, top sentence labelled {doc['top_sentence_label']}")
PY
