#!/usr/bin/env python3
"""Build the word lexicons embedded in mtlint (data/lexicon/*.tsv).

Source: wordfreq (code Apache-2.0, data CC-BY-SA 4.0, Robyn Speer,
https://doi.org/10.5281/zenodo.7199437). The derived lists are CC-BY-SA 4.0.

Usage (from the repo root):
    pip install -r data/scripts/requirements.txt
    python3 data/scripts/build_lexicons.py [--out data/lexicon]

Output is deterministic for a given wordfreq version (pinned in requirements.txt):
  en.tsv                      word<TAB>zipf, top ~100,000 English tokens made of letters,
                              apostrophes or hyphens, in wordfreq rank order
  es.tsv fr.tsv de.tsv pt.tsv it.tsv
                              word<TAB>zipf (zipf in that language), words from the language's
                              top 50,000 that are Latin letters only, length >= 3, and whose
                              English zipf is below 2.5 (drops English words and loanwords)
"""
import argparse
import importlib.metadata
import os
import re
import sys
import unicodedata

import wordfreq

EN_TARGET = 100_000
FOREIGN_TOP = 50_000
FOREIGN_LANGS = ["es", "fr", "de", "pt", "it"]
EN_ZIPF_MAX = 2.5  # a foreign word is kept only if its English zipf is below this
MIN_LEN = 3

EN_TOKEN = re.compile(r"^[^\W\d_]+(?:['\-][^\W\d_]+)*$")


def is_latin_letters(word):
    for ch in word:
        if not ch.isalpha():
            return False
        if "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def is_en_token(word):
    return bool(EN_TOKEN.match(word)) and all(
        (not ch.isalpha()) or "LATIN" in unicodedata.name(ch, "") for ch in word
    )


def build_en():
    rows, seen = [], set()
    n = EN_TARGET * 2
    for w in wordfreq.top_n_list("en", n):
        w = unicodedata.normalize("NFC", w.lower())
        if w in seen or not is_en_token(w):
            continue
        seen.add(w)
        rows.append((w, wordfreq.zipf_frequency(w, "en")))
        if len(rows) >= EN_TARGET:
            break
    return rows


def build_foreign(lang):
    rows, seen = [], set()
    for w in wordfreq.top_n_list(lang, FOREIGN_TOP):
        w = unicodedata.normalize("NFC", w.lower())
        if w in seen or len(w) < MIN_LEN or not is_latin_letters(w):
            continue
        seen.add(w)
        if wordfreq.zipf_frequency(w, "en") >= EN_ZIPF_MAX:
            continue
        rows.append((w, wordfreq.zipf_frequency(w, lang)))
    return rows


def write_tsv(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for w, z in rows:
            f.write(f"{w}\t{z:.2f}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "lexicon"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    print(f"wordfreq {importlib.metadata.version('wordfreq')}", file=sys.stderr)
    rows = build_en()
    write_tsv(os.path.join(args.out, "en.tsv"), rows)
    print(f"en: {len(rows)} words", file=sys.stderr)
    for lang in FOREIGN_LANGS:
        rows = build_foreign(lang)
        write_tsv(os.path.join(args.out, f"{lang}.tsv"), rows)
        print(f"{lang}: {len(rows)} words", file=sys.stderr)


if __name__ == "__main__":
    main()
