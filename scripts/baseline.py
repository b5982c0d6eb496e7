#!/usr/bin/env python3
"""Baseline sentence classifier for mtlint: character n-gram TF-IDF + logistic regression.

It is the yardstick the Rust detector is compared with, not part of the shipped tool.

Train and evaluate (reads the corpus built by data/scripts/build_corpus.py):
    python3 scripts/baseline.py [--corpus data/build/corpus.jsonl] [--out data/build/baseline.json]
        [--train-kinds original,nmt,rbmt,reference] [--max-train 200000] [--seed 0]

Trains on records with split == "train" (optionally only some kinds, subsampled
deterministically to --max-train), scores every split == "test" record and reports the
sentence-level ROC-AUC of these contrasts (higher score = more MT-like):
    mt_vs_original           kind nmt  vs kind original   (neural MT vs English written as English)
    mt_vs_human_translation  kind nmt  vs kind reference  (neural MT vs professional translation)
    rbmt_vs_original         kind rbmt vs kind original   (rule-based MT vs original English)
    all                      label mt  vs label human     (every test record)
The fitted pipeline is pickled to --model (default data/build/baseline.pkl).

Time scoring only (loads the pickled pipeline, scores every non-empty line of FILE):
    python3 scripts/baseline.py --time-lines FILE [--model data/build/baseline.pkl]

Requires scikit-learn (data/scripts/requirements.txt).
"""
import argparse
import collections
import json
import os
import pickle
import random
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
KINDS = ("original", "nmt", "rbmt", "reference")
# name -> (positive kinds, negative kinds); None means "by label" (mt vs human)
CONTRASTS = {
    "mt_vs_original": (("nmt",), ("original",)),
    "mt_vs_human_translation": (("nmt",), ("reference",)),
    "rbmt_vs_original": (("rbmt",), ("original",)),
    "all": None,
}


def show_path(p):
    p = os.path.abspath(p)
    return os.path.relpath(p, REPO) if p.startswith(REPO + os.sep) else p


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def load_corpus(path):
    recs = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            for k in ("text", "label", "kind", "split"):
                if k not in r:
                    raise SystemExit(f"{path}:{i + 1}: record without '{k}'")
            if r["label"] not in ("mt", "human"):
                raise SystemExit(f"{path}:{i + 1}: label must be mt or human, got {r['label']!r}")
            recs.append(r)
    return recs


def make_pipeline(args):
    vec = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(1, 5),
        sublinear_tf=True,
        min_df=2,
        max_features=args.max_features,
        lowercase=not args.cased,
        dtype=np.float32,
    )
    clf = LogisticRegression(
        class_weight="balanced",
        max_iter=1000,
        C=args.C,
        solver=args.solver,
    )
    return Pipeline([("tfidf", vec), ("lr", clf)])


def auc_or_none(y, s):
    if len(set(y)) < 2:
        return None
    return round(float(roc_auc_score(y, s)), 4)


def contrast(test, scores, pos_kinds, neg_kinds):
    """Returns (auc, n_pos, n_neg) for records of pos_kinds (1) vs neg_kinds (0)."""
    y, s = [], []
    for r, sc in zip(test, scores):
        if pos_kinds is None:
            y.append(1 if r["label"] == "mt" else 0)
            s.append(sc)
        elif r["kind"] in pos_kinds:
            y.append(1)
            s.append(sc)
        elif r["kind"] in neg_kinds:
            y.append(0)
            s.append(sc)
    n_pos = sum(y)
    return auc_or_none(y, s), n_pos, len(y) - n_pos


