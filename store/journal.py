"""The journal (the events table): every change, grouped into undoable steps.

The journal is a list of typed changes (``models.Change``: kind, target,
before, after; the kinds and their appliers are in changes.py). One user
action (labeling over two old spans, accepting all) is one group of events;
undo and redo replay the log into stacks of groups, so they work across
restarts, and apply each change of the group through its kind's applier.
``_write`` is the one place an event row is inserted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .changes import KINDS, decode, encode
from .models import Change, Event, Replayed
from .table import Table, now

EVENT_SELECT = ("SELECT id, time, annotator, article, grp, action, span_id, before, after,"
                " target FROM events")


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

    def log(self, changes: Sequence[Change], annotator: str, article: str | None, *,
            replaying: int | None = None, verb: str | None = None) -> int:
        """Append one event group, now; return its number. An undo or redo logs
        the changes it made under its own ``verb``, ``replaying`` the group it undid
        or redid."""
        grp = self.next_group()
        stamp = now()
        rows = (encode(change, verb) for change in changes)
        self._write([(stamp, annotator, article, grp, action, span_id, _json(before),
                      _json(after), replaying) for action, span_id, before, after in rows])
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

    def articles_of(self, annotator: str) -> set[str]:
        """Uids of the articles ``annotator`` changed anything in (gold: reviewed)."""
        return {row[0] for row in self._rows(
            "SELECT DISTINCT article FROM events WHERE annotator = ? AND article IS NOT NULL",
            (annotator,))}

    def states_holding(self, field: str, annotator: str, article: str | None = None
                       ) -> Iterator[tuple[str, Any, Any]]:
        """``(article, before, after)`` of the annotator's events (on ``article``, or
        all) whose before or after state holds ``field``, in order, undo and redo
        included: the history of a kind whose changes live only in the log."""
        path = f"$.{field}"
        held = ("(CASE WHEN json_valid({0}) THEN json_type({0}, ?) END) IS NOT NULL")
        sql = (f"SELECT article, before, after FROM events WHERE annotator = ?"
               f" AND ({held.format('before')} OR {held.format('after')})")
        params: list[Any] = [annotator, path, path]
        if article is not None:
            sql += " AND article = ?"
            params.append(article)
        for uid, before, after in self._rows(sql + " ORDER BY id", params):
            yield uid, json.loads(before) if before else None, json.loads(after) if after else None

    def own_status(self, uid: str, annotator: str) -> str | None:
        """The status this annotator last gave the article (teams share one status;
        the annotator_status table, kept by a trigger on this one)."""
        row = self._one("SELECT status FROM annotator_status WHERE article = ?"
                        " AND annotator = ?", (uid, annotator))
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
        (``article`` None: label-set changes)."""
        undoable = KINDS.undoable_verbs()
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
            elif action in undoable:
                undo.append(grp)
                redo.clear()
        return undo, redo

    def _replay(self, article: str | None, annotator: str, direction: str) -> Replayed | None:
        with self.store.transaction():
            undo, redo = self.stacks(article, annotator)
            stack = undo if direction == "undo" else redo
            if not stack:
                return None
            group = stack[-1]
            changes = [decode(e.action, e.span_id, e.article, e.before, e.after)
                       for e in self.group(group)]
            if direction == "undo":
                changes = [change.inverse() for change in reversed(changes)]
            applied = [KINDS.by_name[c.kind].apply(self.store, c) for c in changes]
            self.log(applied, annotator, article, replaying=group, verb=direction)
            return Replayed(tuple(applied), self._where(applied))

    def _where(self, changes: Sequence[Change]) -> tuple[int, int] | None:
        """The range of text the changes touched, by their kinds, or None."""
        ranges = []
        for change in changes:
            where = KINDS.by_name[change.kind].where
            if where is not None and (touched := where(self.store, change)) is not None:
                ranges.append(touched)
        if not ranges:
            return None
        return min(s for s, _ in ranges), max(e for _, e in ranges)

    def undo(self, article: str | None, annotator: str) -> Replayed | None:
        """Undo the annotator's last step on the article (``None``: on the label set).

        Returns None if there is none, else what it changed and the range of
        text it touched, so a reader redraws only that. Works across restarts:
        the stacks are rebuilt from the event log.
        """
        return self._replay(article, annotator, "undo")

    def redo(self, article: str | None, annotator: str) -> Replayed | None:
        return self._replay(article, annotator, "redo")
