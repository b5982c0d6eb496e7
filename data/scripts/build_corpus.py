#!/usr/bin/env python3
"""Build the mtlint training corpus: data/build/corpus.jsonl.

Inputs
  --wmt  WMT21/WMT22 English-side files (default: <repo>/../shared/wmt)
  --raw  raw human text fetched by data/scripts/fetch_sources.sh (default: <repo>/data/raw)
Output
  --out  one JSON object per line (default: <repo>/data/build/corpus.jsonl) with exactly the keys
         text, label, kind, source, system, pair, group, doc, split.

Deterministic: same inputs -> byte-identical output. Sampling is by whole groups ordered by a
SHA-1 of the group name; the Apertium pivot of a sentence is chosen from a SHA-1 of its text.
Apertium output is cached in data/build/apertium_cache.json (the cache only saves time; the
output is the same with or without it, Apertium being deterministic).

Standard library only. See data/README.md.
"""
import argparse
import collections
import glob
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

KEYS = ("text", "label", "kind", "source", "domain", "system", "pair", "group", "doc", "split")

# ---------------------------------------------------------------------------
# normalisation (applied to every record of every class alike)
# ---------------------------------------------------------------------------

# British -> American spelling. Whole words only, case pattern preserved.
_BR_AM = {
    # -our -> -or
    "colour": "color", "colours": "colors", "coloured": "colored", "colouring": "coloring",
    "colourful": "colorful", "discoloured": "discolored",
    "favour": "favor", "favours": "favors", "favoured": "favored", "favouring": "favoring",
    "favourite": "favorite", "favourites": "favorites", "favourable": "favorable",
    "favourably": "favorably", "unfavourable": "unfavorable",
    "honour": "honor", "honours": "honors", "honoured": "honored", "honouring": "honoring",
    "honourable": "honorable", "dishonour": "dishonor", "dishonoured": "dishonored",
    "labour": "labor", "labours": "labors", "laboured": "labored", "labouring": "laboring",
    "labourer": "laborer", "labourers": "laborers",
    "neighbour": "neighbor", "neighbours": "neighbors", "neighbouring": "neighboring",
    "neighbourhood": "neighborhood", "neighbourhoods": "neighborhoods",
    "behaviour": "behavior", "behaviours": "behaviors", "behavioural": "behavioral",
    "harbour": "harbor", "harbours": "harbors", "harboured": "harbored",
    "humour": "humor", "humorous": "humorous", "rumour": "rumor", "rumours": "rumors",
    "rumoured": "rumored", "vapour": "vapor", "vapours": "vapors", "vigour": "vigor",
    "endeavour": "endeavor", "endeavours": "endeavors", "endeavoured": "endeavored",
    "armour": "armor", "armoured": "armored", "flavour": "flavor", "flavours": "flavors",
    "odour": "odor", "odours": "odors", "splendour": "splendor", "rigour": "rigor",
    "valour": "valor", "clamour": "clamor", "parlour": "parlor", "saviour": "savior",
    "savour": "savor", "fervour": "fervor", "tumour": "tumor", "tumours": "tumors",
    "glamour": "glamor", "candour": "candor", "ardour": "ardor", "rancour": "rancor",
    # -re -> -er
    "centre": "center", "centres": "centers", "centred": "centered", "centring": "centering",
    "theatre": "theater", "theatres": "theaters", "metre": "meter", "metres": "meters",
    "kilometre": "kilometer", "kilometres": "kilometers", "centimetre": "centimeter",
    "centimetres": "centimeters", "millimetre": "millimeter", "millimetres": "millimeters",
    "litre": "liter", "litres": "liters", "fibre": "fiber", "fibres": "fibers",
    "calibre": "caliber", "sombre": "somber", "spectre": "specter", "sabre": "saber",
    "lustre": "luster", "meagre": "meager", "manoeuvre": "maneuver", "manoeuvres": "maneuvers",
    # -ence -> -ense
    "defence": "defense", "defences": "defenses", "offence": "offense", "offences": "offenses",
    "licence": "license", "licences": "licenses", "pretence": "pretense",
    # misc
    "programme": "program", "programmes": "programs",
    "analyse": "analyze", "analysed": "analyzed", "analyses_v": "analyzes", "analysing": "analyzing",
    "paralyse": "paralyze", "paralysed": "paralyzed", "catalyse": "catalyze",
    "catalogue": "catalog", "catalogues": "catalogs",
    "travelled": "traveled", "travelling": "traveling", "traveller": "traveler",
    "travellers": "travelers", "cancelled": "canceled", "cancelling": "canceling",
    "labelled": "labeled", "labelling": "labeling", "modelling": "modeling",
    "modelled": "modeled", "fuelled": "fueled", "fuelling": "fueling",
    "counselling": "counseling", "counsellor": "counselor", "jewellery": "jewelry",
    "grey": "gray", "aluminium": "aluminum", "tyre": "tire", "tyres": "tires",
    "cheque": "check", "cheques": "checks", "plough": "plow", "ploughed": "plowed",
    "mould": "mold", "judgement": "judgment", "judgements": "judgments",
    "ageing": "aging", "fulfil": "fulfill", "fulfils": "fulfills", "enrol": "enroll",
    "enrolment": "enrollment", "instalment": "installment", "skilful": "skillful",
    "wilful": "willful", "sceptical": "skeptical", "sceptic": "skeptic", "pyjamas": "pajamas",
    "paediatric": "pediatric", "anaemia": "anemia", "foetus": "fetus",
    "encyclopaedia": "encyclopedia", "oestrogen": "estrogen", "haemorrhage": "hemorrhage",
    "practise": "practice", "practised": "practiced", "practising": "practicing",
    "whilst": "while", "amongst": "among",
}
_BR_AM.pop("analyses_v")  # 'analyses' is also the plural noun: leave it
_BR_AM.pop("humorous")
# -ise / -isation verbs (only verbs that are -ize in American English; advise, arise,
# comprise, compromise, exercise, promise, revise, supervise, surprise ... are not listed)
_ISE_STEMS = """organ reorgan recogn real apolog critic emphas minim maxim priorit author
character civil mobil modern normal summar util stabil destabil final special privat legal
hospital scrutin sympath capital categor central decentral harmon memor jeopard legitim local
neutral penal public standard symbol visual subsid global industrial optim custom energ fertil
terror vandal colon popular galvan polar revolution monopol patron agon antagon dramat econom
equal formal immun ideal moral national rational sanit social steril traumat western
commercial democrat digit familiar general human immobil internal liberal marginal material
natural radical random regular revital sensit spiritual synchron synthes urban vocal weapon
mechan militar computer incentiv euthan""".split()
for _stem in _ISE_STEMS:
    for _br, _am in (("ise", "ize"), ("ises", "izes"), ("ised", "ized"), ("ising", "izing"),
                     ("isation", "ization"), ("isations", "izations"), ("iser", "izer"),
                     ("isers", "izers")):
        _BR_AM.setdefault(_stem + _br, _stem + _am)
