"""Every scale benchmark at N = 1,000 / 10,000 / 100,000 articles, into bench/RESULTS.md.

    python bench/run.py [--sizes 1000,10000,100000] [--workdir DIR] [--out bench/RESULTS.md]

Each corpus comes from bench/corpus.py (about 3,000 characters an article,
two annotators with 10 labels each, both marked done) and is kept in
--workdir, so a second run reuses it. For every figure the table gives the
median, its baseline measured in the same run, and the ratio of the figure
at the largest N to the figure at the smallest: costs must not grow with
the corpus, except a full export and agreement, which are reported per
article for that reason.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import hanmark.nlp.analyzer  # noqa: E402
from bench.corpus import build, make_article  # noqa: E402
from bench.start_probe import byte_compile, process_start  # noqa: E402
from bench.ui import key_presses, watch_paints  # noqa: E402
from hanmark.nlp.analyzer import analyse_articles, cached_analysis, get_analyzer  # noqa: E402
from hanmark.nlp.suggest import suggest_article  # noqa: E402
from hanmark.store import Store  # noqa: E402
from hanmark.store.agreement import agreement  # noqa: E402
from hanmark.store.formats.export import ExportOptions, export  # noqa: E402
from hanmark.store.importer import import_sources  # noqa: E402
from hanmark.tui.app import HanmarkApp  # noqa: E402
from hanmark.tui.widgets.article_list import PAGE as LIST_PAGE  # noqa: E402
from hanmark.tui.widgets.article_list import QUICK_COUNT  # noqa: E402

QUERIES = ["비디아", "삼성전자", "경주에서", "젠슨 황", "기사 500번", "정상회의", "없는 말입니다",
           "소프트웨어", "인공지능", "APEC"]
SHORT_QUERIES = ["경주", "AI", "황"]
PAGE = 40


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(func: Callable[[], object], repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        func()
    return (time.perf_counter() - start) / repeat


def corpus(workdir: Path, n: int) -> Path:
    path = workdir / f"corpus-{n}.db"
    if not path.exists():
        start = time.perf_counter()
        build(path, n, annotators=("kim", "lee"), spans=10).close()
        print(f"built {n} articles in {time.perf_counter() - start:.0f} s", flush=True)
    return path


def search_page(store: Store, query: str) -> None:
    """What the list waits for: its first page and a count up to its quick cap (an
    exact total of more matches follows from a worker, timed apart)."""
    store.articles.first_page(search=query, limit=LIST_PAGE, at_most=QUICK_COUNT + 1)


def bench_search(store: Store) -> dict[str, float]:
    ours, bare, short, total = [], [], [], []
    for query in QUERIES:
        for _ in range(3):
            ours.append(timed(lambda q=query: search_page(store, q)))
            bare.append(timed(lambda q=query: store.conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?",
                (f'"{q}"', PAGE)).fetchall()))
        total.append(timed(lambda q=query: store.articles.count(search=q)))
    for query in SHORT_QUERIES:
        short.append(timed(lambda q=query: search_page(store, q)))
    return {"search_ms": median_ms(ours), "search_bare_ms": median_ms(bare),
            "search_short_ms": median_ms(short), "search_total_ms": median_ms(total)}


def bench_pages(store: Store, rng: random.Random) -> dict[str, float]:
    """Page by page from random places, as scrolling the list does."""
    total = store.articles.count()
    samples = []
    for _ in range(10):  # as the list does: a jump, then each page continues the last
        rows = store.articles.page(offset=rng.randrange(max(total - 20 * PAGE, 1)), limit=PAGE)
        for _ in range(20):
            start = time.perf_counter()
            rows = store.articles.page(limit=PAGE, after=rows[-1].rowid)
            samples.append(time.perf_counter() - start)
    bare = [timed(lambda: store.conn.execute(
        "SELECT rowid, uid, title FROM articles ORDER BY rowid LIMIT ? OFFSET ?",
        (PAGE, rng.randrange(total))).fetchall()) for _ in range(50)]
    return {"page_ms": median_ms(samples), "page_bare_ms": median_ms(bare)}


def bench_open(store: Store, rng: random.Random) -> dict[str, float]:
    """Opening an article whose analysis is cached: text, morphemes, spans."""
    uids = [row.uid for row in store.articles.page(offset=rng.randrange(
        max(store.articles.count() - 30, 1)), limit=30)]
    analyse_articles(store, [u for u in uids
                             if cached_analysis(store, u, store.articles.get(u).text) is None])
    samples, bare = [], []
    for uid in uids:
        def open_article(u=uid):
            article = store.articles.get(u)
            cached_analysis(store, u, article.text)
            store.spans.of(u)

        samples.append(timed(open_article))
        bare.append(timed(lambda u=uid: store.conn.execute(
            "SELECT f.text FROM articles a JOIN articles_fts f ON f.rowid = a.rowid"
            " WHERE a.uid = ?", (u,)).fetchone()))
    return {"open_ms": median_ms(samples), "open_bare_ms": median_ms(bare)}


def bench_import(store: Store, workdir: Path, n: int) -> dict[str, float]:
    """Three files of 500 new articles into the corpus (the median file): the cost
    of an import must not grow with it."""
    rng = random.Random(time.time_ns())  # new texts each run: a rerun imports, not skips
    rates = []
    for _ in range(3):
        source = workdir / f"extra-{n}-{time.time_ns()}.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for _ in range(500):
                row = make_article(10_000_000 + rng.randrange(10**9), rng)
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        rates.append(500 / timed(lambda s=source: import_sources(
            store, [str(s)], collection="extra")))
        source.unlink()
    return {"import_per_s": statistics.median(rates)}


def bench_analysis_and_suggest(store: Store) -> dict[str, float]:
    uids = [row.uid for row in store.articles.page(collection="extra", limit=40)]
    analyzed = timed(lambda: analyse_articles(store, uids))
    suggested = [timed(lambda u=uid: suggest_article(store, u)) for uid in uids[:20]]
    return {"analysis_per_s": len(uids) / analyzed, "suggest_ms": median_ms(suggested)}


def bench_export_and_agreement(store: Store, workdir: Path, n: int) -> dict[str, float]:
    out = workdir / f"export-{n}.jsonl"
    elapsed = timed(lambda: export(store, ExportOptions(
        fmt="hanmark", out=out, status=None, force=True)))
    out.unlink(missing_ok=True)
    agreed = timed(lambda: agreement(store, ["kim", "lee"]))
    return {"export_ms_per_article": elapsed * 1000 / n,
            "agreement_ms_per_article": agreed * 1000 / n}


def bench_keys(db: Path) -> dict[str, float]:
    """Key press to repainted screen in the app on this corpus, in its first article:
    cursor moves, and edits (a label key, undo) apart, since a median over both
    would fall between them."""
    async def run() -> dict[str, list[float]]:
        app = HanmarkApp(Store(db), "bench")
        paints = watch_paints(app)
        async with app.run_test(size=(120, 40)) as pilot:
            return await key_presses(pilot, paints, 90)

    in_process = hanmark.nlp.analyzer.get_analyzer()
    kinds = asyncio.run(run())
    hanmark.nlp.analyzer._shared = in_process  # the app moved Kiwi to a child; the rest runs here
    moves = [t for key in ("right", "left", "down", "up") for t in kinds[key]]
    edits = kinds["1 (label)"] + kinds["u (undo)"]
    every = sorted(t for times in kinds.values() for t in times)
    return {"key_ms": median_ms(every), "key_move_ms": median_ms(moves),
            "key_edit_ms": median_ms(edits),
            "key_p95_ms": every[round(0.95 * (len(every) - 1))] * 1000}


def bench_start(db: Path) -> dict[str, float]:
    """Start to first painted screen, hanmark on this database vs a bare Textual app."""
    byte_compile()
    ours, bare = [], []
    for _ in range(9):
        for kind, samples in (("bare", bare), ("hanmark", ours)):
            samples.append(process_start(kind, db))
    return {"start_ms": median_ms(ours), "start_bare_ms": median_ms(bare)}


ROWS = [  # key, what, unit, baseline key, target
    ("start_ms", "start to first usable screen", "ms", "start_bare_ms", "≤ 1.5× bare app"),
    ("search_ms", "search: list's first page + count to 1,001, ≥ 3 characters", "ms",
     "search_bare_ms", "≤ 100 ms"),
    ("search_short_ms", "the same, 1–2 characters (no trigram: scan)", "ms", "search_bare_ms",
     "—"),
    ("search_total_ms", "search: exact total of matches (list: in a worker)", "ms", None,
     "grows with matches"),
    ("page_ms", f"article list, one page of {PAGE}", "ms", "page_bare_ms", "≤ 16 ms"),
    ("open_ms", "open an article (analysis cached)", "ms", "open_bare_ms", "≤ 50 ms"),
    ("key_ms", "key press to repaint, every key (moves, select, label, undo)", "ms", None,
     "≤ 16 ms"),
    ("key_p95_ms", "the same, 95th percentile", "ms", None, "≤ 50 ms"),
    ("key_move_ms", "key press to repaint: cursor moves only", "ms", None, "—"),
    ("key_edit_ms", "key press to repaint: a label and its undo only", "ms", None, "—"),
    ("import_per_s", "import 500 more articles", "articles/s", None, "flat"),
    ("analysis_per_s", "Kiwi analysis + cache", "articles/s", None, "flat"),
    ("suggest_ms", "suggestions for one article", "ms", None, "flat"),
    ("export_ms_per_article", "full JSONL export, per article", "ms", None, "flat"),
    ("agreement_ms_per_article", "agreement, per article", "ms", None, "flat"),
]


def write_results(out: Path, results: dict[int, dict[str, float]]) -> str:
    sizes = sorted(results)
    lines = [
        "# hanmark at scale",
        "",
        f"Written by `python bench/run.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"{platform.machine()}, {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        "Medians. \"vs baseline\" is the figure over its baseline measured in the same run at "
        f"the largest N; \"{sizes[-1]:,} / {sizes[0]:,}\" is the figure at the largest N over "
        "the smallest (1.0 = no growth with the corpus).",
        "",
        "| figure | " + " | ".join(f"N = {n:,}" for n in sizes)
        + " | baseline | vs baseline | growth | target |",
        "|---|" + "---|" * (len(sizes) + 4),
    ]
    for key, what, unit, base, target in ROWS:
        values = [results[n].get(key) for n in sizes]
        if any(v is None for v in values):
            continue
        cells = " | ".join(f"{v:,.1f} {unit}" for v in values)
        big = results[sizes[-1]]
        baseline = f"{big[base]:,.2f} {unit}" if base else "—"
        ratio = f"{big[key] / big[base]:.2f}" if base and big[base] else "—"
        growth = values[-1] / values[0] if values[0] else float("nan")
        if unit.endswith("/s"):
            growth = 1 / growth  # slower throughput is growth in cost
        lines.append(f"| {what} | {cells} | {baseline} | {ratio} | {growth:.2f} | {target} |")
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hanmark-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    get_analyzer().warm_up()
    results: dict[int, dict[str, float]] = {}
    for n in (int(x) for x in args.sizes.split(",")):
        db = corpus(workdir, n)
        rng = random.Random(n)
        figures: dict[str, float] = {}
        figures.update(bench_start(db))
        figures.update(bench_keys(db))
        with Store(db) as store:
            figures.update(bench_search(store))
            figures.update(bench_pages(store, rng))
            figures.update(bench_open(store, rng))
            figures.update(bench_export_and_agreement(store, workdir, n))
            figures.update(bench_import(store, workdir, n))
            figures.update(bench_analysis_and_suggest(store))
        results[n] = figures
        print(n, json.dumps({k: round(v, 3) for k, v in figures.items()}), flush=True)
    print(write_results(args.out, results))


if __name__ == "__main__":
    main()
