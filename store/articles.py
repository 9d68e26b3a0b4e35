"""The articles table (with its text in ``articles_fts``): add, read, list, search.

An article's text never changes after import; its identity is a hash of it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .errors import HanmarkError
from .models import STATUSES, AnnotatedArticle, Article, ArticleRow, Change, Event, Span
from .table import Table, now

ARTICLE_COLUMNS = (
    "uid", "text", "title", "date", "source", "url", "collection", "status",
    "meta", "cursor", "created", "updated",
)
# articles_fts holds the text (see the first migration); rows join on rowid. CROSS
# JOIN keeps articles the outer loop: left to itself, SQLite scanned the whole text
# table for every batch of a streamed export (0.6 ms an article at 100,000).
_ARTICLE_FIELDS = ", ".join("f.text" if c == "text" else f'a."{c}"' for c in ARTICLE_COLUMNS)
_ARTICLE_FROM = " FROM articles a CROSS JOIN articles_fts f ON f.rowid = a.rowid"
ARTICLE_SELECT = "SELECT " + _ARTICLE_FIELDS + _ARTICLE_FROM
ONLY = "uid IN (SELECT value FROM json_each(?))"  # a list of uids as one parameter


def article_uid(text: str) -> str:
    """Content hash of the normalised text: the article's identity."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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


def _fts_phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


def search_scans(search: str | None) -> bool:
    """True for a search too short for the trigram index (under three characters):
    it reads the article texts until it has a page, up to the whole corpus."""
    return bool(search) and len(search) < 3


def check_status(status: str) -> None:
    if status not in STATUSES:
        raise HanmarkError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")


