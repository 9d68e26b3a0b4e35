"""Inputs whose cost grew with the square of their size, at two sizes each.

    python bench/linear.py [--labels 10000] [--tokens 25000] [--repeat 3]

Each case runs at N and 2N and prints the time and the growth per doubling
(time at 2N / time at N / 2: 1.0 is linear, 2.0 quadratic), best of
``repeat`` runs, beside a baseline measured in the same run that does the
same work the way the code did before the fix:

1. A doccano label configuration of N labels (``hanmark labels import``):
   read, checked and added, against the same import without the sort-order
   index (each label read every label for the next sort order).
2. One CoNLL sentence of N tokens, a third of them entities (``hanmark
   import``), against the same spans inserted without their surface form
   (the forms trigger then reads the whole text for each span, as before).
3. An HTML page over the 20 MB cap, at 2x and 4x the cap: refused after
   reading no more than the cap, so the time must not grow.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hanmark.store import HanmarkError, NewSpan, Store  # noqa: E402
from hanmark.store import labels as label_set  # noqa: E402
from hanmark.store.html import MAX_PAGE_MB  # noqa: E402
from hanmark.store.importer import import_sources  # noqa: E402


def best(run: Callable[[], float], repeat: int) -> float:
    return min(run() for _ in range(repeat))


def labels_case(folder: Path, n: int, indexed: bool) -> float:
    config = folder / f"labels-{n}.json"
    config.write_text(json.dumps([{"text": f"L{i}", "backgroundColor": "#336699"}
                                  for i in range(n)]), encoding="utf-8")
    with tempfile.TemporaryDirectory(dir=folder) as tmp, Store(Path(tmp) / "l.db") as store:
        if not indexed:
            store.conn.execute("DROP INDEX labels_order")
        start = time.perf_counter()
        label_set.add_labels(store, label_set.read_doccano_config(config))
        return time.perf_counter() - start


def sentence(n: int) -> tuple[str, list[tuple[int, int]]]:
    """N tokens joined by spaces (as CoNLL reading joins them), every third one a span."""
    tokens = [f"삼성{i}" for i in range(n)]
    spans, offset = [], 0
    for i, token in enumerate(tokens):
        if i % 3 == 0:
            spans.append((offset, offset + len(token)))
        offset += len(token) + 1
    return " ".join(tokens), spans


def conll_case(folder: Path, n: int) -> float:
    path = folder / f"sentence-{n}.conll"
    text, _ = sentence(n)
    path.write_text("".join(f"{tok} {'B-OG' if i % 3 == 0 else 'O'}\n"
                            for i, tok in enumerate(text.split(" "))) + "\n", encoding="utf-8")
    with tempfile.TemporaryDirectory(dir=folder) as tmp, Store(Path(tmp) / "c.db") as store:
        start = time.perf_counter()
        report = import_sources(store, [str(path)], annotator="kim")
        assert report.imported == 1 and report.spans == (n + 2) // 3, report.summary()
        return time.perf_counter() - start


def formless_case(folder: Path, n: int) -> float:
    """The same spans inserted without their form: the trigger's fallback, the old cost."""
    text, spans = sentence(n)
    with tempfile.TemporaryDirectory(dir=folder) as tmp, Store(Path(tmp) / "f.db") as store:
        uid, _ = store.articles.add(text)
        start = time.perf_counter()
        with store.transaction():
            for s, e in spans:
                store.spans._insert(uid, NewSpan(s, e, "OG", "kim", origin="import"), "t")
        return time.perf_counter() - start


def html_case(folder: Path, megabytes: int) -> float:
    page = folder / f"page-{megabytes}.html"
    paragraph = "<p>" + "삼성전자가 새 반도체 공장을 짓는다고 밝혔다. " * 20 + "</p>\n"
    with page.open("w", encoding="utf-8") as handle:
        handle.write("<!doctype html><html><body>\n")
        for _ in range(megabytes * 1024 * 1024 // len(paragraph.encode()) + 1):
            handle.write(paragraph)
    with tempfile.TemporaryDirectory(dir=folder) as tmp, Store(Path(tmp) / "h.db") as store:
        start = time.perf_counter()
        report = import_sources(store, [str(page)])
        elapsed = time.perf_counter() - start
    assert report.imported == 0 and f"{MAX_PAGE_MB} MB" in report.errors[0], report.errors
    page.unlink()
    return elapsed


def row(name: str, n: int, small: float, large: float, base: tuple[float, float] | None) -> None:
    line = (f"{name:<40} {n:>7,} {small:8.3f} s {2 * n:>7,} {large:8.3f} s"
            f"  growth {large / small / 2:4.2f}")
    if base:
        line += (f"   before: {base[0]:7.3f} / {base[1]:7.3f} s,"
                 f" growth {base[1] / base[0] / 2:4.2f}")
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=10_000)
    parser.add_argument("--tokens", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        n, r = args.labels, args.repeat
        row("labels import (doccano config)", n,
            best(lambda: labels_case(folder, n, True), r),
            best(lambda: labels_case(folder, 2 * n, True), r),
            (best(lambda: labels_case(folder, n, False), 1),
             best(lambda: labels_case(folder, 2 * n, False), 1)))
        n = args.tokens
        row("one CoNLL sentence (tokens)", n,
            best(lambda: conll_case(folder, n), r), best(lambda: conll_case(folder, 2 * n), r),
            (best(lambda: formless_case(folder, n), 1),
             best(lambda: formless_case(folder, 2 * n), 1)))
        try:
            row(f"HTML page refused (MB, cap {MAX_PAGE_MB})", 2 * MAX_PAGE_MB,
                best(lambda: html_case(folder, 2 * MAX_PAGE_MB), r),
                best(lambda: html_case(folder, 4 * MAX_PAGE_MB), r), None)
        except HanmarkError as exc:
            print(f"HTML case failed: {exc}")


if __name__ == "__main__":
    main()
