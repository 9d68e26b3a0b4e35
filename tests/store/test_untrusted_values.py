"""Cursors and times are checked on the way in (native import), and not trusted
on the way out: rows an older hanmark let in must not crash ``stats``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hanmark.store import Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.importer import import_sources
from tests.conftest import REPO

TEXT = "엔비디아와 삼성전자가 경주에서 만났다."
STATS = "import sys; from hanmark.tui.cli import main; sys.argv[0] = 'hanmark'; main()"


def labelled(store: Store) -> str:
    uid, _ = store.articles.add(TEXT)
    store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    store.articles.set_status(uid, "done", "kim")
    return uid


@pytest.fixture
def exported(store: Store, tmp_path: Path) -> tuple[str, dict]:
    """A native export's header line and its one article, as JSON."""
    labelled(store)
    out = tmp_path / "backup.jsonl"
    export(store, ExportOptions("hanmark", out, status=None))
    header, article = out.read_text(encoding="utf-8").splitlines()
    return header, json.loads(article)


def bad_cursor(article: dict, value: object) -> None:
    article["cursor"] = value


def bad_event_time(article: dict, value: object) -> None:
    article["events"][0][0] = value


def bad_span_time(article: dict, value: object) -> None:
    article["spans"][0][-1] = value


def bad_article_time(article: dict, value: object) -> None:
    article["created"] = value


@pytest.mark.parametrize(("spoil", "value", "said"), [
    (bad_cursor, "abc", "'cursor' 'abc' is not an integer"),
    (bad_cursor, 1.5, "'cursor' 1.5 is not an integer"),
    (bad_cursor, True, "'cursor' True is not an integer"),
    (bad_cursor, 10**9, "'cursor' 1000000000 is outside the text (length 21)"),
    (bad_event_time, "not-a-time", "event time 'not-a-time' is not an ISO 8601 time"),
    (bad_span_time, 7, "span time 'updated' 7 is not an ISO 8601 time"),
    (bad_article_time, "yesterday", "'created' 'yesterday' is not an ISO 8601 time"),
])
def test_native_import_refuses_a_bad_cursor_or_time(exported, tmp_path: Path, spoil, value,
                                                    said: str) -> None:
    header, article = exported
    spoil(article, value)
    path = tmp_path / "spoiled.jsonl"
    path.write_text(header + "\n" + json.dumps(article, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    with Store(tmp_path / "copy.db") as copy:
        report = import_sources(copy, [str(path)])
        assert report.errors == [f"{path}:2: {said} (nothing from this file was imported; "
                                 "--keep-good imports the rest)"]
        assert copy.articles.count() == 0


def spoil_rows(db_path: Path, uid: str) -> None:
    """Values an older hanmark's native import let into the database."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE articles SET cursor = 'abc', meta = '{not json' WHERE uid = ?",
                     (uid,))
        first, second = (r[0] for r in conn.execute("SELECT id FROM events ORDER BY id LIMIT 2"))
        conn.execute("UPDATE events SET time = 'not-a-time' WHERE id = ?", (first,))
        conn.execute("UPDATE events SET time = '2026-01-01T09:00:00' WHERE id = ?", (second,))
    conn.close()


def test_stored_bad_values_are_read_as_none(db_path: Path) -> None:
    with Store(db_path) as store:
        uid = labelled(store)
        store.spans.label_range(uid, 6, 10, "OG", annotator="kim")
    spoil_rows(db_path, uid)
    with Store(db_path) as store:
        article = store.articles.get(uid)
        assert (article.cursor, article.meta) == (0, {})
        assert store.stats.labeling_activity()["kim"]["labels"] == 1  # the event with a time
    done = subprocess.run([sys.executable, "-c", STATS, "stats", "--db", str(db_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "Articles by status (1)" in done.stdout