_WORD_RE = re.compile(r"[A-Za-z]+")


def _br_am_sub(m):
    w = m.group(0)
    am = _BR_AM.get(w.lower())
    if am is None:
        return w
    if w.isupper() and len(w) > 1:
        return am.upper()
    if w[0].isupper():
        return am[0].upper() + am[1:]
    return am


def americanise(text):
    """Whole words (maximal runs of ASCII letters) of the list, case pattern preserved."""
    if _BR_AM.keys().isdisjoint(_WORD_RE.findall(text.lower())):
        return text
    return _WORD_RE.sub(_br_am_sub, text)


_MARKS_RE = re.compile(r"[*#@]")
_WS_RE = re.compile(r"\s+")
# Typographic quotes -> ASCII: WMT references and the WEB Bible use curly quotes far more often
# than MT output or Apertium output (which writes a straight apostrophe in "God's"), so quote style
# would otherwise give the label away.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'",
                         "‛": "'"})


def normalise(text):
    """NFC, strip Apertium marks, fold curly quotes, collapse whitespace, British -> American."""
    text = unicodedata.normalize("NFC", text)
    text = _MARKS_RE.sub("", text)
    text = text.translate(_QUOTES)
    text = _WS_RE.sub(" ", text).strip()
    text = americanise(text)
    return text


