"""Agreement over doubly annotated articles, against a bare read of the same spans.

    python bench/agreement.py [--articles 10000] [--spans 30]

Target (issue 6): at most 5 s for 10,000 articles on 2 cores. The baseline
is the unavoidable part: one SELECT of every accepted span and text of those
articles, measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.corpus import build  # noqa: E402
from hanmark.store.agreement import agreement  # noqa: E402


def bare_read(store) -> None:
    for _ in store.conn.execute(
            "SELECT a.text, s.annotator, s.start, s.end, s.label FROM articles a"
            " JOIN spans s ON s.article = a.uid WHERE s.state = 'accepted'"):
        pass


def timed(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store = build(Path(tmp) / "agree.db", args.articles, annotators=("kim", "lee"),
                      spans=args.spans)
        print(f"corpus: {args.articles} articles x 2 annotators x {args.spans} spans "
              f"(built in {time.perf_counter() - start:.0f} s)")
        base = timed(lambda: bare_read(store), args.repeat)
        ours = timed(lambda: agreement(store), args.repeat)
        [pair] = agreement(store)
        print(f"  bare SELECT of texts and spans  {base:6.2f} s")
        print(f"  hanmark agreement               {ours:6.2f} s  (target <= 5 s)")
        print(f"  ratio agreement / bare read     {ours / base:6.2f}")
        print(f"  result: {pair.articles} articles, entity F1 {pair.entity_f1:.3f}, "
              f"kappa {pair.kappa():.3f}")
        store.close()


if __name__ == "__main__":
    main()
