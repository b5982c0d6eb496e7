#!/usr/bin/env python3
"""Where the shipped model's accuracy is lost, on the held-out test split (issue 3's notes).

1. Each head alone against the max over heads that `scan` uses: ROC-AUC of every kind of MT against
   original English, per domain. Shows how much of a head's own separation survives the combination;
   and a flexible combination of the two logits (gradient-boosted trees, grouped 5-fold CV on the test
   split) for comparison with the max.
2. The fluency model's features alone: ROC-AUC of each against original English, per kind, news.
3. Model family: logistic regression (what mtlint fits) against gradient-boosted trees (what a second
   linfa family such as linfa-trees could add) on the same feature vectors, neural MT against original
   news, 5-fold cross-validation grouped by source block. Both are fitted on the test split's own feature
   vectors (the shipped model's profile scores are out of sample there), so only the difference matters.
4. How often each finding family fires per kind (news, training split, sentences per thousand): a
   rule's weight can only be learned where its rate differs between MT and human text.
5. The ceiling of n-gram methods for round trips: a word 1-3-gram TF-IDF logistic regression trained on
   the training split's round trips against original English, scored on the test split, per domain.
6. Documents (the WMT22 documents of scripts/evaluate.sh, neural MT against original English): how the
   sentence logits' aggregates rank them, and how much of a learned combination's gain is only document
   length (the number of sentences alone ranks these documents, which is a property of the test set, not
   of machine translation). The combination is fitted on the training split's news documents.

Needs data/build/corpus.jsonl (data/README.md) and scikit-learn (data/scripts/requirements.txt).
Usage: python3 scripts/head_analysis.py            (about two minutes)
"""
import csv
import json
import os
import subprocess
import sys

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "data", "build", "corpus.jsonl")


