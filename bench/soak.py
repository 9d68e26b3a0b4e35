"""Saved means saved while other hanmark processes share the file; labels stay quick.

    python bench/soak.py [--seconds 60] [--articles 100000]

1. Soak: this process uses a ``Store`` as the app does (the main connection labels;
   worker connections open, read the list's first page, close, as own_store's do)
   while four processes loop on the same file: a labeling child using ``Store``,
   ``hanmark import`` of fresh JSON lines, ``hanmark export``, ``hanmark stats``.
   Then another process looks for every write reported saved and checks integrity,
   and /proc/self/fd shows whether this process holds a deleted ``-wal``.
2. Label latency: the store write behind a label key, one every 50 ms, while
   ``hanmark import`` of --articles short articles runs on the file, against the
   same writes with no import. Target p95 <= 250 ms (a failed write: not met).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.corpus import make_article  # noqa: E402
from hanmark.store import HanmarkError, Store, article_uid  # noqa: E402
from hanmark.tui.connections import commit, own_store  # noqa: E402

CLI = "import sys; from hanmark.tui.cli import main; sys.argv[0] = 'hanmark'; main()"
CHILD = "import sys; from bench import soak; getattr(soak, sys.argv[1])(*sys.argv[2:])"
SIZE = 600  # characters of each article that is labeled
PACE = 0.01  # seconds between two labels of one labeler in the soak
Runs = list[tuple[float, str | None]]  # each run's seconds and error (None: it succeeded)


def python(*args: str, popen: bool = False, **kwargs) -> subprocess.CompletedProcess:
    """A child Python process running this checkout's code (started only, with ``popen``)."""
    return (subprocess.Popen if popen else subprocess.run)(
        [sys.executable, *args], cwd=REPO, text=True, **kwargs)


def hanmark(*args: str) -> str | None:
    """Run a hanmark command; its error (the last line it wrote), or None."""
    done = python("-c", CLI, *args, capture_output=True, timeout=600)
    return (done.stderr.strip().splitlines() or ["?"])[-1] if done.returncode else None


def write_jsonl(path: Path, first: int, n: int, size: int) -> list[str]:
    """``n`` unique articles numbered from ``first``; return their ids."""
    rng, uids = random.Random(first), []
    with path.open("w", encoding="utf-8") as out:
        for i in range(first, first + n):
            row = make_article(i, rng, size)
            row["text"] = row["text"].strip()
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            uids.append(article_uid(row["text"]))
    return uids


def until(seconds: float) -> Callable[[], bool]:
    deadline = time.monotonic() + seconds
    return lambda: time.monotonic() > deadline


def repeat(step: Callable[[int], str | None], done: Callable[[], bool], pause: float = 0.0,
           runs: Runs | None = None) -> Runs:
    """Run ``step(k)`` for k = 0, 1, ... until ``done()``, at most 10,000 times."""
    runs = [] if runs is None else runs
    for k in range(10_000):
        if done():
            break
        began = time.perf_counter()
        try:
            error = step(k)
        except (HanmarkError, sqlite3.Error) as exc:
            error = str(exc)
        runs.append((time.perf_counter() - began, error))
        time.sleep(pause)
    return runs


