"""Export throughput and memory, against a baseline measured in the same run.

    python bench/export.py [--articles 100000] [--spans 10] [--size 400]

1. Exporting every article with its spans as hanmark JSONL (and doccano
   JSONL), median of ``repeat`` interleaved runs, against a bare ``SELECT``
   over the same article and span rows piped through ``json.dumps``.
2. Peak RSS of exporting N/10 and N articles, each in a fresh process:
   memory must stay flat as the corpus grows.

The database is built with store calls (N articles of about ``size``
characters, ``spans`` accepted labels each, all marked done) in one
transaction.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.corpus import make_article, make_spans  # noqa: E402
from bench.memory import peak_rss_kib  # noqa: E402
from hanmark.store import NewSpan, Store  # noqa: E402
from hanmark.store.articles import ARTICLE_SELECT  # noqa: E402
from hanmark.store.formats.export import ExportOptions, export  # noqa: E402
from hanmark.store.spans import SPAN_SELECT  # noqa: E402


def build(path: Path, n: int, spans: int, size: int) -> int:
    """N done articles (the first N/10 in collection ``small``); returns the span count."""
    rng = random.Random(7)
    store = Store(path)
    total = 0
    with store.transaction():
        for i in range(n):
            text = make_article(i, rng, size)["text"]
            uid, _ = store.articles.add(text, title=f"기사 {i}", date="2025-11-01",
                                       source="bench", status="done",
                                       collection="small" if i < n // 10 else "large")
            rows = [NewSpan(s, e, label, "kim") for s, e, label in make_spans(text, spans, rng)]
            store.spans.add(uid, rows, actor="kim", log=False)
            total += len(rows)
    store.close()
    return total


def timed(work) -> tuple[float, float]:
    """Wall and CPU seconds of ``work()`` (CPU time is steadier on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def baseline(db: Path, out: Path) -> tuple[float, float]:
    """The floor: the same article and span rows the store reads, through json.dumps."""
    conn = sqlite3.connect(db)

    def work() -> None:
        with out.open("w", encoding="utf-8") as handle:
            for select in (ARTICLE_SELECT, SPAN_SELECT):
                for row in conn.execute(select):
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    elapsed = timed(work)
    conn.close()
    return elapsed


def hanmark_export(db: Path, out: Path, fmt: str,
                   collection: str | None = None) -> tuple[float, float]:
    store = Store(db)
    elapsed = timed(lambda: export(store, ExportOptions(
        fmt, out, status="done", collection=collection, annotator="kim", force=True)))
    store.close()
    return elapsed


def child_peak_rss(db: Path, collection: str | None, workdir: Path) -> int:
    """Peak RSS (KiB) of a fresh process exporting the collection (None: everything)."""
    args = [sys.executable, __file__, "--child", str(db), "--workdir", str(workdir)]
    if collection:
        args += ["--collection", collection]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--spans", type=int, default=10)
    parser.add_argument("--size", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=Path)
    parser.add_argument("--collection")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    if args.child:
        hanmark_export(args.child, args.workdir / "child.jsonl", "hanmark", args.collection)
        print(peak_rss_kib())
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        db = workdir / "bench.db"
        start = time.perf_counter()
        n_spans = build(db, args.articles, args.spans, args.size)
        n = args.articles
        print(f"built {n} articles, {n_spans} spans in {time.perf_counter() - start:.0f} s")
        times: dict[str, list[tuple[float, float]]] = {"base": [], "hanmark": [], "doccano": []}
        for _ in range(args.repeat):  # interleaved, so drift on a shared machine hits all
            times["base"].append(baseline(db, workdir / "base.jsonl"))
            for fmt in ("hanmark", "doccano"):
                times[fmt].append(hanmark_export(db, workdir / f"{fmt}.jsonl", fmt))
        def median(name: str, which: int) -> float:
            return statistics.median(t[which] for t in times[name])

        base, base_cpu = median("base", 0), median("base", 1)
        print(f"export of {n} articles with {n_spans} spans (median of {args.repeat}):")
        print(f"  bare SELECT + json.dumps  {n / base:9.0f} articles/s  ({base:.2f} s wall,"
              f" {base_cpu:.2f} s CPU)")
        for fmt in ("hanmark", "doccano"):
            ours, cpu = median(fmt, 0), median(fmt, 1)
            print(f"  hanmark export {fmt:<9}  {n / ours:9.0f} articles/s  ({ours:.2f} s wall,"
                  f" {cpu:.2f} s CPU)  ratio {base / ours:.2f} wall, {base_cpu / cpu:.2f} CPU"
                  " (target >= 0.5)")
        small = child_peak_rss(db, "small", workdir)
        large = child_peak_rss(db, None, workdir)
        print(f"peak RSS exporting hanmark JSONL: {n // 10} articles {small / 1024:.0f} MiB,"
              f" {n} articles {large / 1024:.0f} MiB, ratio {large / small:.2f}"
              " (target <= 1.2)")


if __name__ == "__main__":
    main()
