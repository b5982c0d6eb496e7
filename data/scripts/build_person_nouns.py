#!/usr/bin/env python3
"""Writes src/detect/lists/person_nouns.txt: English common nouns whose most frequent WordNet sense is a
person (lexicographer file noun.person) and which are used at least as often as nouns as in any other part
of speech (SemCor counts: "have" is a noun.person, "the haves", but mostly a verb), with their plurals. The pronoun detector reads it to know that
"the accused", "officials" or "customers" may be what a "he"/"she" refers to, so it does not take the
pronoun for a company's or a country's.

Needs Debian's wordnet-base (/usr/share/wordnet). WordNet 3.0 licence (Princeton University): free to
use, copy and distribute with the notice, which the output file carries.
Usage: python3 data/scripts/build_person_nouns.py [--wordnet /usr/share/wordnet] [--out PATH]"""
import argparse, os

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
ap = argparse.ArgumentParser()
ap.add_argument("--wordnet", default="/usr/share/wordnet")
ap.add_argument("--out", default=os.path.join(repo, "src", "detect", "lists", "person_nouns.txt"))
args = ap.parse_args()

NOUN_PERSON = 18
lexfile = {}
with open(os.path.join(args.wordnet, "data.noun"), encoding="latin-1") as f:
    for line in f:
        if not line.startswith("  "):
            offset, lex = line.split()[:2]
            lexfile[offset] = int(lex)


def words_of(path):
    with open(path) as f:
        return {w for line in f if not line.startswith("#") and not line.startswith("[") for w in line.split()}


# Places and organisations win: a word the gazetteers name is never a person noun.
lists = os.path.join(repo, "src", "detect", "lists")
excluded = words_of(os.path.join(lists, "places.txt")) | words_of(os.path.join(lists, "organisations.txt"))


def plural(w):
    if w.endswith("man") and not w.endswith("human"):
        return w[:-3] + "men"
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return w + "es"
    if w.endswith("y") and w[-2:-1] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


def tagged_counts(pos):
    """Lemma -> how often its senses were tagged in the SemCor corpus (WordNet's usage counts)."""
    counts = {}
    with open(os.path.join(args.wordnet, f"index.{pos}"), encoding="latin-1") as f:
        for line in f:
            if not line.startswith("  "):
                p = line.split()
                counts[p[0]] = int(p[4 + int(p[3]) + 1])
    return counts


# A word whose other parts of speech are used more than its noun senses ("have", "close") is not taken.
other_uses = {}
for pos in ("verb", "adj", "adv"):
    for lemma, n in tagged_counts(pos).items():
        other_uses[lemma] = other_uses.get(lemma, 0) + max(n, 1)
noun_uses = tagged_counts("noun")

nouns = set()
with open(os.path.join(args.wordnet, "index.noun"), encoding="latin-1") as f:
    for line in f:
        if line.startswith("  "):
            continue
        p = line.split()
        lemma, synset_count, pointer_count = p[0], int(p[2]), int(p[3])
        offsets = p[4 + pointer_count + 2:]
        if len(offsets) != synset_count or not lemma.isalpha() or len(lemma) < 3:
            continue
        mostly_noun = noun_uses.get(lemma, 0) >= other_uses.get(lemma, 0)
        if lexfile[offsets[0]] == NOUN_PERSON and lemma not in excluded:
            if mostly_noun:
                nouns.add(lemma)
            nouns.add(plural(lemma))  # "officials": a plural is a noun whatever the singular's other uses
# Collective words for people that WordNet files elsewhere (noun.group).
nouns |= {"people", "persons", "someone", "somebody", "anyone", "anybody", "everyone", "everybody", "nobody"}
nouns -= excluded

with open(args.out, "w") as out:
    out.write("# Common nouns for people: the first WordNet 3.0 sense is in noun.person (and their plurals).\n")
    out.write("# Built by data/scripts/build_person_nouns.py. WordNet 3.0 Copyright 2006 by Princeton University.\n")
    out.write("# All rights reserved; licence: https://wordnet.princeton.edu/license-and-commercial-use\n")
    for w in sorted(nouns):
        out.write(w + "\n")
print(f"{len(nouns)} person nouns -> {args.out}")