def position(uids: list[str], k: int) -> tuple[str, int]:
    """Where an annotator's k-th label goes: 2 characters that overlap none of its others."""
    return uids[k % len(uids)], 3 * (k // len(uids))  # k < 10,000: within SIZE


def label(store: Store, uids: list[str], annotator: str, done: Callable[[], bool],
          pause: float) -> tuple[Runs, set[tuple[str, int, str]]]:
    """Label as the app does (``commit``: at once, or on a thread while another
    process writes) until ``done()``; the runs, and the labels reported saved."""
    def step(k: int) -> None:
        uid, start = position(uids, k)
        asyncio.run(commit(store, lambda mine: mine.spans.label_range(
            uid, start, start + 2, "OG", annotator=annotator), lambda: None))

    runs = repeat(step, done, pause)
    return runs, {(*position(uids, k), annotator) for k, (_, error) in enumerate(runs)
                  if error is None}


def labeler_child(db: str, uids: str, seconds: str) -> None:
    """The labeling process: prints the labels it was told were saved."""
    with Store(db) as store:
        saved = label(store, uids.split(","), "child", until(float(seconds)), PACE)[1]
    print(json.dumps(sorted(saved)))


def reader_child(db: str) -> None:
    """Another process's view of the file: accepted spans, article ids, integrity."""
    conn = sqlite3.connect(db)
    print(json.dumps([
        conn.execute("SELECT article, start, annotator FROM spans WHERE state = 'accepted'")
        .fetchall(), conn.execute("SELECT uid FROM articles").fetchall(),
        conn.execute("PRAGMA integrity_check").fetchone()[0]]))


def new_database(db: Path, tmp: Path) -> tuple[Store, list[str]]:
    """A database with 100 articles to label."""
    uids = write_jsonl(tmp / f"{db.stem}-labeled.jsonl", 0, 100, SIZE + 10)
    assert hanmark("import", str(tmp / f"{db.stem}-labeled.jsonl"), "--db", str(db)) is None
    return Store(db), uids


def found(db: Path, writes: set[tuple]) -> tuple[str, str]:
    """How many of the writes a separate process finds in the file; its integrity check."""
    done = python("-c", CHILD, "reader_child", str(db), capture_output=True)
    if done.returncode:
        return f"the file cannot be read: {done.stderr.strip().splitlines()[-1]}", "-"
    spans, articles, integrity = json.loads(done.stdout)
    n = len(writes & ({tuple(s) for s in spans} | {(u, -1, "import") for (u,) in articles}))
    lost = len(writes) - n
    return f"{len(writes):,} writes reported saved, {n:,} found, {lost:,} lost", integrity


def soak(tmp: Path, seconds: float) -> None:
    db = tmp / "soak.db"
    store, uids = new_database(db, tmp)
    done = until(seconds)
    child = python("-c", CHILD, "labeler_child", str(db), ",".join(uids), str(seconds),
                   popen=True, stdout=subprocess.PIPE)
    imported, logs = set(), {name: [] for name in ("worker reads", "import", "export", "stats")}

    def import_step(k: int) -> str | None:
        new = write_jsonl(tmp / f"in-{k}.jsonl", 1_000_000 + 50 * k, 50, 200)
        error = hanmark("import", str(tmp / f"in-{k}.jsonl"), "--db", str(db))
        imported.update([] if error else ((uid, -1, "import") for uid in new))
        return error

    def worker_reads(k: int) -> None:  # the article list's reads, like ArticleList._apart
        with own_store(store) as worker:
            worker.articles.first_page(limit=40, at_most=1001, search="삼성전자")
            worker.articles.count()
        time.sleep(0.02)

    out = ("--format", "hanmark", "--status", "all", "--force", "--out", str(tmp / "out.jsonl"))
    steps = {"worker reads": worker_reads, "import": import_step,
             "export": lambda k: hanmark("export", *out, "--db", str(db)),
             "stats": lambda k: hanmark("stats", "--db", str(db), "--json")}
    threads = [threading.Thread(target=repeat, args=(steps[name], done, 0, logs[name]))
               for name in steps]
    for thread in threads:
        thread.start()
    runs, mine = label(store, uids, "app", done, PACE)
    for thread in threads:
        thread.join()
    theirs = {tuple(saved) for saved in json.loads(child.communicate()[0] or "[]")}
    last_runs, last = label(store, uids, "app, last", until(0.5), PACE)  # the others are gone
    deleted = [link for fd in os.listdir("/proc/self/fd")
               if (link := os.path.realpath(f"/proc/self/fd/{fd}")).endswith("-wal (deleted)")]
    writes = mine | last | theirs | imported
    while_open = found(db, writes)[0]
    store.close()
    after, integrity = found(db, writes)
    print(f"1. soak, {seconds:.0f} s: this process + 4 hanmark processes on one file")
    print(f"   labels saved: this process {len(mine | last):,} ({len(runs + last_runs)} tried),"
          f" labeling child {len(theirs):,} (exit {child.returncode});"
          f" articles imported: {len(imported):,}")
    for name, log in logs.items():
        errors = [error for _, error in log if error is not None]
        print(f"   {name}: {len(log):,} runs, {len(errors)} failed"
              + (f" (first: {errors[0]})" if errors else ""))
    print(f"   {while_open} (read by another process, this one's connection still open)")
    print(f"   {after} (after this process closed the file)")
    print(f"   PRAGMA integrity_check: {integrity}")
    print(f"   deleted -wal held open by this process: {', '.join(deleted) or 'none'}")


def figures(runs: Runs) -> tuple[str, float]:
    """p50 and p95 (ms) over every write, a failed one at the time it waited."""
    times = sorted(1000 * seconds for seconds, _ in runs) or [float("nan")]
    p95, failed = times[round(0.95 * (len(times) - 1))], sum(e is not None for _, e in runs)
    return (f"p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms"
            f"  ({len(runs)} writes, {failed} failed)"), p95 if not failed else float("inf")


def latency(tmp: Path, articles: int) -> None:
    db, big = tmp / "latency.db", tmp / "big.jsonl"
    store, uids = new_database(db, tmp)
    write_jsonl(big, 2_000_000, articles, 120)
    calm = label(store, uids, "calm", until(10), 0.05)[0]
    began = time.monotonic()
    importer = python("-c", CLI, "import", str(big), "--db", str(db), popen=True,
                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(1.0)  # its start-up: Python, then reading the first lines
    busy = label(store, uids, "busy", lambda: importer.poll() is not None, 0.05)[0]
    said = (importer.communicate(timeout=600)[0].strip().splitlines() or ["-"])[-1]
    store.close()
    (calm_text, calm95), (busy_text, busy95) = figures(calm), figures(busy)
    print(f"2. label write to saved, one every 50 ms, beside `hanmark import` of {articles:,}"
          f" short articles ({time.monotonic() - began:.1f} s, exit {importer.returncode}: {said})")
    print(f"   no import:     {calm_text}")
    print(f"   during import: {busy_text}; p95 {busy95 / calm95:.1f}x no import;"
          f" target p95 <= 250 ms {'met' if busy95 <= 250 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hanmark-soak-") as tmp:
        soak(Path(tmp), args.seconds)
        latency(Path(tmp), args.articles)


if __name__ == "__main__":
    main()
