"""The store: the one place that speaks SQL.

Every write runs in a ``BEGIN IMMEDIATE`` transaction that is committed
before the method returns, so a caller may tell the user "saved" as soon as
a call comes back. Span changes are also appended to the event log, grouped
so that one user action (labeling over two old spans, accepting all) is one
undo step.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from .db import BUSY_TIMEOUT_MS, open_database
from .errors import DatabaseBusy, HanmarkError
from .models import STATUSES, Article, ArticleRow, Event, Label, NewSpan, Span

SPAN_COLUMNS = (
    "id", "article", "start", "end", "label", "annotator", "origin", "state",
    "model", "confidence", "note", "created", "updated",
)
ARTICLE_COLUMNS = (
    "uid", "text", "title", "date", "source", "url", "collection", "status",
    "meta", "cursor", "created", "updated",
)
_SPAN_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in SPAN_COLUMNS) + " FROM spans"
# articles_fts holds the text (see the first migration); rows join on rowid. CROSS
# JOIN keeps articles the outer loop: left to itself, SQLite scanned the whole text
# table for every batch of a streamed export (0.6 ms an article at 100,000).
_ARTICLE_FIELDS = ", ".join("f.text" if c == "text" else f'a."{c}"' for c in ARTICLE_COLUMNS)
_ARTICLE_FROM = " FROM articles a CROSS JOIN articles_fts f ON f.rowid = a.rowid"
_ARTICLE_SELECT = "SELECT " + _ARTICLE_FIELDS + _ARTICLE_FROM
_EVENT_SELECT = ("SELECT id, time, annotator, article, grp, action, span_id, before, after,"
                 " target FROM events")
T = TypeVar("T")
# Longest hold of the write lock by batched work (imports, merges): the app's label waits it.
BATCH_SECONDS = 0.05
BATCH_PAUSE = 0.003
UNDOABLE = ("create", "update", "delete", "status", "label_rename")


def now() -> str:
    """UTC time with milliseconds, as stored in every ``created``/``updated``/``time``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def article_uid(text: str) -> str:
    """Content hash of the normalised text: the article's identity."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _span(row: Sequence[Any]) -> Span:
    return Span(*row)


def _article(row: Sequence[Any]) -> Article:
    """Stored values are not trusted: a cursor or meta that an older import or a
    hand-edited file left bad reads as none (the app crashed opening it)."""
    values = dict(zip(ARTICLE_COLUMNS, row, strict=True))
    values["meta"] = _json_object(values["meta"])
    cursor = values["cursor"]
    if not (isinstance(cursor, int) and 0 <= cursor <= len(values["text"] or "")):
        values["cursor"] = 0
    return Article(**values)


def _json_object(value: Any) -> dict[str, Any]:
    try:
        data = json.loads(value or "{}")
    except (TypeError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _moment(stamp: Any) -> datetime | None:
    """A stored time, or None if it is not one (``stats`` crashed on ``not-a-time``)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _event(row: Sequence[Any]) -> Event:
    i, t, who, art, g, act, sid, b, a, tgt = row
    return Event(i, t, who, art, g, act, sid,
                 json.loads(b) if b else None, json.loads(a) if a else None, tgt)


def _fts_phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


def search_scans(search: str | None) -> bool:
    """True for a search too short for the trigram index (under three characters):
    it reads the article texts until it has a page, up to the whole corpus."""
    return bool(search) and len(search) < 3