def evaluate(args):
    t0 = time.time()
    recs = load_corpus(args.corpus)
    kinds = tuple(k.strip() for k in args.train_kinds.split(",") if k.strip()) if args.train_kinds else KINDS
    for k in kinds:
        if k not in KINDS:
            raise SystemExit(f"unknown kind {k!r}; known: {', '.join(KINDS)}")
    train = [r for r in recs if r["split"] == "train" and r["kind"] in kinds]
    test = [r for r in recs if r["split"] == "test"]
    n_train_avail = len(train)
    if args.max_train and len(train) > args.max_train:
        idx = sorted(random.Random(args.seed).sample(range(len(train)), args.max_train))
        train = [train[i] for i in idx]
    if not train or not test:
        raise SystemExit(f"need train and test records (train {len(train)}, test {len(test)})")
    y_train = [1 if r["label"] == "mt" else 0 for r in train]
    if len(set(y_train)) < 2:
        raise SystemExit("training data has a single label; widen --train-kinds")
    log(f"loaded {len(recs)} records in {time.time() - t0:.1f}s; train {len(train)} of {n_train_avail} "
        f"(kinds {','.join(kinds)}), test {len(test)}")

    pipe = make_pipeline(args)
    t1 = time.time()
    X = pipe.named_steps["tfidf"].fit_transform([r["text"] for r in train])
    t_vec = time.time() - t1
    log(f"tfidf: {X.shape[1]} features, {X.nnz} non-zeros, {t_vec:.1f}s")
    t2 = time.time()
    pipe.named_steps["lr"].fit(X, y_train)
    t_lr = time.time() - t2
    log(f"logistic regression: {t_lr:.1f}s")
    pipe.named_steps["tfidf"].stop_words_ = None  # only kept for introspection; large to pickle
    del X

    t3 = time.time()
    scores = pipe.decision_function([r["text"] for r in test])
    t_score = time.time() - t3

    result = {}
    details = {}
    for name, spec in CONTRASTS.items():
        pos, neg = (None, None) if spec is None else spec
        auc, n_pos, n_neg = contrast(test, scores, pos, neg)
        result[name] = auc
        details[name] = {"auc": auc, "n_pos": n_pos, "n_neg": n_neg}
    def breakdown(field):
        """The same contrasts within each value of `field` (which data the numbers come from)."""
        out = collections.defaultdict(dict)
        for value in sorted(set(r.get(field, "?") for r in test)):
            sub = [(r, s) for r, s in zip(test, scores) if r.get(field, "?") == value]
            rs, ss = [r for r, _ in sub], [s for _, s in sub]
            for name, spec in CONTRASTS.items():
                pos, neg = (None, None) if spec is None else spec
                auc, n_pos, n_neg = contrast(rs, ss, pos, neg)
                if auc is not None:
                    out[value][name] = {"auc": auc, "n_pos": n_pos, "n_neg": n_neg}
        return dict(out)

    by_source = breakdown("source")
    # "news" pools WMT21 and WMT22: the README's WMT figures
    by_domain = breakdown("domain")
    y_all = np.array([1 if r["label"] == "mt" else 0 for r in test])
    acc = float(((scores > 0).astype(int) == y_all).mean())

    os.makedirs(os.path.dirname(os.path.abspath(args.model)), exist_ok=True)
    with open(args.model, "wb") as f:
        pickle.dump(pipe, f, protocol=pickle.HIGHEST_PROTOCOL)

    out = dict(result)
    out["details"] = details
    out["by_source"] = by_source
    out["by_domain"] = by_domain
    out["accuracy_all_at_0"] = round(acc, 4)
    out["train"] = {
        "records": len(train),
        "available": n_train_avail,
        "kinds": list(kinds),
        "by_kind": dict(collections.Counter(r["kind"] for r in train)),
        "mt": int(sum(y_train)),
        "human": len(y_train) - int(sum(y_train)),
    }
    out["test"] = {"records": len(test), "by_kind": dict(collections.Counter(r["kind"] for r in test))}
    out["features"] = int(len(pipe.named_steps["tfidf"].vocabulary_))
    out["params"] = {
        "analyzer": "char_wb", "ngram_range": [1, 5], "sublinear_tf": True, "min_df": 2,
        "max_features": args.max_features, "lowercase": not args.cased,
        "C": args.C, "solver": args.solver, "class_weight": "balanced", "max_iter": 1000,
        "max_train": args.max_train, "seed": args.seed,
    }
    out["seconds"] = {
        "vectorize_train": round(t_vec, 1), "fit_lr": round(t_lr, 1), "score_test": round(t_score, 1),
        "total": round(time.time() - t0, 1),
    }
    out["corpus"] = show_path(args.corpus)
    out["model"] = show_path(args.model)
    text = json.dumps(out, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")


def time_lines(args):
    t0 = time.time()
    with open(args.model, "rb") as f:
        pipe = pickle.load(f)
    t_load = time.time() - t0
    with open(args.time_lines, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    if not lines:
        raise SystemExit(f"{args.time_lines}: no non-empty lines")
    n_chars = sum(len(l) for l in lines)
    # one warm-up call, then the timed run over all lines (in batches, as a streaming tool would)
    pipe.decision_function(lines[:10])
    t1 = time.perf_counter()
    n_mt = 0
    for i in range(0, len(lines), args.batch):
        n_mt += int((pipe.decision_function(lines[i : i + args.batch]) > 0).sum())
    dt = time.perf_counter() - t1
    out = {
        "file": args.time_lines,
        "lines": len(lines),
        "chars": n_chars,
        "seconds": round(dt, 3),
        "sentences_per_second": round(len(lines) / dt, 1),
        "chars_per_second": round(n_chars / dt, 1),
        "model_load_seconds": round(t_load, 3),
        "batch": args.batch,
        "flagged_mt_at_0": n_mt,
        "model": show_path(args.model),
    }
    print(json.dumps(out, indent=2))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(REPO, "data", "build", "corpus.jsonl"))
    ap.add_argument("--out", default=os.path.join(REPO, "data", "build", "baseline.json"),
                    help="JSON result file ('' to only print)")
    ap.add_argument("--model", default=os.path.join(REPO, "data", "build", "baseline.pkl"),
                    help="pickled pipeline (written when training, read by --time-lines)")
    ap.add_argument("--train-kinds", default="", help=f"comma-separated subset of {','.join(KINDS)} (default all)")
    ap.add_argument("--max-train", type=int, default=200000, help="subsample training records (0 = all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-features", type=int, default=300000)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--solver", default="liblinear", choices=["liblinear", "lbfgs", "saga"])
    ap.add_argument("--cased", action="store_true", help="keep case (default: lowercase, as TfidfVectorizer)")
    ap.add_argument("--time-lines", metavar="FILE", help="time scoring-only throughput on FILE's lines")
    ap.add_argument("--batch", type=int, default=1000, help="lines per scoring call in --time-lines")
    args = ap.parse_args()
    if args.time_lines:
        time_lines(args)
    else:
        evaluate(args)


if __name__ == "__main__":
    main()
