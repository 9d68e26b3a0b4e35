"""Suggestions on a megabyte article with no sentence end: time and peak memory.

    python bench/long_article.py [--chars N] [--no-whole]

Each way of reading runs in a process of its own (peak memory is per process),
with the shipped model: ``whole`` as before 3 December 2026 (one sequence of N
characters: a minute and gigabytes), ``pieces`` (sentences cut at 1,000
characters, the text's features held at once) and ``parts`` (what ships:
pieces, and the text through the model about 50,000 characters at a time).
Ratios are against ``whole`` in the same run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from bench.memory import peak_rss_kib
from hanmark.nlp import crf
from hanmark.nlp.analyzer import Analysis
way, n = sys.argv[2], int(sys.argv[3])
if way != "parts":
    crf.PART = 10**12
if way == "whole":
    crf.LONGEST = 10**12
model = crf.default_model()
text = ("가나다라마바사 " * (n // 8 + 1))[:n]
start = time.perf_counter()
found, _ = model.predict(Analysis(text, (), ((0, n),)))
print(time.perf_counter() - start, peak_rss_kib() / 1024, len(found))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--no-whole", action="store_true",
                        help="skip the old way (about 5 GB at a megabyte)")
    args = parser.parse_args()
    ways = ["pieces", "parts"] if args.no_whole else ["whole", "pieces", "parts"]
    figures = {}
    for way in ways:
        out = subprocess.run([sys.executable, "-c", CHILD, str(REPO), way, str(args.chars)],
                             capture_output=True, text=True, check=True).stdout.split()
        figures[way] = (float(out[0]), float(out[1]))
        line = f"{way:>7}: {figures[way][0]:6.1f} s, peak {figures[way][1]:6.0f} MB"
        if way != ways[0]:
            base = figures[ways[0]]
            line += (f"  (x{figures[way][0] / base[0]:.2f} time,"
                     f" x{figures[way][1] / base[1]:.2f} memory of {ways[0]})")
        print(line, flush=True)


if __name__ == "__main__":
    main()
