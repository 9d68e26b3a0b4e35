"""The journal (the events table): every change, grouped into undoable steps.

One user action (labeling over two old spans, accepting all) is one group of
events; undo and redo replay the log into stacks of groups, so they work
across restarts. ``_write`` is the one place an event row is inserted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .models import Event
from .table import Table, now

EVENT_SELECT = ("SELECT id, time, annotator, article, grp, action, span_id, before, after,"
                " target FROM events")
UNDOABLE = ("create", "update", "delete", "status", "label_rename")
Change = tuple[str, int | None, Any, Any]  # (action, span id, before, after)


def _event(row: Sequence[Any]) -> Event:
    i, t, who, art, g, act, sid, b, a, tgt = row
    return Event(i, t, who, art, g, act, sid,
                 json.loads(b) if b else None, json.loads(a) if a else None, tgt)


def _json(state: Any) -> str | None:
    return None if state is None else json.dumps(state, ensure_ascii=False)


class Journal(Table):
    """``store.journal``."""

    # -- writing ----------------------------------------------------------------

    def _write(self, rows: Iterable[tuple]) -> None:
        """Insert event rows: ``(time, annotator, article, group, action, span id,
        before, after, target)`` with the states as JSON text."""
        self.conn.executemany(
            "INSERT INTO events(time, annotator, article, grp, action, span_id, before, after,"
            " target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def log(self, changes: Sequence[Change], annotator: str, article: str | None,
            target: int | None = None) -> int:
        """Append one event group, now; return its number."""
        grp = self.next_group()
        stamp = now()
        self._write([(stamp, annotator, article, grp, action, span_id, _json(before),
                      _json(after), target) for action, span_id, before, after in changes])
        return grp

    def next_group(self) -> int:
        return self.conn.execute("SELECT coalesce(max(grp), 0) + 1 FROM events").fetchone()[0]

    def append(self, event: Event) -> None:
        """Append one event exactly as given, but its id (merging keeps other
        databases' times)."""
        with self.store.transaction():
            self._write([(event.time, event.annotator, event.article, event.group,
                          event.action, event.span_id, _json(event.before), _json(event.after),
                          event.target)])

    def add_copies(self, article: str, events: Sequence[Event], ids: dict[int, int]) -> None:
        """An article's exported log, with span ids (``ids``: old to new) and groups
        renumbered so that undo works in the copy."""
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
                         *(_json({**state, "id": span_id} if state and "id" in state else state)
                           for state in (event.before, event.after)),
                         None if event.target is None else groups.get(event.target)))
        with self.store.transaction():
            self._write(rows)

    def relabel(self, old: str, new: str) -> None:
        """Logged span states labeled ``old`` say ``new``, so undoing an old span
        change brings the span back under the label's current name."""
        for column in ("before", "after"):
            self.conn.execute(
                f"UPDATE events SET {column} = json_set({column}, '$.label', ?)"
                f" WHERE json_extract({column}, '$.label') = ?", (new, old))

    # -- reading ----------------------------------------------------------------

    def of(self, article: str | None = None) -> list[Event]:
        """The article's events (all events without one), in order."""
        rows = self._rows(EVENT_SELECT + (" WHERE article = ?" if article else "")
                          + " ORDER BY id", (article,) if article else ())
        return [_event(row) for row in rows]

    def of_articles(self, uids: Sequence[str]) -> dict[str, list[Event]]:
        logs: dict[str, list[Event]] = {}
        for row in self._rows(EVENT_SELECT + f" WHERE article IN ({', '.join('?' * len(uids))})"
                              " ORDER BY id", uids):
            logs.setdefault(row[3], []).append(_event(row))
        return logs

    def group(self, grp: int) -> list[Event]:
        return [_event(row) for row in self._rows(EVENT_SELECT + " WHERE grp = ? ORDER BY id",
                                                  (grp,))]

    def own_status(self, uid: str, annotator: str) -> str | None:
        """The status this annotator last gave the article (teams share one status)."""
        row = self._one("SELECT json_extract(after, '$.status') FROM events WHERE article = ?"
                        " AND annotator = ? AND span_id IS NULL"
                        " AND json_extract(after, '$.status') IS NOT NULL"
                        " ORDER BY id DESC LIMIT 1", (uid, annotator))
        return row[0] if row else None

    def recent_labels(self, annotator: str, limit: int = 9) -> list[str]:
        """The labels ``annotator`` created spans with, most recent first."""
        rows = self._rows(
            "SELECT label FROM (SELECT json_extract(after, '$.label') AS label, max(id) AS last"
            " FROM events WHERE annotator = ? AND action = 'create' GROUP BY label)"
            " WHERE label IN (SELECT name FROM labels) ORDER BY last DESC LIMIT ?",
            (annotator, limit))
        return [r[0] for r in rows]

    # -- undo / redo ------------------------------------------------------------

    def stacks(self, article: str | None, annotator: str) -> tuple[list[int], list[int]]:
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

    def _apply(self, article: str, event_action: str, span_id: int | None,
               state: dict[str, Any] | None) -> Change:
        """Set a span (or the article status) to a logged state; return the change."""
        if event_action == "status":
            before = {"status": self.store.articles.get(article).status}
            self.store.articles.put_status(article, state["status"])
            return ("status", None, before, state)
        return ("span", span_id, self.store.spans.put(span_id, state), state)

    def _replay(self, article: str, annotator: str,
                direction: str) -> tuple[int, int] | bool:
        with self.store.transaction():
            undo, redo = self.stacks(article, annotator)
            stack = undo if direction == "undo" else redo
            if not stack:
                return False
            target = stack[-1]
            events = self.group(target)
            if direction == "undo":
                events = events[::-1]
            changes = [self._apply(article, e.action, e.span_id,
                                   e.before if direction == "undo" else e.after)
                       for e in events]
            self.log([(direction, sid, b, a) for _, sid, b, a in changes], annotator, article,
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