class Store:
    """A hanmark database file and the typed operations on it."""

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False):
        self.path = Path(path)
        self.conn, self.readonly = open_database(self.path, create=create, readonly=readonly)
        self._lock = threading.RLock()
        self._depth = 0
        self._waits = True  # for the write lock; see at_once

    @cached_property
    def db(self):
        """The connection as a ``sqlite_utils.Database``, for introspection and ad hoc use.

        Imported on first use: hot paths use the connection directly, with
        explicit ``BEGIN IMMEDIATE`` transactions that sqlite-utils' own
        ``with conn:`` blocks would commit early.
        """
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic, committed unit of work; nested calls join the outer one."""
        if self.readonly:
            raise HanmarkError(f"{self.path} is open read-only; nothing can be changed.")
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._begin()
            self._depth = 1
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError):
                    raise HanmarkError(self._write_failed(exc)) from None
                raise
            finally:
                self._depth = 0

    def data_version(self) -> int:
        """A number that changes whenever another connection (a worker, another
        process) commits to the file: a cheap way to notice changes."""
        return self._one("PRAGMA data_version")[0]

    @contextmanager
    def at_once(self) -> Iterator[None]:
        """Writes in this block raise ``DatabaseBusy`` at once, before changing
        anything, when another process holds the write lock (the app's screen must
        never wait for it; it hands such a write to a thread)."""
        self._waits = False
        try:
            yield
        finally:
            self._waits = True

    def _write_failed(self, exc: sqlite3.DatabaseError) -> str:
        if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
            return (f"The disk is full (or a file size limit was reached) writing {self.path}; "
                    "the change was not saved.")
        return f"{self.path}: the change was not saved ({exc})."

    def write_in_batches(self, items: Iterable[T], write: Callable[[T], None], *,
                         whole: bool = False) -> None:
        """``write`` each item, committing at least every ``BATCH_SECONDS``, so that
        another writer (the app saving a label) waits milliseconds, not a whole import.

        ``whole`` keeps everything in one transaction (all-or-nothing work);
        inside an outer transaction every batch joins it anyway.
        """
        pending = iter(items)
        more = True
        while more:
            deadline = None if whole else time.monotonic() + BATCH_SECONDS
            with self.transaction():
                more = False
                for item in pending:
                    write(item)
                    if deadline is not None and time.monotonic() > deadline:
                        more = True
                        break
            if more:
                time.sleep(BATCH_PAUSE)  # a writer waiting for the lock takes it now

    def _begin(self) -> None:
        """Take the write lock, asking for it every millisecond.

        SQLite's own busy handler sleeps up to 100 ms between tries, so a writer
        that commits and begins again at once (a batched import) would keep the
        lock from it for seconds; batched work pauses ``BATCH_PAUSE`` between
        batches, and this catches the pause.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise HanmarkError(f"{self.path} cannot be written ({exc}).") from None
                    if not self._waits:
                        raise DatabaseBusy(f"{self.path} is being written by another "
                                           "process.") from None
                    if time.monotonic() > deadline:
                        raise HanmarkError(f"{self.path} is busy or locked ({exc}); "
                                           "try again.") from None
                    time.sleep(0.001)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise HanmarkError(f"{self.path}: database error ({exc}).") from None

    def _one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> tuple | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    # -- articles -------------------------------------------------------------

    def add_article(
        self,
        text: str,
        *,
        title: str = "",
        date: str | None = None,
        source: str | None = None,
        url: str | None = None,
        collection: str = "default",
        meta: dict[str, Any] | None = None,
        status: str = "new",
    ) -> tuple[str, bool]:
        """Insert an article whose text is already clean and NFC.

        Returns ``(uid, created)``; an article with the same text is not added
        again and ``created`` is False.
        """
        if not text:
            raise HanmarkError("An article needs some text.")
        if status not in STATUSES:
            raise HanmarkError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
        uid = article_uid(text)
        stamp = now()
        values = {"uid": uid, "text": text, "title": title, "date": date, "source": source,
                  "url": url, "collection": collection or "default", "status": status,
                  "meta": json.dumps(meta or {}, ensure_ascii=False), "cursor": 0,
                  "created": stamp, "updated": stamp}
        return uid, self._insert_article(values)

    def _insert_article(self, values: dict[str, Any]) -> bool:
        """Insert the article row and its text; False if the uid is already there."""
        columns = [c for c in ARTICLE_COLUMNS if c != "text"]
        with self.transaction():
            cur = self.conn.execute(
                f"INSERT OR IGNORE INTO articles({', '.join(columns)})"
                f" VALUES ({', '.join('?' * len(columns))})", [values[c] for c in columns])
            if cur.rowcount != 1:
                return False
            self.conn.execute("INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)",
                              (cur.lastrowid, values["title"], values["text"]))
        return True

    def get_article(self, uid: str) -> Article:
        row = self._one(_ARTICLE_SELECT + " WHERE a.uid = ?", (uid,))
        if row is None:
            raise HanmarkError(f"No article with id {uid}.")
        return _article(row)

    def has_article(self, uid: str) -> bool:
        return self._one("SELECT 1 FROM articles WHERE uid = ?", (uid,)) is not None

    def _article_filter(self, search: str | None, status: str | None,
                        collection: str | None) -> tuple[str, list[Any]]:
        """``FROM ... WHERE ...`` for the list's filters, and its parameters.

        A search drives the query from the text table, whose rows come in
        rowid order, so the first page of a search that matches most of the
        corpus is read without sorting it: through the trigram index for three
        characters or more, by scanning (stopping at the page's end) for fewer.
        """
        source, where, params = " FROM articles a", [], []
        if search:
            source = " FROM articles_fts f JOIN articles a ON a.rowid = f.rowid"
        if search and not search_scans(search):
            where.append("articles_fts MATCH ?")
            params.append(_fts_phrase(search))
        elif search:  # scan, in rowid order
            where.append("(instr(f.title, ?) > 0 OR instr(f.text, ?) > 0)")
            params.extend([search, search])
        if status:
            where.append("a.status = ?")
            params.append(status)
        if collection:
            where.append("a.collection = ?")
            params.append(collection)
        return source + ((" WHERE " + " AND ".join(where)) if where else ""), params

    def count_articles(self, *, search: str | None = None, status: str | None = None,
                       collection: str | None = None, at_most: int | None = None) -> int:
        """How many articles pass the filters, or ``at_most`` if at least that many:
        a capped count stops early, so it costs the same at any corpus size."""
        clause, params = self._article_filter(search, status, collection)
        if at_most is None:
            return self._one(f"SELECT count(*){clause}", params)[0]
        return self._one(f"SELECT count(*) FROM (SELECT 1{clause} LIMIT ?)",
                         [*params, at_most])[0]

    def first_page(self, *, limit: int, at_most: int, order: str = "import",
                   **filters: str | None) -> tuple[list[ArticleRow], int]:
        """The list's first page and how many rows pass the filters, counted up to
        ``at_most`` (not at all when the page holds them all), so that a search
        shows at once at any corpus size."""
        rows = self.article_rows(limit=limit, order=order, **filters)
        if len(rows) < limit:
            return rows, len(rows)
        return rows, self.count_articles(at_most=at_most, **filters)

    def article_rows(self, *, search: str | None = None, status: str | None = None,
                     collection: str | None = None, order: str = "import",
                     offset: int = 0, limit: int = 100,
                     after: int | None = None) -> list[ArticleRow]:
        """One page of the article list, for the list pane and ``hanmark articles``.

        ``order`` is ``import`` (as imported) or ``uncertainty`` (least
        confident model suggestions first, for active learning). Label counts
        come from the row itself (kept by triggers, see M4). ``after`` (the rowid that ended
        the previous page, import order only) reads the next page from the index
        instead of skipping ``offset`` rows, so paging costs the same anywhere.
        """
        clause, params = self._article_filter(search, status, collection)
        key = "f.rowid" if clause.startswith(" FROM articles_fts") else "a.rowid"
        if after is not None and order == "import":
            clause += (" AND " if " WHERE " in clause else " WHERE ") + f"{key} > ?"
            params, offset = [*params, after], 0
        order_sql = {
            "import": key,
            "uncertainty": f"a.uncertainty IS NULL, a.uncertainty DESC, {key}",
        }[order]
        rows = self._rows(
            "SELECT a.rowid, a.uid, a.title, a.date, a.collection, a.status, a.n_accepted"
            f"{clause} ORDER BY {order_sql} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [ArticleRow(*row) for row in rows]

    def iter_articles(self, *, status: str | None = None, collection: str | None = None,
                      uids: Iterable[str] | None = None, batch: int = 500) -> Iterator[Article]:
        """Stream articles in import order, a batch at a time, so memory stays flat."""
        if uids is not None:
            for uid in uids:
                yield self.get_article(uid)
            return
        clause, params = self._article_filter(None, status, collection)
        clause = clause.removeprefix(" FROM articles a")
        last = 0
        while True:
            cond = (clause + " AND" if clause else " WHERE") + " a.rowid > ?"
            rows = self._rows(
                "SELECT a.rowid, " + _ARTICLE_FIELDS + _ARTICLE_FROM
                + f"{cond} ORDER BY a.rowid LIMIT ?",
                [*params, last, batch],
            )
            if not rows:
                return
            for row in rows:
                yield _article(row[1:])
            last = rows[-1][0]

    def collections(self) -> list[str]:
        return [r[0] for r in self._rows(
            "SELECT DISTINCT collection FROM articles ORDER BY collection")]

    def set_status(self, uid: str, status: str, annotator: str) -> None:
        if status not in STATUSES:
            raise HanmarkError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
        with self.transaction():
            before = self.get_article(uid).status
            if before == status and self._own_status(uid, annotator) == status:
                return
            self.conn.execute("UPDATE articles SET status = ?, updated = ? WHERE uid = ?",
                              (status, now(), uid))
            self._log([("status", None, {"status": before}, {"status": status})],
                      annotator, uid)

    def _own_status(self, uid: str, annotator: str) -> str | None:
        """The status this annotator last gave the article (teams share one status)."""
        row = self._one("SELECT json_extract(after, '$.status') FROM events WHERE article = ?"
                        " AND annotator = ? AND span_id IS NULL"
                        " AND json_extract(after, '$.status') IS NOT NULL"
                        " ORDER BY id DESC LIMIT 1", (uid, annotator))
        return row[0] if row else None

    def set_cursor(self, uid: str, cursor: int) -> None:
        """Remember where the reader left the cursor (not an undoable change)."""
        with self.transaction():
            self.conn.execute("UPDATE articles SET cursor = ? WHERE uid = ?", (cursor, uid))

    def set_uncertainty(self, scores: Iterable[tuple[str, float]]) -> None:
        """Store each article's model uncertainty, which the list can sort by."""
        with self.transaction():
            self.conn.executemany("UPDATE articles SET uncertainty = ? WHERE uid = ?",
                                  [(score, uid) for uid, score in scores])

    def next_article(self, uid: str | None, *, skip_done: bool = True) -> str | None:
        """The article after ``uid`` in list order (wrapping), not done or skipped."""
        cond = " AND status IN ('new', 'in_progress')" if skip_done else ""
        rowid = 0
        if uid is not None:
            row = self._one("SELECT rowid FROM articles WHERE uid = ?", (uid,))
            rowid = row[0] if row else 0
        row = self._one(f"SELECT uid FROM articles WHERE rowid > ?{cond} ORDER BY rowid LIMIT 1",
                        (rowid,))
        if row is None:
            row = self._one(
                f"SELECT uid FROM articles WHERE rowid < ?{cond} ORDER BY rowid LIMIT 1", (rowid,)
            )
        return row[0] if row else None

    # -- labels ---------------------------------------------------------------

    def labels(self) -> list[Label]:
        rows = self._rows("SELECT name, description, key, colour, sort_order, parent,"
                          " examples FROM labels ORDER BY sort_order, name")
        return [Label(*row) for row in rows]

    def add_label(self, label: Label) -> None:
        with self.transaction():
            if self._one("SELECT 1 FROM labels WHERE name = ?", (label.name,)):
                raise HanmarkError(f"A label named {label.name} already exists.")
            if label.key and self._one("SELECT 1 FROM labels WHERE key = ?", (label.key,)):
                raise HanmarkError(f"The key {label.key} is already used by another label.")
            order = label.order or (self._one("SELECT coalesce(max(sort_order), -1) + 1"
                                              " FROM labels")[0])
            self.conn.execute(
                "INSERT INTO labels(name, description, key, colour, sort_order, parent,"
                " examples) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (label.name, label.description, label.key, label.colour, order, label.parent,
                 label.examples),
            )

    def label_names(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT name FROM labels")}

    # -- spans ----------------------------------------------------------------

    def spans(self, article: str, *, annotator: str | None = None,
              states: Sequence[str] | None = None) -> list[Span]:
        """The article's spans in text order, optionally one annotator's or some states."""
        sql, params = _SPAN_SELECT + " WHERE article = ?", [article]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        if states:
            sql += f" AND state IN ({', '.join('?' * len(states))})"
            params.extend(states)
        return [_span(r) for r in self._rows(sql + " ORDER BY start, end, id", params)]

    def spans_overlapping(self, article: str, start: int, end: int) -> list[Span]:
        """The article's spans that overlap ``start:end``, in text order: after one
        edit the reader re-reads only these, not all of a long article's spans."""
        rows = self._rows(_SPAN_SELECT + " WHERE article = ? AND start < ? AND end > ?"
                          " ORDER BY start, end, id", (article, end, start))
        return [_span(r) for r in rows]

    def get_span(self, span_id: int) -> Span:
        row = self._one(_SPAN_SELECT + " WHERE id = ?", (span_id,))
        if row is None:
            raise HanmarkError(f"No span with id {span_id}.")
        return _span(row)

    def _check_span(self, text_len: int, start: int, end: int, label: str,
                    labels: set[str]) -> None:
        if not (0 <= start < end <= text_len):
            raise HanmarkError(
                f"Span {start}-{end} is outside the text (0-{text_len}) or empty."
            )
        if label not in labels:
            raise HanmarkError(f"Unknown label {label!r}; add it first or map it to a known one.")

    def _insert_span(self, article: str, new: NewSpan, stamp: str,
                     text: str | None = None) -> dict[str, Any]:
        """``text``, the article's, spares the forms trigger reading it for this span
        (bulk inserts into one long article were quadratic; sixth migration)."""
        cur = self.conn.execute(
            "INSERT INTO spans(article, start, end, label, annotator, origin, state, model,"
            " confidence, note, created, updated, form)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article, new.start, new.end, new.label, new.annotator, new.origin, new.state,
             new.model, new.confidence, new.note, stamp, stamp,
             None if text is None else text[new.start:new.end]),
        )
        return self._snapshot(cur.lastrowid)

    def _snapshot(self, span_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(_SPAN_SELECT + " WHERE id = ?", (span_id,)).fetchone()
        return dict(zip(SPAN_COLUMNS, row, strict=True)) if row else None

    def _log(self, changes: list[tuple[str, int | None, Any, Any]], annotator: str,
             article: str | None, target: int | None = None) -> int:
        """Append one event group; return its number."""
        grp = self.next_event_group()
        stamp = now()
        self.conn.executemany(
            "INSERT INTO events(time, annotator, article, grp, action, span_id, before, after,"
            " target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (stamp, annotator, article, grp, action, span_id,
                 None if before is None else json.dumps(before, ensure_ascii=False),
                 None if after is None else json.dumps(after, ensure_ascii=False), target)
                for action, span_id, before, after in changes
            ],
        )
        return grp

    def next_event_group(self) -> int:
        return self.conn.execute("SELECT coalesce(max(grp), 0) + 1 FROM events").fetchone()[0]

    def append_event(self, time: str, annotator: str, article: str | None, grp: int,
                     action: str, span_id: int | None, before: dict | None,
                     after: dict | None, target: int | None) -> None:
        """Append one event exactly as given (merging keeps other databases' times)."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO events(time, annotator, article, grp, action, span_id, before,"
                " after, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (time, annotator, article, grp, action, span_id,
                 None if before is None else json.dumps(before, ensure_ascii=False),
                 None if after is None else json.dumps(after, ensure_ascii=False), target))

    def raw_events(self, article: str) -> list[tuple]:
        """``(time, annotator, article, action, before, after)`` with JSON left as text."""
        return self._rows("SELECT time, annotator, article, action, before, after FROM events"
                          " WHERE article = ? ORDER BY id", (article,))

    def insert_span_row(self, values: Sequence[Any]) -> int:
        """Insert a span with all its provenance as given (every column but the id)."""
        cols = ", ".join(f'"{c}"' for c in SPAN_COLUMNS[1:])
        with self.transaction():
            cur = self.conn.execute(
                f"INSERT INTO spans({cols}) VALUES ({', '.join('?' * len(values))})", values)
        return cur.lastrowid

    def add_spans(self, article: str, spans: Iterable[NewSpan], *, actor: str,
                  log: bool = True) -> list[Span]:
        """Add spans to one article as one undoable step (or, for bulk imports
        and model suggestions, with ``log=False``, one summary event)."""
        art = self.get_article(article)
        labels = self.label_names()
        stamp = now()
        created = []
        with self.transaction():
            for new in spans:
                self._check_span(len(art.text), new.start, new.end, new.label, labels)
                created.append(self._insert_span(article, new, stamp, art.text))
            if created:
                if log:
                    self._log([("create", s["id"], None, s) for s in created], actor, article)
                else:
                    self._log([("bulk", None, None, {"spans": len(created)})], actor, article)
        return [Span(**s) for s in created]

    def replace_imported(self, article: str, spans: Sequence[NewSpan],
                         annotators: Iterable[str], *, actor: str) -> tuple[int, int]:
        """``hanmark import --update``: the article's imported spans (origin import)
        of ``annotators`` become ``spans``; only what differs is deleted or added,
        logged as one summary event that keeps the removed spans. Returns
        ``(added, removed)``."""
        art = self.get_article(article)
        labels = self.label_names()
        names = sorted(set(annotators))
        key = operator.attrgetter("start", "end", "label", "annotator", "state")
        with self.transaction():
            old = [dict(zip(SPAN_COLUMNS, r, strict=True)) for r in self._rows(
                _SPAN_SELECT + " WHERE article = ? AND origin = 'import' AND annotator IN"
                f" ({', '.join('?' * len(names))})", [article, *names])]
            have = {key(Span(**s)) for s in old}
            wanted = {key(n) for n in spans}
            gone = [s for s in old if key(Span(**s)) not in wanted]
            self.conn.executemany("DELETE FROM spans WHERE id = ?", [(s["id"],) for s in gone])
            stamp, added = now(), 0
            for new in spans:
                if key(new) in have:
                    continue
                self._check_span(len(art.text), new.start, new.end, new.label, labels)
                self._insert_span(article, new, stamp, art.text)
                have.add(key(new))
                added += 1
            if added or gone:
                self._log([("bulk", None, {"removed": gone}, {"spans": added})], actor, article)
        return added, len(gone)

    def _change(self, span_id: int, changes: dict[str, Any]) -> tuple[dict, dict]:
        before = self._snapshot(span_id)
        if before is None:
            raise HanmarkError(f"No span with id {span_id}.")
        sets = ", ".join(f'"{k}" = ?' for k in changes)
        self.conn.execute(f"UPDATE spans SET {sets}, updated = ? WHERE id = ?",
                          [*changes.values(), now(), span_id])
        return before, self._snapshot(span_id)

    def update_span(self, span_id: int, *, actor: str, **changes: Any) -> Span:
        """Change a span's label, boundaries, note or state as one undoable step."""
        allowed = {"start", "end", "label", "note", "state", "annotator", "confidence"}
        if not changes or set(changes) - allowed:
            raise HanmarkError(f"Cannot change {sorted(set(changes) - allowed)} of a span.")
        with self.transaction():
            span = self.get_span(span_id)
            merged = {**span.__dict__, **changes}
            text_len = len(self.get_article(span.article).text)
            self._check_span(text_len, merged["start"], merged["end"], merged["label"],
                             self.label_names())
            before, after = self._change(span_id, changes)
            self._log([("update", span_id, before, after)], actor, span.article)
        return Span(**after)

    def remove_span(self, span_id: int, *, actor: str) -> Span | None:
        """What ``x`` does: a suggestion becomes rejected (and stays so), a label is deleted.

        Returns the rejected span, or None when the span was deleted.
        """
        with self.transaction():
            span = self.get_span(span_id)
            if span.state == "suggested":
                before, after = self._change(span_id, {"state": "rejected"})
                self._log([("update", span_id, before, after)], actor, span.article)
                return Span(**after)
            before = self._snapshot(span_id)
            self.conn.execute("DELETE FROM spans WHERE id = ?", (span_id,))
            self._log([("delete", span_id, before, None)], actor, span.article)
        return None

    def label_range(self, article: str, start: int, end: int, label: str, *,
                    annotator: str, note: str = "") -> Span:
        """Label ``start:end`` for ``annotator``, replacing the spans it overlaps.

        Overlapped human labels of the same annotator are deleted, overlapped
        suggestions are rejected; all of it is one undoable step.
        """
        art = self.get_article(article)
        self._check_span(len(art.text), start, end, label, self.label_names())
        stamp = now()
        with self.transaction():
            changes: list[tuple[str, int | None, Any, Any]] = []
            overlapping = self._rows(
                "SELECT id, state, annotator FROM spans WHERE article = ? AND start < ?"
                " AND end > ? AND state != 'rejected'", (article, end, start))
            for span_id, state, owner in overlapping:
                if state == "suggested":
                    before, after = self._change(span_id, {"state": "rejected"})
                    changes.append(("update", span_id, before, after))
                elif owner == annotator:
                    before = self._snapshot(span_id)
                    self.conn.execute("DELETE FROM spans WHERE id = ?", (span_id,))
                    changes.append(("delete", span_id, before, None))
            created = self._insert_span(
                article, NewSpan(start, end, label, annotator, note=note), stamp)
            changes.append(("create", created["id"], None, created))
            self._log(changes, annotator, article)
            self._started(article)
        return Span(**created)

    def _started(self, article: str) -> None:
        """A first label moves a new article to in progress (not an undoable step)."""
        self.conn.execute("UPDATE articles SET status = 'in_progress' WHERE uid = ?"
                          " AND status = 'new'", (article,))

    def set_layer(self, article: str, annotator: str, start: int, end: int,
                  spans: Sequence[tuple[int, int, str]]) -> None:
        """Make ``annotator``'s spans overlapping ``start:end`` exactly ``spans``.

        Unlike ``label_range`` this keeps overlapping spans side by side (an
        adjudicator may keep both of two nested spans); one undoable step.
        """
        text_len = len(self.get_article(article).text)
        labels = self.label_names()
        for s, e, label in spans:
            self._check_span(text_len, s, e, label, labels)
        stamp = now()
        with self.transaction():
            changes: list[tuple[str, int | None, Any, Any]] = []
            for (span_id,) in self._rows(
                    "SELECT id FROM spans WHERE article = ? AND annotator = ? AND start < ?"
                    " AND end > ?", (article, annotator, end, start)):
                changes.append(("delete", span_id, self._snapshot(span_id), None))
                self.conn.execute("DELETE FROM spans WHERE id = ?", (span_id,))
            for s, e, label in spans:
                created = self._insert_span(article, NewSpan(s, e, label, annotator), stamp)
                changes.append(("create", created["id"], None, created))
            if changes:
                self._log(changes, annotator, article)

    def accept(self, span_ids: Iterable[int], *, annotator: str) -> list[Span]:
        """Accept suggestions: they become ``annotator``'s labels, one undoable step."""
        with self.transaction():
            changes, accepted, article = [], [], None
            for span_id in span_ids:
                span = self.get_span(span_id)
                if span.state != "suggested":
                    continue
                before, after = self._change(
                    span_id, {"state": "accepted", "annotator": annotator})
                changes.append(("update", span_id, before, after))
                accepted.append(Span(**after))
                article = span.article
            if changes:
                self._log(changes, annotator, article)
                self._started(article)
        return accepted

    def replace_suggestions(self, article: str, spans: Sequence[NewSpan], *, model: str,
                            supersede: bool = False) -> int:
        """Refresh one model's pending suggestions for an article.

        Drops the model's still-suggested spans, then adds the new ones except
        where any span (accepted, rejected or pending) already covers the same
        characters, so a rejected suggestion stays rejected. With ``supersede``
        (the live gazetteer, which repeats human decisions), other models'
        pending suggestions that overlap a new one are dropped first. Returns
        how many were added.
        """
        art = self.get_article(article)
        labels = self.label_names()
        stamp = now()
        with self.transaction():
            self.conn.execute(
                "DELETE FROM spans WHERE article = ? AND model = ? AND state = 'suggested'",
                (article, model))
            if supersede:
                self.conn.executemany(
                    "DELETE FROM spans WHERE article = ? AND state = 'suggested'"
                    " AND start < ? AND end > ?",
                    [(article, new.end, new.start) for new in spans])
            taken = {(s, e) for s, e in self._rows(
                "SELECT start, end FROM spans WHERE article = ?", (article,))}
            added = 0
            for new in spans:
                if (new.start, new.end) in taken or new.label not in labels:
                    continue
                self._check_span(len(art.text), new.start, new.end, new.label, labels)
                self._insert_span(article, new, stamp)
                taken.add((new.start, new.end))
                added += 1
        return added

    def labeled_forms(self) -> list[tuple[str, str, int]]:
        """``(surface, label, count)`` of every accepted span: the live gazetteer's source
        (kept up to date by triggers, see the third migration)."""
        return self._rows("SELECT form, label, n FROM forms WHERE n > 0")

    def forms_version(self) -> int:
        """A number that changes whenever ``labeled_forms`` may have: a cache key."""
        return self._one("SELECT value FROM counters WHERE name = 'forms'")[0]

    def labeled_articles(self) -> list[str]:
        """Uids of articles with at least one accepted span (training data), in import order."""
        return [r[0] for r in self._rows(
            "SELECT a.uid FROM articles a WHERE EXISTS (SELECT 1 FROM spans s"
            " WHERE s.article = a.uid AND s.state = 'accepted') ORDER BY a.rowid")]

    # -- undo / redo ------------------------------------------------------------

    def _stacks(self, article: str, annotator: str) -> tuple[list[int], list[int]]:
        """Replay the event log into undo and redo stacks of group numbers
        (``article`` None: label-set changes, see store/labels.py)."""
        undo: list[int] = []
        redo: list[int] = []
        for grp, action, target in self._rows(
            "SELECT grp, min(action), min(target) FROM events WHERE article IS ? AND annotator = ?"
            " GROUP BY grp ORDER BY grp", (article, annotator)):
            if action == "undo":
                if undo and undo[-1] == target:
                    redo.append(undo.pop())
            elif action == "redo":
                if redo and redo[-1] == target:
                    undo.append(redo.pop())
            elif action in UNDOABLE:
                undo.append(grp)
                redo.clear()
        return undo, redo

    def _restore(self, article: str, event_action: str, span_id: int | None,
                 state: dict[str, Any] | None) -> tuple[str, int | None, Any, Any]:
        """Set a span (or the article status) to a logged state; return the change."""
        if event_action == "status":
            before = {"status": self.get_article(article).status}
            self.conn.execute("UPDATE articles SET status = ? WHERE uid = ?",
                              (state["status"], article))
            return ("status", None, before, state)
        before = self._snapshot(span_id)
        if state is not None and not self._one("SELECT 1 FROM labels WHERE name = ?",
                                               (state["label"],)):
            raise HanmarkError(f"This step had a {state['label']} span, a label since removed; "
                               f"'hanmark labels add {state['label']}' brings it back.")
        if state is None:
            self.conn.execute("DELETE FROM spans WHERE id = ?", (span_id,))
        elif before is None:
            cols = ", ".join(f'"{c}"' for c in SPAN_COLUMNS)
            self.conn.execute(f"INSERT INTO spans({cols}) VALUES ({', '.join('?' * len(state))})",
                              [state[c] for c in SPAN_COLUMNS])
        else:
            sets = ", ".join(f'"{c}" = ?' for c in SPAN_COLUMNS[1:])
            self.conn.execute(f"UPDATE spans SET {sets} WHERE id = ?",
                              [*(state[c] for c in SPAN_COLUMNS[1:]), span_id])
        return ("span", span_id, before, state)

    def _replay(self, article: str, annotator: str,
                direction: str) -> tuple[int, int] | bool:
        with self.transaction():
            undo, redo = self._stacks(article, annotator)
            stack = undo if direction == "undo" else redo
            if not stack:
                return False
            target = stack[-1]
            events = self._rows(
                "SELECT action, span_id, before, after FROM events WHERE grp = ? ORDER BY id",
                (target,))
            if direction == "undo":
                events = events[::-1]
            changes = []
            for action, span_id, before, after in events:
                wanted = before if direction == "undo" else after
                changes.append(self._restore(
                    article, action, span_id, None if wanted is None else json.loads(wanted)))
            self._log([(direction, sid, b, a) for _, sid, b, a in changes], annotator, article,
                      target=target)
        edges = [x for _, sid, b, a in changes if sid is not None
                 for state in (b, a) if state for x in (state["start"], state["end"])]
        return (min(edges), max(edges)) if edges else (0, 0)

    def undo(self, article: str, annotator: str) -> tuple[int, int] | bool:
        """Undo the annotator's last step on the article.

        Returns False if there is none, else the character range it touched
        (``(0, 0)`` for a status change), so a reader redraws only that.
        Works across restarts: the stacks are rebuilt from the event log.
        """
        return self._replay(article, annotator, "undo")

    def redo(self, article: str, annotator: str) -> tuple[int, int] | bool:
        return self._replay(article, annotator, "redo")

    def events(self, article: str | None = None) -> list[Event]:
        rows = self._rows(_EVENT_SELECT + (" WHERE article = ?" if article else "")
                          + " ORDER BY id", (article,) if article else ())
        return [_event(row) for row in rows]

    # -- interchange formats (store/formats) -------------------------------------

    def restore(self, article: Article, spans: Sequence[Span], *, actor: str,
                events: Sequence[Event] | None = None) -> bool:
        """Insert an article, its spans and its event log exactly as a native
        export wrote them (status, cursor, times, provenance). Span ids and
        event groups are renumbered, inside the events too, so undo and each
        annotator's status work in the copy; without ``events`` one bulk event
        is logged. False, and nothing written, if the article is already here."""
        values = {**article.__dict__, "meta": json.dumps(article.meta, ensure_ascii=False)}
        with self.transaction():
            if not self._insert_article(values):
                return False
            labels = self.label_names()
            cols = SPAN_COLUMNS[1:]
            names = ", ".join(f'"{c}"' for c in cols)
            insert = (f"INSERT INTO spans({names}, form)"
                      f" VALUES ({', '.join('?' * (len(cols) + 1))})")
            ids: dict[int, int] = {}
            for span in spans:
                self._check_span(len(article.text), span.start, span.end, span.label, labels)
                ids[span.id] = self.conn.execute(
                    insert, [*(getattr(span, c) for c in cols),
                             article.text[span.start:span.end]]).lastrowid
            if events is None:
                if spans:
                    self._log([("bulk", None, None, {"spans": len(spans)})], actor, article.uid)
                return True
            self._restore_events(article.uid, events, ids)
        return True

    def _restore_events(self, article: str, events: Sequence[Event], ids: dict[int, int]) -> None:
        free = self.conn.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0]
        base = self.conn.execute("SELECT coalesce(max(grp), 0) FROM events").fetchone()[0]
        groups: dict[int, int] = {}
        rows = []
        for event in events:
            if event.span_id is not None and event.span_id not in ids:
                free += 1  # a span deleted before the export keeps an id of its own
                ids[event.span_id] = free
            span_id = None if event.span_id is None else ids[event.span_id]
            group = groups.setdefault(event.group, base + len(groups) + 1)
            rows.append((event.time, event.annotator, article, group, event.action, span_id,
                         *(None if state is None else json.dumps(
                             {**state, "id": span_id} if "id" in state else state,
                             ensure_ascii=False) for state in (event.before, event.after)),
                         None if event.target is None else groups.get(event.target)))
        self.conn.executemany(
            "INSERT INTO events(time, annotator, article, grp, action, span_id, before, after,"
            " target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def iter_export(self, *, status: str | None = None, collection: str | None = None,
                    annotator: str | None = None, suggestions: bool = False,
                    events: bool = False, batch: int = 500
                    ) -> Iterator[tuple[Article, list[tuple], list[Event]]]:
        """Stream articles with their spans as raw rows (``SPAN_COLUMNS`` order,
        by start, then as created) and, with ``events``, their event log; a few
        queries per batch. With
        ``annotator``: that annotator's accepted spans (plus pending suggestions
        with ``suggestions``); without: every span."""
        span_filter, span_params = "", []
        if annotator is not None:
            # "+annotator": look spans up by article, not by the (unselective) annotator
            span_filter = " AND ((+annotator = ? AND state = 'accepted')" + (
                " OR state = 'suggested')" if suggestions else ")")
            span_params = [annotator]
        articles = self.iter_articles(status=status, collection=collection, batch=batch)
        while True:
            chunk = list(itertools.islice(articles, batch))
            if not chunk:
                return
            marks = ", ".join("?" * len(chunk))
            uids = [a.uid for a in chunk]
            # the index's own order (article, start, id): no sort, grouped in C
            rows = self._rows(_SPAN_SELECT + f" WHERE article IN ({marks})" + span_filter
                              + " ORDER BY article, start, id", [*uids, *span_params])
            spans = {uid: list(group) for uid, group in
                     itertools.groupby(rows, key=operator.itemgetter(1))}
            logs: dict[str, list[Event]] = {}
            if events:
                for row in self._rows(_EVENT_SELECT + f" WHERE article IN ({marks}) ORDER BY id",
                                      uids):
                    logs.setdefault(row[3], []).append(_event(row))
            for article in chunk:
                yield article, spans.get(article.uid, []), logs.get(article.uid, [])

    # -- analysis cache ---------------------------------------------------------

    def get_analysis(self, article: str, version: str) -> str | None:
        row = self._one("SELECT data FROM analyses WHERE article = ? AND version = ?",
                        (article, version))
        return row[0] if row else None

    def put_analyses(self, items: Iterable[tuple[str, str, str]]) -> None:
        """Cache ``(article, version, data)`` analyses; the data is opaque to the store."""
        with self.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO analyses(article, version, data) VALUES (?, ?, ?)",
                list(items))

    def unanalysed(self, version: str, *, collection: str | None = None) -> list[str]:
        """Uids of articles that have no cached analysis of ``version``."""
        sql = ("SELECT a.uid FROM articles a WHERE NOT EXISTS (SELECT 1 FROM analyses n"
               " WHERE n.article = a.uid AND n.version = ?)")
        params: list[Any] = [version]
        if collection:
            sql += " AND a.collection = ?"
            params.append(collection)
        return [r[0] for r in self._rows(sql + " ORDER BY a.rowid", params)]

    # -- teams ------------------------------------------------------------------

    def done_by_annotator(self) -> dict[str, set[str]]:
        """For each annotator, the articles they marked done (their latest status says so).

        Labels that came in without a status event (imports) count as done
        when the article itself is done.
        """
        done: dict[str, set[str]] = {}
        decided: set[tuple[str, str]] = set()
        for article, annotator, status in self._rows(
            "SELECT article, annotator, status FROM (SELECT article, annotator,"
            " json_extract(after, '$.status') AS status, row_number() OVER"
            " (PARTITION BY article, annotator ORDER BY id DESC) AS rn FROM events"
            " WHERE span_id IS NULL AND json_extract(after, '$.status') IS NOT NULL)"
            " WHERE rn = 1"):
            decided.add((article, annotator))
            if status == "done":
                done.setdefault(annotator, set()).add(article)
        for article, annotator in self._rows(
            "SELECT DISTINCT s.article, s.annotator FROM spans s JOIN articles a"
            " ON a.uid = s.article WHERE a.status = 'done' AND s.state = 'accepted'"
            " AND s.origin = 'import'"):
            if (article, annotator) not in decided:
                done.setdefault(annotator, set()).add(article)
        return done

    def accepted_layers(self, uids: Iterable[str], annotators: Sequence[str]
                        ) -> Iterator[tuple[str, str, dict[str, list[tuple[int, int, str]]]]]:
        """Each article's text with every annotator's accepted spans, one article at a time."""
        marks = ", ".join("?" * len(annotators))
        for uid in uids:
            text = self.get_article(uid).text
            layers: dict[str, list[tuple[int, int, str]]] = {}
            for who, start, end, label in self._rows(
                f"SELECT annotator, start, end, label FROM spans WHERE article = ?"
                f" AND state = 'accepted' AND annotator IN ({marks})", (uid, *annotators)):
                layers.setdefault(who, []).append((start, end, label))
            yield uid, text, layers

    def labeling_activity(self, idle_cap: float = 300.0) -> dict[str, dict[str, float]]:
        """Labels per hour per annotator, from the event log.

        Active time is the sum of gaps between an annotator's consecutive
        events, each capped at ``idle_cap`` seconds, so a lunch break does not
        count as labeling time.
        """
        times: dict[str, list[datetime]] = {}
        labels: dict[str, int] = {}
        for who, stamp, action, after in self._rows(
                "SELECT annotator, time, action, CASE WHEN json_valid(after) THEN"
                " json_extract(after, '$.state') END FROM events"
                " WHERE action IN ('create', 'update', 'delete', 'status') ORDER BY id"):
            moment = _moment(stamp)
            if moment is None:
                continue
            times.setdefault(who, []).append(moment)
            if action == "create" or (action == "update" and after == "accepted"):
                labels[who] = labels.get(who, 0) + 1
        activity = {}
        for who, moments in times.items():
            active = sum(min((b - a).total_seconds(), idle_cap)
                         for a, b in zip(moments, moments[1:], strict=False))
            activity[who] = {
                "labels": labels.get(who, 0),
                "active_seconds": round(active, 3),
                "labels_per_hour": round(labels.get(who, 0) / (active / 3600), 1)
                if active else 0.0,
            }
        return activity

    # -- statistics ---------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts shaped as ``hanmark stats --json`` prints them (scripts rely on it)."""

        def grouped(sql: str) -> dict[str, int]:
            return {key: n for key, n in self._rows(sql)}

        return {
            "articles": {
                "total": self.count_articles(),
                "by_status": grouped("SELECT status, count(*) FROM articles GROUP BY status"),
                "by_collection": grouped(
                    "SELECT collection, count(*) FROM articles GROUP BY collection"),
            },
            "spans": {
                "total": self._one("SELECT count(*) FROM spans")[0],
                "by_label": grouped("SELECT label, count(*) FROM spans GROUP BY label"),
                "by_state": grouped("SELECT state, count(*) FROM spans GROUP BY state"),
                "by_annotator": grouped(
                    "SELECT annotator, count(*) FROM spans GROUP BY annotator"),
            },
        }
