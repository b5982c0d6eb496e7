#!/usr/bin/env python3
"""Scores the two seed articles with the built mtlint binary and reports, against gold.tsv: each
article's document verdict, whether its top-ranked sentence is labelled 1, the sentence-level ROC-AUC over
the labelled sentences (borderline '?' left out), and whether each artifact sentence carries a finding.
Usage: python3 scripts/seed_report.py [--seeds ../shared/seeds] [--model MODEL.json] [--json]"""
import argparse, json, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--seeds", default=os.path.join(here, "..", "..", "shared", "seeds"))
ap.add_argument("--model")
ap.add_argument("--binary", default=os.path.join(here, "..", "target", "release", "mtlint"))
ap.add_argument("--json", action="store_true")
args = ap.parse_args()

gold = [l.rstrip("\n").split("\t") for l in open(os.path.join(args.seeds, "gold.tsv"))
        if not l.startswith("#") and not l.startswith("file\t")]
docs = {}
for f in sorted(set(g[0] for g in gold)):
    cmd = [args.binary, "scan", "--format", "jsonl", os.path.join(args.seeds, f)] + (["--model", args.model] if args.model else [])
    docs[f] = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
rows = []
for f, label, key, kinds, _note in gold:
    if label == "?":
        continue
    s = [s for s in docs[f]["sentences"] if key in s["text"]][0]
    rows.append({"file": f, "label": int(label), "key": key, "score": s["score"], "rules": [x["rule"] for x in s["findings"]]})
pos = [r["score"] for r in rows if r["label"]]
neg = [r["score"] for r in rows if not r["label"]]
auc = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))
report = {
    "sentence_roc_auc": round(auc, 4),
    "labelled_sentences": len(rows),
    "artifact_sentences_with_findings": sum(1 for r in rows if r["label"] and r["rules"]),
    "artifact_sentences": len(pos),
    "documents": {},
}
for f, d in docs.items():
    top = max(d["sentences"], key=lambda s: s["score"])
    top_label = next((int(g[1]) if g[1] != "?" else None for g in gold if g[0] == f and g[2] in top["text"]), None)
    report["documents"][f] = {"score": round(d["score"], 4), "verdict": d["verdict"], "top_sentence_label": top_label}
if args.json:
    print(json.dumps(report, indent=2))
else:
    print(json.dumps({k: v for k, v in report.items()}, indent=2))
    for r in sorted(rows, key=lambda r: -r["score"]):
        print("%.3f %d %-45s %s" % (r["score"], r["label"], r["key"][:45], ", ".join(r["rules"])))
