"""The bench corpus: the non-empty lines of benches/sentences.txt (2,000 held-out WMT news lines)
repeated to N lines, one per line. bench.sh, scaling.sh, ab_time.sh and headroom.sh all time mtlint
on it, so that their figures are on the same text.

Usage: python3 scripts/bench_lines.py N OUT   (run from the repository root)
"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
src = [l for l in open("benches/sentences.txt", encoding="utf-8").read().splitlines() if l.strip()]
with open(out, "w", encoding="utf-8") as f:
    f.writelines(src[i % len(src)] + "\n" for i in range(n))