class Articles(Table):
    """``store.articles``."""

    def add(
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
        check_status(status)
        uid = article_uid(text)
        stamp = now()
        values = {"uid": uid, "text": text, "title": title, "date": date, "source": source,
                  "url": url, "collection": collection or "default", "status": status,
                  "meta": json.dumps(meta or {}, ensure_ascii=False), "cursor": 0,
                  "created": stamp, "updated": stamp}
        return uid, self._insert(values)

    def add_copy(self, article: Article, spans: Sequence[Span], *, actor: str,
                 events: Sequence[Event] | None = None) -> bool:
        """Insert an article, its spans and its event log exactly as a native
        export wrote them (status, cursor, times, provenance). Span ids and
        event groups are renumbered, inside the events too, so undo and each
        annotator's status work in the copy; without ``events`` one bulk event
        is logged. False, and nothing written, if the article is already here."""
        values = {**article.__dict__, "meta": json.dumps(article.meta, ensure_ascii=False)}
        with self.store.transaction():
            if not self._insert(values):
                return False
            ids = self.store.spans.add_copies(article.text, spans)
            if events is not None:
                self.store.journal.add_copies(article.uid, events, ids)
            elif spans:
                self.store.journal.log([Change("bulk", None, None, {"spans": len(spans)})],
                                       actor, article.uid)
        return True

    def _insert(self, values: dict[str, Any]) -> bool:
        """The one write of an article: its row and its text; False if the uid is
        already there."""
        columns = [c for c in ARTICLE_COLUMNS if c != "text"]
        with self.store.transaction():
            cur = self.conn.execute(
                f"INSERT OR IGNORE INTO articles({', '.join(columns)})"
                f" VALUES ({', '.join('?' * len(columns))})", [values[c] for c in columns])
            if cur.rowcount != 1:
                return False
            self.conn.execute("INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)",
                              (cur.lastrowid, values["title"], values["text"]))
        return True

    def get(self, uid: str) -> Article:
        row = self._one(ARTICLE_SELECT + " WHERE a.uid = ?", (uid,))
        if row is None:
            raise HanmarkError(f"No article with id {uid}.")
        return _article(row)

    def _filter(self, search: str | None, status: str | None, collection: str | None,
                only: Sequence[str] | None = None) -> tuple[str, list[Any]]:
        """``FROM ... WHERE ...`` for the list's filters, and its parameters
        (``only``: these uids alone, such as the articles that need review).

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
        if only is not None:
            where.append("a." + ONLY)
            params.append(json.dumps(list(only)))
        return source + ((" WHERE " + " AND ".join(where)) if where else ""), params

    def count(self, *, search: str | None = None, status: str | None = None,
              collection: str | None = None, only: Sequence[str] | None = None,
              at_most: int | None = None) -> int:
        """How many articles pass the filters, or ``at_most`` if at least that many:
        a capped count stops early, so it costs the same at any corpus size."""
        clause, params = self._filter(search, status, collection, only)
        if at_most is None:
            return self._one(f"SELECT count(*){clause}", params)[0]
        return self._one(f"SELECT count(*) FROM (SELECT 1{clause} LIMIT ?)",
                         [*params, at_most])[0]

    def first_page(self, *, limit: int, at_most: int, order: str = "import",
                   **filters: Any) -> tuple[list[ArticleRow], int]:
        """The list's first page and how many rows pass the filters, counted up to
        ``at_most`` (not at all when the page holds them all), so that a search
        shows at once at any corpus size."""
        rows = self.page(limit=limit, order=order, **filters)
        if len(rows) < limit:
            return rows, len(rows)
        return rows, self.count(at_most=at_most, **filters)

    def page(self, *, search: str | None = None, status: str | None = None,
             collection: str | None = None, only: Sequence[str] | None = None,
             order: str = "import", offset: int = 0, limit: int = 100,
             after: int | None = None) -> list[ArticleRow]:
        """One page of the article list, for the list pane and ``hanmark articles``.

        ``order`` is ``import`` (as imported) or ``uncertainty`` (least
        confident model suggestions first, for active learning). Label counts
        come from the row itself (kept by triggers, see M4). ``after`` (the rowid that ended
        the previous page, import order only) reads the next page from the index
        instead of skipping ``offset`` rows, so paging costs the same anywhere.
        """
        clause, params = self._filter(search, status, collection, only)
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

    def stream(self, *, status: str | None = None, collection: str | None = None,
               uids: Iterable[str] | None = None, batch: int = 500) -> Iterator[Article]:
        """Stream articles in import order, a batch at a time, so memory stays flat."""
        if uids is not None:
            for uid in uids:
                yield self.get(uid)
            return
        clause, params = self._filter(None, status, collection)
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

    def annotated(self, *, status: str | None = None, collection: str | None = None,
                  annotator: str | None = None, suggestions: bool = False,
                  events: bool = False, batch: int = 500) -> Iterator[AnnotatedArticle]:
        """Stream articles with their spans (by start, then as created) and, with
        ``events``, their event log, for export; a few queries per batch. With
        ``annotator``: that annotator's accepted spans (plus pending suggestions
        with ``suggestions``); without: every span."""
        articles = self.stream(status=status, collection=collection, batch=batch)
        while True:
            chunk = list(itertools.islice(articles, batch))
            if not chunk:
                return
            uids = [a.uid for a in chunk]
            spans = self.store.spans.of_articles(uids, annotator=annotator,
                                                 suggestions=suggestions)
            logs = self.store.journal.of_articles(uids) if events else {}
            for article in chunk:
                yield AnnotatedArticle(article, spans.get(article.uid, []),
                                       logs.get(article.uid, []))

    def collections(self) -> list[str]:
        return [r[0] for r in self._rows(
            "SELECT DISTINCT collection FROM articles ORDER BY collection")]

    def labeled(self) -> list[str]:
        """Uids of articles with at least one accepted span (training data), in import order."""
        return [r[0] for r in self._rows(
            "SELECT a.uid FROM articles a WHERE EXISTS (SELECT 1 FROM spans s"
            " WHERE s.article = a.uid AND s.state = 'accepted') ORDER BY a.rowid")]

    def set_status(self, uid: str, status: str, annotator: str) -> None:
        """The article's status, logged as the annotator's (teams share one status)."""
        check_status(status)
        with self.store.transaction():
            before = self.get(uid).status
            if before == status and self.store.journal.own_status(uid, annotator) == status:
                return
            self.put_status(uid, status, updated=now())
            self.store.journal.log(
                [Change("status", uid, {"status": before}, {"status": status})], annotator, uid)

    def put_status(self, uid: str, status: str, *, updated: str | None = None) -> None:
        """Write the status as given, nothing logged (undo and set_status log it)."""
        if updated is None:
            self.conn.execute("UPDATE articles SET status = ? WHERE uid = ?", (status, uid))
        else:
            self.conn.execute("UPDATE articles SET status = ?, updated = ? WHERE uid = ?",
                              (status, updated, uid))

    def mark_started(self, uid: str) -> None:
        """A first label moves a new article to in progress (not an undoable step)."""
        self.conn.execute("UPDATE articles SET status = 'in_progress' WHERE uid = ?"
                          " AND status = 'new'", (uid,))

    def set_cursor(self, uid: str, cursor: int) -> None:
        """Remember where the reader left the cursor (not an undoable change)."""
        with self.store.transaction():
            self.conn.execute("UPDATE articles SET cursor = ? WHERE uid = ?", (cursor, uid))

    def set_uncertainty(self, scores: Iterable[tuple[str, float]]) -> None:
        """Store each article's model uncertainty, which the list can sort by."""
        with self.store.transaction():
            self.conn.executemany("UPDATE articles SET uncertainty = ? WHERE uid = ?",
                                  [(score, uid) for uid, score in scores])

    def next_after(self, uid: str | None, *, skip_done: bool = True, pending: bool = False,
                   only: Sequence[str] | None = None) -> str | None:
        """The article after ``uid`` in list order (wrapping), not done or skipped;
        with ``pending``, the next one holding a suggestion still to decide; with
        ``only``, the next of these uids."""
        cond = " AND status IN ('new', 'in_progress')" if skip_done else ""
        if pending:
            cond += (" AND EXISTS (SELECT 1 FROM spans s WHERE s.article = articles.uid"
                     " AND s.state = 'suggested')")
        extra: list[Any] = []
        if only is not None:
            cond += " AND " + ONLY
            extra.append(json.dumps(list(only)))
        rowid = 0
        if uid is not None:
            row = self._one("SELECT rowid FROM articles WHERE uid = ?", (uid,))
            rowid = row[0] if row else 0
        row = self._one(f"SELECT uid FROM articles WHERE rowid > ?{cond} ORDER BY rowid LIMIT 1",
                        (rowid, *extra))
        if row is None:
            row = self._one(
                f"SELECT uid FROM articles WHERE rowid < ?{cond} ORDER BY rowid LIMIT 1",
                (rowid, *extra))
        return row[0] if row else None
