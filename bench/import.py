"""Import and analysis throughput, against baselines measured in the same run.

    python bench/import.py [--articles 10000] [--analyse 1000]

1. Importing N articles of about 3,000 characters (the seed article's
   paragraphs shuffled and varied) from a JSON lines file, against a plain
   ``sqlite3.executemany`` of the same rows into a table indexed the same way
   (the same schema script, FTS5 trigram index and triggers included).
2. Peak RSS of a whole ``import`` of N/10 and N articles, each in a fresh
   process: memory must stay flat as the file grows.
3. Analysis of M of those articles (Kiwi, cached in the database), against
   raw ``kiwi.tokenize`` batch throughput on the same texts.
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

from bench.corpus import make_article  # noqa: E402
from bench.memory import peak_rss_kib  # noqa: E402
from hanmark.nlp.analyzer import analyse_articles, get_analyzer  # noqa: E402
from hanmark.store import Store, article_uid  # noqa: E402
from hanmark.store.formats.plain import derive_title  # noqa: E402
from hanmark.store.importer import import_sources  # noqa: E402
from hanmark.store.migrations import M1_INITIAL  # noqa: E402


def write_jsonl(path: Path, n: int) -> list[dict]:
    rng = random.Random(7)
    rows = [make_article(i, rng) for i in range(n)]
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows


def baseline_insert(path: Path, rows: list[dict]) -> float:
    """Plain executemany into the same indexed schema; the floor hanmark is measured against."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.executescript("BEGIN;" + M1_INITIAL + "COMMIT;")
    params = [(article_uid(r["text"]), derive_title(r["text"]), r["date"], r["source"],
               "2025-01-01", "2025-01-01") for r in rows]
    texts = [(i, derive_title(r["text"]), r["text"]) for i, r in enumerate(rows, start=1)]
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO articles(uid, title, date, source, created, updated)"
                     " VALUES (?, ?, ?, ?, ?, ?)", params)
    conn.executemany("INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)", texts)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def hanmark_import(db: Path, source: Path) -> float:
    store = Store(db)
    start = time.perf_counter()
    report = import_sources(store, [str(source)])
    elapsed = time.perf_counter() - start
    assert not report.errors, report.errors[:3]
    store.close()
    return elapsed


def child_peak_rss(n: int, workdir: Path) -> int:
    """Peak RSS (KiB) of a fresh process that imports n articles (the file is
    written here, so the child's peak is the import's alone)."""
    write_jsonl(workdir / f"child-{n}.jsonl", n)
    out = subprocess.run([sys.executable, __file__, "--child", str(n), "--workdir", str(workdir)],
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def child(n: int, workdir: Path) -> None:
    db = workdir / f"child-{n}.db"
    db.unlink(missing_ok=True)
    hanmark_import(db, workdir / f"child-{n}.jsonl")
    print(peak_rss_kib())


def bench_analysis(workdir: Path, rows: list[dict], m: int) -> tuple[float, float]:
    texts = [r["text"] for r in rows[:m]]
    analyzer = get_analyzer()
    analyzer.warm_up()
    start = time.perf_counter()
    for _ in analyzer.kiwi.tokenize(iter(texts)):
        pass
    raw = time.perf_counter() - start
    store = Store(workdir / "analysis.db")
    for text in texts:
        store.articles.add(text)
    start = time.perf_counter()
    analyse_articles(store)
    ours = time.perf_counter() - start
    store.close()
    return raw, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--analyse", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=int)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workdir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        n = args.articles
        source = workdir / "articles.jsonl"
        rows = write_jsonl(source, n)
        chars = sum(len(r["text"]) for r in rows)
        base_times, our_times = [], []
        for i in range(args.repeat):
            base_times.append(baseline_insert(workdir / f"base{i}.db", rows))
            our_times.append(hanmark_import(workdir / f"ours{i}.db", source))
        base, ours = statistics.median(base_times), statistics.median(our_times)
        print(f"import: {n} articles, {chars / n:.0f} characters each")
        print(f"  baseline executemany  {n / base:9.0f} articles/s  ({base:.2f} s)")
        print(f"  hanmark import        {n / ours:9.0f} articles/s  ({ours:.2f} s)")
        print(f"  ratio (target >= 0.5)  {base / ours:.2f}")
        small, large = child_peak_rss(n // 10, workdir), child_peak_rss(n, workdir)
        print(f"peak RSS: {n // 10} articles {small / 1024:.0f} MiB, "
              f"{n} articles {large / 1024:.0f} MiB, ratio (target <= 1.2) {large / small:.2f}")
        raw, analysed = bench_analysis(workdir, rows, args.analyse)
        m = min(args.analyse, n)
        print(f"analysis: {m} articles")
        print(f"  raw kiwi.tokenize     {m / raw:9.1f} articles/s")
        print(f"  hanmark analyse+cache {m / analysed:9.1f} articles/s")
        print(f"  ratio (target >= 0.8)  {raw / analysed:.2f}")


if __name__ == "__main__":
    main()
