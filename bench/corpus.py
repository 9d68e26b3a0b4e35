"""A reproducible corpus of Korean articles with spans, for every benchmark.

    python bench/corpus.py N DB [--annotators kim,lee] [--spans 30]

Articles are about 3,000 characters: the seed article's paragraphs
shuffled, with company names and numbers varied, so every text is unique.
Each annotator gets ``spans`` accepted labels per article (mostly the same
ones, a few differing, as real annotators do) and marks the article done.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hanmark.store import NewSpan, Store  # noqa: E402
from hanmark.store.formats.plain import DATE_PREFIX_RE  # noqa: E402

SEED = (REPO / "seeds" / "000_487a5749c62e61c4.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p.strip() for p in DATE_PREFIX_RE.sub("", SEED).split("\n\n") if p.strip()]
NAMES = ["엔비디아", "삼성전자", "현대차", "네이버", "카카오", "LG전자", "SK하이닉스"]
LABELS = ["PS", "LC", "OG", "DT", "TI", "QT"]


def make_article(i: int, rng: random.Random, size: int = 3000) -> dict:
    """About ``size`` characters: shuffled seed paragraphs with varied names and numbers."""
    parts, total = [f"기사 {i}번: {rng.choice(NAMES)}와 {rng.randint(1, 99)}만 장의 GPU."], 0
    while total < size:
        paragraph = rng.choice(PARAGRAPHS).replace("엔비디아", rng.choice(NAMES))
        parts.append(paragraph.replace("26만", f"{rng.randint(2, 90)}만"))
        total += len(parts[-1]) + 2
    text = "\n\n".join(parts)[:size]
    return {"text": text, "title": f"기사 {i}", "date": "2025-11-01", "source": "bench"}


def make_spans(text: str, n: int, rng: random.Random) -> list[tuple[int, int, str]]:
    """n non-overlapping spans of 2-6 characters at random places."""
    step = max(8, len(text) // max(n, 1))
    spans = []
    for k in range(n):
        start = k * step + rng.randrange(0, step - 7)
        if start + 6 >= len(text):
            break
        spans.append((start, start + rng.randint(2, 6), rng.choice(LABELS)))
    return spans


def build(path: Path, n: int, *, annotators: tuple[str, ...] = (), spans: int = 30,
          seed: int = 7) -> Store:
    """Create (or extend) a database with n articles, each labelled by every annotator."""
    rng = random.Random(seed)
    store = Store(path)
    with store.transaction():
        for i in range(n):
            article = make_article(i, rng)
            uid, created = store.articles.add(article["text"], title=article["title"],
                                             date=article["date"], source=article["source"])
            if not created or not annotators:
                continue
            base = make_spans(article["text"], spans, rng)
            for who in annotators:
                mine = [s if rng.random() > 0.1 else (s[0], s[1], rng.choice(LABELS))
                        for s in base]
                store.spans.add(uid, [NewSpan(s, e, lab, who) for s, e, lab in mine],
                                actor=who, log=False)
                store.articles.set_status(uid, "done", who)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("db", type=Path)
    parser.add_argument("--annotators", default="")
    parser.add_argument("--spans", type=int, default=30)
    args = parser.parse_args()
    start = time.perf_counter()
    names = tuple(a for a in args.annotators.split(",") if a)
    build(args.db, args.n, annotators=names, spans=args.spans).close()
    print(f"{args.n} articles into {args.db} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