def keep(text):
    return len(text.split()) >= 3 and len(text) <= 1000


# ---------------------------------------------------------------------------
# sentence splitting (a simple regex splitter, good enough for SOTU / Moby Dick / Bible)
# ---------------------------------------------------------------------------
_ABBREV = set("""mr mrs ms dr st jr sr gen gov sen rep hon col capt lt maj sgt cmdr adm rev
prof messrs mt ft vs etc no nos co corp inc ltd bros dept jan feb mar apr jun jul aug sep sept
oct nov dec u.s u.s.a u.k e.g i.e viz cf al approx fig vol p pp""".split())
_SPLIT_RE = re.compile(r"""(?<=[.!?])["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")


def split_sentences(text):
    text = _WS_RE.sub(" ", text).strip()
    out, start = [], 0
    for m in _SPLIT_RE.finditer(text):
        end = m.end()
        before = text[start:end].rstrip("\"'”’)]")
        last = before.split()[-1] if before.split() else ""
        word = last.rstrip(".!?").lower().lstrip("(\"'“‘")
        if before.endswith(".") and (word in _ABBREV or (len(word) == 1 and word.isalpha())):
            continue  # abbreviation or initial ("John F. Kennedy")
        out.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def sha1_int(s, n=8):
    return int(hashlib.sha1(s.encode("utf-8")).hexdigest()[:n], 16)


def split_of(group):
    return "test" if sha1_int(group) % 10 < 2 else "train"


def read_lines(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        return [l.rstrip("\n").rstrip("\r") for l in f]


def domain_of(source):
    """The text domain, so training can balance labels within a domain (news MT against news, Apertium
    round trips of the Bible against the Bible) instead of learning the domain as the label."""
    if source.startswith("wmt"):
        return "news"
    if source in ("web-bible", "rv1909"):
        return "bible"
    return source


class Corpus:
    def __init__(self):
        self.records = []
        self.dropped = collections.Counter()

    def add(self, text, label, kind, source, system, pair, group, doc):
        t = normalise(text)
        if not keep(t):
            self.dropped[(source, kind)] += 1
            return None
        rec = {"text": t, "label": label, "kind": kind, "source": source, "domain": domain_of(source),
               "system": system,
               "pair": pair, "group": group, "doc": doc, "split": split_of(group)}
        self.records.append(rec)
        return rec


# ---------------------------------------------------------------------------
# WMT21 / WMT22
# ---------------------------------------------------------------------------

def load_docs(wmt, year, pair):
    p = os.path.join(wmt, year, "documents", "generaltest2022.%s.docs" % pair)
    if not os.path.exists(p):
        return None
    return [l.split("\t")[1].strip() for l in read_lines(p) if l.strip()]


def line_groups(year, pair, n, docs):
    """Group and doc of each line of test set `year`, pair `pair`."""
    if docs is not None:
        if len(docs) != n:
            sys.exit("docs of %s %s have %d lines, expected %d" % (year, pair, len(docs), n))
        return [("%s.%s.%s" % (year, pair, d), d) for d in docs]
    g = ["%s.%s.blk%d" % (year, pair, i // 10) for i in range(n)]
    return [(x, x) for x in g]


def build_wmt(corpus, wmt, log):
    prefix = {"wmt21": "newstest2021", "wmt22": "generaltest2022"}
    orig_seen = {}           # text (raw stripped) -> group, dedup of original English
    orig_queue = []          # (year, file pair, lines, groups)
    liv_orig = {}            # wmt22 liv-en reference == en-liv source (multi-way test set)
    for year in ("wmt21", "wmt22"):
        pfx = prefix[year]
        files = glob.glob(os.path.join(wmt, year, "system-outputs", pfx + ".*-en.hyp.*.en"))
        files += glob.glob(os.path.join(wmt, year, "references", pfx + ".*-en.ref.*.en"))
        by_pair = collections.defaultdict(list)
        for f in sorted(files):
            by_pair[os.path.basename(f).split(".")[1]].append(f)
        src_files = {}
        for f in sorted(glob.glob(os.path.join(wmt, year, "sources", pfx + ".en-*.src.en"))):
            src_files[os.path.basename(f).split(".")[1]] = f
        for pair in sorted(by_pair):
            fl = by_pair[pair]
            n = len(read_lines(fl[0]))
            groups = line_groups(year, pair, n, load_docs(wmt, year, pair))
            # a line repeated in the test set (same reference text) joins the group of its
            # first occurrence, so that repeats cannot land in both splits
            first = {}
            key_file = ([f for f in fl if ".ref." in os.path.basename(f)] + fl)[0]
            for i, l in enumerate(read_lines(key_file)):
                key = l.strip()
                if key:
                    groups[i] = (first.setdefault(key, groups[i])[0], groups[i][1])
            # a reference that is identical to an English source is original English
            # (wmt22 liv-en: English -> Livonian -> English test set)
            rev = "en-" + pair.split("-")[0]
            src_lines = read_lines(src_files[rev]) if rev in src_files else None
            for f in fl:
                parts = os.path.basename(f).split(".")
                is_ref = parts[2] == "ref"
                system = ("ref-" + parts[3]) if is_ref else ".".join(parts[3:-1])
                lines = read_lines(f)
                if len(lines) != n:
                    sys.exit("%s has %d lines, expected %d" % (f, len(lines), n))
                if is_ref and src_lines is not None and src_lines == lines:
                    log("  %s: reference %s is the English source %s: emitted as original"
                        % (pair, system, os.path.basename(src_files[rev])))
                    for i, l in enumerate(lines):
                        liv_orig.setdefault(l.strip(), groups[i])
                    continue
                for i, l in enumerate(lines):
                    if not l.strip():
                        corpus.dropped[(year, "empty")] += 1
                        continue
                    g, d = groups[i]
                    if is_ref:
                        corpus.add(l, "human", "reference", year, system, pair, g, d)
                    else:
                        corpus.add(l, "mt", "nmt", year, system, pair, g, d)
        # original English sources: files with a .docs first (en-zh, en-hr), then the rest
        order = sorted(src_files, key=lambda p: (load_docs(wmt, year, p) is None, p))
        for p in order:
            lines = read_lines(src_files[p])
            orig_queue.append((year, p, lines, line_groups(year, p, len(lines),
                                                          load_docs(wmt, year, p))))
    n_dup = 0
    for year, p, lines, groups in orig_queue:
        for i, l in enumerate(lines):
            key = l.strip()
            if not key:
                continue
            if key in orig_seen:
                n_dup += 1
                continue
            g, d = liv_orig.get(key, groups[i])
            orig_seen[key] = g
            corpus.add(l, "human", "original", year, "human", "en", g, d)
    log("  original English: %d unique lines kept, %d duplicate lines skipped"
        % (len(orig_seen), n_dup))


# ---------------------------------------------------------------------------
# human English outside WMT
# ---------------------------------------------------------------------------

def sample_groups(units, cap, salt):
    """units: list of (group, doc, text). Keep whole groups, in SHA-1 order, up to ~cap units.

    Sampled separately among test groups (up to 20% of cap) and train groups (the rest), so a
    source made of a few large groups (SOTU addresses) still gets a 20/80 split. Units keep
    their input order."""
    by_group = collections.OrderedDict()
    for u in units:
        by_group.setdefault(u[0], []).append(u)
    order = sorted(by_group, key=lambda g: hashlib.sha1((salt + g).encode()).hexdigest())
    chosen = set()
    for split, quota in (("test", cap * 2 // 10), ("train", cap - cap * 2 // 10)):
        n = 0
        for g in order:
            if n >= quota:
                break
            if split_of(g) == split:
                chosen.add(g)
                n += len(by_group[g])
    return [u for u in units if u[0] in chosen]


def sentence_units(group, doc, text):
    units = []
    for s in split_sentences(text):
        t = normalise(s)
        if keep(t):
            units.append((group, doc, s))
    return units


# a section heading run into the next sentence ("FOREIGN AFFAIRS For us peace reigns everywhere.")
_HEADING_RE = re.compile(r"^(?:[A-Z][A-Z'’.,&-]+ )*[A-Z][A-Z'’.,&-]{3,}(?: [A-Z][A-Z'’.,&-]+)* (?=[A-Z][a-z])")


def load_sotu(raw, min_year):
    units = []
    for f in sorted(glob.glob(os.path.join(raw, "sotu", "data", "[12][0-9][0-9][0-9]_*.json"))):
        with open(f, encoding="utf-8") as fh:
            d = json.load(fh)
        if int(d["year"]) < min_year:
            continue
        doc = os.path.basename(f)[:-5]
        for para in d["text"].split("\n"):
            for g, dd, sent in sentence_units("sotu." + doc, doc, para):
                if sent.startswith("THE WHITE HOUSE"):
                    continue  # signature line
                sent = _HEADING_RE.sub("", sent)
                if keep(normalise(sent)):
                    units.append((g, dd, sent))
    return units


def load_mobydick(raw):
    units = []
    for f in sorted(glob.glob(os.path.join(raw, "mobydick", "data", "*.json"))):
        name = os.path.basename(f)[:-5]
        if name.startswith("chapter_"):
            doc = "ch%03d" % int(name.split("_")[1])
        elif name == "epilogue":
            doc = "epilogue"
        else:
            continue  # contents, etymology, extracts (quotations from other authors), lists
        with open(f, encoding="utf-8") as fh:
            d = json.load(fh)
        for para in d["text"].split("\n"):
            units.extend(sentence_units("mobydick." + doc, doc, para))
    return units


_VERSE_RE = re.compile(r"^((?:[1-3I]+ )?[A-Z][A-Za-z ]*?) (\d+):(\d+): ?(.*)$")


def read_sword(path):
    """diatheke plain output -> OrderedDict (book, chapter) -> list of verse texts."""
    chapters = collections.OrderedDict()
    cur = None
    for line in read_lines(path):
        m = _VERSE_RE.match(line)
        if m:
            book, ch, vs, text = m.groups()
            cur = [text]
            chapters.setdefault((book, int(ch)), []).append(cur)
            if book == "Revelation of John" and ch == "22" and vs == "21":
                break  # a glossary follows the last verse
        elif cur is not None and line.strip() and not line.startswith("("):
            cur.append(line)  # poetry: a verse continues on further lines
    return collections.OrderedDict((k, [" ".join(x.strip() for x in v) for v in vs])
                                   for k, vs in chapters.items())


def bible_group(book, ch):
    return "bible.%s.%d" % (book.replace(" ", "_"), ch)


def load_web(raw):
    units = []
    for (book, ch), verses in read_sword(os.path.join(raw, "web_nt.txt")).items():
        text = " ".join(verses)
        text = re.sub(r"([,;:])(?=[A-Za-z“‘])", r"\1 ", text)  # "Christ,the son" (markup loss)
        g = bible_group(book, ch)
        units.extend(sentence_units(g, g, text))
    return units


_RV_FIX = [(re.compile(r"<[GH]\d+>"), ""),
           (re.compile(r"(?<!\w)á(?!\w)"), "a"), (re.compile(r"(?<!\w)Á(?!\w)"), "A"),
           (re.compile(r"(?<!\w)é(?!\w)"), "e"), (re.compile(r"(?<!\w)ó(?!\w)"), "o"),
           (re.compile(r"(?<!\w)ú(?!\w)"), "u"),
           (re.compile(r"\bfué\b"), "fue"), (re.compile(r"\bFué\b"), "Fue"),
           (re.compile(r"\bdió\b"), "dio"), (re.compile(r"\bvió\b"), "vio"),
           (re.compile(r"\bfuí\b"), "fui")]


def load_rv1909(raw):
    """Spanish Reina-Valera 1909 verses (modernised accents on a, e, o, u, fue, dio, vio)."""
    units = []
    for (book, ch), verses in read_sword(os.path.join(raw, "rv1909_nt.txt")).items():
        g = bible_group(book, ch)
        for v in verses:
            for rx, rep in _RV_FIX:
                v = rx.sub(rep, v)
            # chapters open with a capitalised word: "EN el principio" -> "En el principio"
            v = re.sub(r"^([A-ZÁÉÍÓÚÑ]{2,})\b", lambda m: m.group(1).capitalize(), v.strip())
            v = _WS_RE.sub(" ", v).strip()
            if len(v.split()) >= 3 and len(v) <= 1000:
                units.append((g, g, v))
    return units


# ---------------------------------------------------------------------------
# Apertium
# ---------------------------------------------------------------------------
PIVOTS = [  # (system name, pair, first mode, second mode)
    ("eng-spa-eng", "en-es-en", "eng-spa", "spa-eng_US"),
    ("eng-cat-eng", "en-ca-en", "eng-cat", "cat-eng"),
    ("en-gl-en", "en-gl-en", "en-gl", "gl-en"),
    ("en-eo-en", "en-eo-en", "en-eo", "eo-en"),
]
_BLANK_RE = re.compile(r"\n[ \t]*\n")


def _run_modes(modes, texts):
    """Run texts through a pipeline of apertium modes; return outputs or None on failure."""
    data = "\n\n".join(t.replace("\n", " ") for t in texts) + "\n"
    for flags, mode in modes:
        try:
            p = subprocess.run(["apertium"] + flags + [mode], input=data.encode("utf-8"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        except subprocess.TimeoutExpired:
            return None
        if p.returncode != 0:
            return None
        data = p.stdout.decode("utf-8", errors="replace")
    out = [x for x in _BLANK_RE.split(data.strip("\n"))]
    if len(out) != len(texts):
        return None
    return out


class Apertium:
    def __init__(self, cache_path, jobs, chunk, log):
        self.cache_path = cache_path
        self.cache = {}
        if cache_path and os.path.exists(cache_path):
            with open(cache_path, encoding="utf-8") as f:
                self.cache = json.load(f)
        self.jobs, self.chunk, self.log = jobs, chunk, log
        self.failed = collections.Counter()
        self.calls = 0
        self.used = set()

    def save(self):
        if self.cache_path:
            os.makedirs(os.path.dirname(self.cache_path), exist_ok=True)
            tmp = self.cache_path + ".tmp"
            keep_ = {k: v for k, v in self.cache.items() if k in self.used}
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(keep_, f, ensure_ascii=False, sort_keys=True)
            os.replace(tmp, self.cache_path)

    def _bisect(self, name, modes, texts):
        self.calls += 1
        out = _run_modes(modes, texts)
        if out is not None:
            return out
        if len(texts) == 1:
            self.failed[name] += 1
            self.log("    apertium %s failed on: %s" % (name, texts[0][:120]))
            return [None]
        mid = len(texts) // 2
        return self._bisect(name, modes, texts[:mid]) + self._bisect(name, modes, texts[mid:])

    def translate(self, name, modes, texts):
        """name: cache namespace; modes: [(flags, mode), ...]. Returns list (None = failed).

        Apertium's output for a sentence can depend on its neighbours in the same call (the
        tagger's context crosses the blank line), so the batches are fixed: the sorted distinct
        texts cut into chunks of --chunk, whatever is cached. The cache is per chunk."""
        uniq = sorted(set(texts))
        chunks = [uniq[i:i + self.chunk] for i in range(0, len(uniq), self.chunk)]
        keys = [hashlib.sha1((name + "\n" + "\x00".join(c)).encode("utf-8")).hexdigest()
                for c in chunks]
        todo = [(k, c) for k, c in zip(keys, chunks) if k not in self.cache]
        if todo:
            t0 = time.time()
            with ThreadPoolExecutor(max_workers=self.jobs) as ex:
                outs = ex.map(lambda kc: self._bisect(name, modes, kc[1]), todo)
                for (k, c), out in zip(todo, outs):
                    self.cache[k] = out
            self.log("    apertium %s: %d sentences in %d new batches, %.1f s"
                     % (name, sum(len(c) for _, c in todo), len(todo), time.time() - t0))
        self.used.update(keys)
        result = {}
        for k, c in zip(keys, chunks):
            result.update(zip(c, self.cache[k]))
        return [result[t] for t in texts]


def pivot_of(text):
    return PIVOTS[sha1_int("pivot:" + text) % len(PIVOTS)]


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wmt", default=os.path.join(REPO, "..", "shared", "wmt"))
    ap.add_argument("--raw", default=os.path.join(REPO, "data", "raw"))
    ap.add_argument("--out", default=os.path.join(REPO, "data", "build", "corpus.jsonl"))
    ap.add_argument("--cache", default=os.path.join(REPO, "data", "build", "apertium_cache.json"),
                    help="Apertium output cache ('' to disable)")
    ap.add_argument("--cap", type=int, default=8000,
                    help="sentences per human source (SOTU, Moby Dick, Bible), whole groups")
    ap.add_argument("--cap-es", type=int, default=3000, help="Spanish RV1909 verses (spa-eng)")
    ap.add_argument("--sotu-min-year", type=int, default=1901)
    ap.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    ap.add_argument("--chunk", type=int, default=500, help="sentences per apertium call")
    ap.add_argument("--no-wmt", action="store_true", help="skip WMT (debugging)")
    args = ap.parse_args()
    t_start = time.time()
    log = lambda s: print(s, file=sys.stderr, flush=True)
    corpus = Corpus()

    if not args.no_wmt:
        log("WMT21/WMT22 from %s" % os.path.abspath(args.wmt))
        build_wmt(corpus, args.wmt, log)

    log("human English outside WMT from %s" % os.path.abspath(args.raw))
    human = []  # (source, units)
    for source, units in (("sotu", load_sotu(args.raw, args.sotu_min_year)),
                          ("mobydick", load_mobydick(args.raw)),
                          ("web-bible", load_web(args.raw))):
        kept = sample_groups(units, args.cap, "sample:")
        log("  %s: %d sentences in %d groups, kept %d in %d groups"
            % (source, len(units), len(set(u[0] for u in units)), len(kept),
               len(set(u[0] for u in kept))))
        human.append((source, kept))

    apt = Apertium(args.cache or None, args.jobs, args.chunk, log)
    n_same = collections.Counter()
    for source, units in human:
        for g, d, s in units:
            corpus.add(s, "human", "original", source, "human", "en", g, d)
        for sysname, pair, m1, m2 in PIVOTS:
            mine = [u for u in units if pivot_of(u[2])[0] == sysname]
            outs = apt.translate(sysname, [(["-u"], m1), (["-u"], m2)], [u[2] for u in mine])
            for (g, d, s), o in zip(mine, outs):
                if o is None:
                    continue
                if normalise(o) == normalise(s):
                    n_same[(source, sysname)] += 1  # round trip gave the input back: no MT signal
                    continue
                corpus.add(o, "mt", "rbmt", source, sysname, pair, g, d)
        apt.save()

    # Apertium round trips of the WMT original English: rule-based MT in the news domain, each in the
    # group of its source line (so a sentence and its round trip are always in the same split).
    news = [(r["group"], r["doc"], r["text"], r["source"]) for r in corpus.records
            if r["kind"] == "original" and r["source"].startswith("wmt")]
    log("  WMT original English through Apertium: %d sentences" % len(news))
    for sysname, pair, m1, m2 in PIVOTS:
        mine = [u for u in news if pivot_of(u[2])[0] == sysname]
        outs = apt.translate(sysname, [(["-u"], m1), (["-u"], m2)], [u[2] for u in mine])
        for (g, d, s, src), o in zip(mine, outs):
            if o is None:
                continue
            if normalise(o) == normalise(s):
                n_same[(src, sysname)] += 1
                continue
            corpus.add(o, "mt", "rbmt", src, sysname, pair, g, d)
    apt.save()

    es = sample_groups(load_rv1909(args.raw), args.cap_es, "sample:")
    log("  rv1909: kept %d Spanish verses in %d chapters" % (len(es), len(set(u[0] for u in es))))
    outs = apt.translate("spa-eng", [([], "spa-eng")], [u[2] for u in es])
    apt.save()
    for (g, d, s), o in zip(es, outs):
        if o is not None:
            corpus.add(o, "mt", "rbmt", "rv1909", "spa-eng", "es-en", g, d)
    if apt.failed:
        log("  apertium failures (line dropped): %s" % dict(apt.failed))
    if n_same:
        log("  round trips identical to their input (dropped): %s" % dict(sorted(n_same.items())))

    # ---- write ----
    recs = corpus.records
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for r in recs:
            assert tuple(r) == KEYS
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(tmp, args.out)

    # ---- report ----
    counts = collections.Counter((r["source"], r["kind"], r["label"], r["split"]) for r in recs)
    rows = sorted(set(k[:3] for k in counts))
    print("| source | kind | label | train | test | total |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    tot = collections.Counter()
    for k in rows:
        tr, te = counts[k + ("train",)], counts[k + ("test",)]
        tot["train"] += tr
        tot["test"] += te
        print("| %s | %s | %s | %d | %d | %d |" % (k + (tr, te, tr + te)))
    print("| **all** | | | %d | %d | %d |" % (tot["train"], tot["test"], tot["train"] + tot["test"]))
    by_label = collections.Counter((r["label"], r["split"]) for r in recs)
    print("\nby label: " + ", ".join("%s/%s=%d" % (k + (v,)) for k, v in sorted(by_label.items())))

    # ---- checks ----
    split_of_group = {}
    for r in recs:
        assert split_of_group.setdefault(r["group"], r["split"]) == r["split"]
    bad = [r for r in recs if _MARKS_RE.search(r["text"])]
    assert not bad, bad[:3]
    text_split = collections.defaultdict(set)
    text_label = collections.defaultdict(set)
    for r in recs:
        text_split[r["text"]].add(r["split"])
        text_label[r["text"]].add(r["label"])
    log("checks: %d records, %d groups, no group in both splits, no */#/@ marks left"
        % (len(recs), len(split_of_group)))
    log("  distinct texts: %d; texts in both splits: %d; texts with both labels: %d"
        % (len(text_split), sum(1 for v in text_split.values() if len(v) > 1),
           sum(1 for v in text_label.values() if len(v) > 1)))
    log("  dropped (<3 words or >1000 chars or empty): %s" % dict(sorted(corpus.dropped.items())))
    rng = random.Random(12345)
    by_kind = collections.defaultdict(list)
    for r in recs:
        by_kind[r["kind"]].append(r)
    for kind in sorted(by_kind):
        log("  examples of %s:" % kind)
        for r in rng.sample(by_kind[kind], min(3, len(by_kind[kind]))):
            log("    [%s %s %s %s] %s" % (r["source"], r["system"], r["group"], r["split"],
                                        r["text"][:200]))
    log("wrote %s in %.1f s" % (args.out, time.time() - t_start))


if __name__ == "__main__":
    main()