def dump(split):
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "--example", "dump_features", "--", CORPUS, split, "100000000"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    rows = list(csv.reader(out.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]


def main():
    if not os.path.exists(CORPUS):
        sys.exit(f"{CORPUS} is missing: rebuild it (data/README.md)")
    header, rows = dump("test")
    test_dump = (header, rows)
    logit_cols = [i for i, h in enumerate(header) if h.startswith("logit.")]
    kind = np.array([r[1] for r in rows])
    group = np.array([r[2] for r in rows])
    domain = np.array([r[3] for r in rows])
    logits = np.array([[float(r[i]) for i in logit_cols] for r in rows])
    features = np.array([[float(x) for x in r[logit_cols[-1] + 1:]] for r in rows])
    combined = logits.max(axis=1)

    print("## 1. Each head alone and the max over heads (ROC-AUC against original English, test split)\n")
    names = [header[i] for i in logit_cols]
    print("| MT kind | domain | " + " | ".join(f"{n} alone" for n in names) + " | max (shipped) |")
    print("|---|---|" + "---|" * (len(names) + 1))
    for mt in sorted(set(kind) - {"original", "reference"}):
        for dom in sorted(set(domain[kind == mt])):
            m = (domain == dom) & ((kind == mt) | (kind == "original"))
            y = kind[m] == mt
            cells = [f"{roc_auc_score(y, logits[m, h]):.3f}" for h in range(len(names))]
            print(f"| {mt} | {dom} | " + " | ".join(cells) + f" | {roc_auc_score(y, combined[m]):.3f} |")

    machine = (kind == "nmt") | (kind == "rbmt") | (kind == "original")
    idx = np.where(machine)[0]
    y = kind[idx] != "original"
    # Each kind weighs as much as human text in the fit, so that neither kind of MT dominates.
    weight = np.array([{"nmt": 1 / (kind == "nmt").sum(), "rbmt": 1 / (kind == "rbmt").sum()}.get(k, 2 / (kind == "original").sum()) for k in kind[idx]])
    flexible = np.zeros(len(idx))
    for train, test in GroupKFold(5).split(logits[idx], y, group[idx]):
        model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=0)
        flexible[test] = model.fit(logits[idx][train], y[train], sample_weight=weight[train]).predict_proba(logits[idx][test])[:, 1]
    cells = []
    for mt, dom in (("nmt", "news"), ("rbmt", "news"), ("rbmt", None)):
        m = ((kind[idx] == mt) | (kind[idx] == "original")) & ((domain[idx] == dom) if dom else True)
        cells.append(f"{mt} vs original ({dom or 'all domains'}): max {roc_auc_score(kind[idx][m] == mt, combined[idx][m]):.3f}, "
                     f"flexible {roc_auc_score(kind[idx][m] == mt, flexible[m]):.3f}")
    print("\nA flexible combination of the two logits (grouped 5-fold CV on the test split): " + "; ".join(cells))

    print("\n## 2. The fluency model's features alone (news, test split; below 0.5: MT scores lower)\n")
    feature_names = header[logit_cols[-1] + 1:]
    print("| feature | " + " | ".join(f"{mt} vs original" for mt in ("nmt", "rbmt")) + " |")
    print("|---|---|---|")
    for f, name in enumerate(feature_names):
        if name.startswith("lm."):
            cells = []
            for mt in ("nmt", "rbmt"):
                m = (domain == "news") & ((kind == mt) | (kind == "original"))
                cells.append(f"{roc_auc_score(kind[m] == mt, features[m, f]):.3f}")
            print(f"| {name} | " + " | ".join(cells) + " |")

    print("\n## 3. Model family on the same features: neural MT against original news, grouped 5-fold CV\n")
    news = np.where((domain == "news") & ((kind == "nmt") | (kind == "original")))[0]
    rng = np.random.default_rng(0)
    original = news[kind[news] == "original"]
    nmt = rng.choice(news[kind[news] == "nmt"], size=min(6000, int((kind[news] == "nmt").sum())), replace=False)
    idx = np.concatenate([original, nmt])
    X, y, g = features[idx], kind[idx] == "nmt", group[idx]
    families = {
        "logistic regression": lambda: make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=3000)),
        "gradient-boosted trees": lambda: HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=0),
    }
    print(f"{len(original)} original and {len(nmt)} neural MT sentences")
    for name, make in families.items():
        p = np.zeros(len(y))
        for train, test in GroupKFold(5).split(X, y, g):
            p[test] = make().fit(X[train], y[train]).predict_proba(X[test])[:, 1]
        print(f"- {name}: ROC-AUC {roc_auc_score(y, p):.3f}")

    print("\n## 4. Sentences with a finding of each family, per thousand (news, training split)\n")
    header, rows = dump("train")
    first = len(header) - len(feature_names)
    kinds = ["nmt", "original", "rbmt", "reference"]
    news = [r for r in rows if r[3] == "news"]
    totals = {k: sum(1 for r in news if r[1] == k) for k in kinds}
    print("| family | " + " | ".join(f"{k} ({totals[k]})" for k in kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for f, name in enumerate(feature_names):
        if name.startswith("findings."):
            counts = {k: sum(1 for r in news if r[1] == k and float(r[first + f]) > 0) for k in kinds}
            print(f"| {name[len('findings.'):]} | " + " | ".join(f"{1000 * counts[k] / max(totals[k], 1):.2f} ({counts[k]})" for k in kinds) + " |")

    print("\n## 5. A word 1-3-gram TF-IDF classifier for round trips (trained on the training split)\n")
    train, test = [], []
    with open(CORPUS, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["kind"] in ("rbmt", "original"):
                (train if r["split"] == "train" else test).append(r)
    vec = TfidfVectorizer(ngram_range=(1, 3), min_df=2, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b|[^\w\s]")
    x_train = vec.fit_transform([r["text"] for r in train])
    clf = LogisticRegression(C=10, max_iter=2000).fit(x_train, [r["kind"] == "rbmt" for r in train])
    p = clf.decision_function(vec.transform([r["text"] for r in test]))
    y = np.array([r["kind"] == "rbmt" for r in test])
    dom = np.array([r["domain"] for r in test])
    cells = [f"{d} {roc_auc_score(y[dom == d], p[dom == d]):.3f}" for d in sorted(set(dom))]
    print(f"round trips vs original English: all domains {roc_auc_score(y, p):.3f}; " + ", ".join(cells))

    print("\n## 6. Documents: aggregates of the sentence logits, and document length\n")
    document_level(test_dump, (header, rows))


def documents(split, header, rows, wmt22_only):
    """(aggregates, is_mt) per document (doc, system) of neural MT or original English news: the mean and
    the sum / sqrt(n) (scan's combination) of the largest uncalibrated head logit (scan combines the
    calibrated ones, which `mtlint eval --documents` reports), and log(n); segments of fewer than three
    words are left out, as scan leaves them out."""
    with open(CORPUS, encoding="utf-8") as f:
        records = [r for r in map(json.loads, f) if r["split"] == split]
    assert len(records) == len(rows), "dump_features rows and corpus records differ"
    logit_cols = [i for i, h in enumerate(header) if h.startswith("logit.")]
    docs = {}
    for r, row in zip(records, rows):
        if r["domain"] != "news" or r["kind"] not in ("nmt", "original") or len(r["text"].split()) < 3:
            continue
        if wmt22_only and (r["source"] != "wmt22" or r["pair"] in ("cs-en", "de-en", "zh-en", "liv-en")):
            continue
        docs.setdefault((r["doc"], r["system"], r["kind"]), []).append(max(float(row[i]) for i in logit_cols))
    keys = sorted(docs)
    x = np.array([[np.mean(docs[k]), np.sum(docs[k]) / np.sqrt(len(docs[k])), np.log(len(docs[k]))] for k in keys])
    return x, np.array([k[2] == "nmt" for k in keys])


def document_level(test_dump, train_dump):
    """Part 6, from the test and training splits' dump_features output (header, rows)."""
    x_test, y_test = documents("test", *test_dump, wmt22_only=True)
    x_train, y_train = documents("train", *train_dump, wmt22_only=False)
    print(f"{int(y_test.sum())} neural MT and {int((~y_test).sum())} original English test documents; "
          f"combinations fitted on {len(y_train)} training documents\n")
    print("| document score | ROC-AUC |")
    print("|---|---|")
    for name, col in (("mean sentence logit", 0), ("sum / sqrt(n) (scan)", 1), ("log(number of sentences) alone", 2)):
        print(f"| {name} | {roc_auc_score(y_test, x_test[:, col]):.3f} |")
    for name, cols in (("learned: mean and sum / sqrt(n)", [0, 1]), ("learned: mean, sum / sqrt(n) and log(n)", [0, 1, 2])):
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=5000, class_weight="balanced"))
        model.fit(x_train[:, cols], y_train)
        print(f"| {name} | {roc_auc_score(y_test, model.decision_function(x_test[:, cols])):.3f} |")


if __name__ == "__main__":
    main()
