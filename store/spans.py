"""The spans table: labels, suggestions and their edits.

Every change a person makes is one undoable step: the spans it touched are
logged to the journal as one group. ``_write`` is the one place a span row
is inserted.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .errors import HanmarkError
from .models import Change, NewSpan, Span
from .table import Table, now

SPAN_COLUMNS = (
    "id", "article", "start", "end", "label", "annotator", "origin", "state",
    "model", "confidence", "note", "created", "updated",
)
_NAMES = ", ".join(f'"{c}"' for c in SPAN_COLUMNS)
SPAN_SELECT = f"SELECT {_NAMES} FROM spans"
Revision = tuple[int, int, str, float | None]  # a suggestion's new start, end, label, confidence
_INSERT = f"INSERT INTO spans({_NAMES}, form) VALUES ({', '.join('?' * (len(SPAN_COLUMNS) + 1))})"


def _span(row: Sequence[Any]) -> Span:
    return Span(*row)


def _as_note(change: Change) -> Change:
    """An edit of a span's note alone is journaled as a note (kind "note")."""
    return Change("note", change.target, *({"note": state["note"], "updated": state["updated"]}
                                            for state in (change.before, change.after)))


class Spans(Table):
    """``store.spans``."""

    # -- reading ----------------------------------------------------------------

    def of(self, article: str, *, annotator: str | None = None,
           states: Sequence[str] | None = None) -> list[Span]:
        """The article's spans in text order, optionally one annotator's or some states."""
        sql, params = SPAN_SELECT + " WHERE article = ?", [article]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        if states:
            sql += f" AND state IN ({', '.join('?' * len(states))})"
            params.extend(states)
        return [_span(r) for r in self._rows(sql + " ORDER BY start, end, id", params)]

    def overlapping(self, article: str, start: int, end: int) -> list[Span]:
        """The article's spans that overlap ``start:end``, in text order: after one
        edit the reader re-reads only these, not all of a long article's spans."""
        rows = self._rows(SPAN_SELECT + " WHERE article = ? AND start < ? AND end > ?"
                          " ORDER BY start, end, id", (article, end, start))
        return [_span(r) for r in rows]

    def get(self, span_id: int) -> Span:
        row = self._one(SPAN_SELECT + " WHERE id = ?", (span_id,))
        if row is None:
            raise HanmarkError(f"No span with id {span_id}.")
        return _span(row)

    def of_articles(self, uids: Sequence[str], *, annotator: str | None = None,
                    suggestions: bool = False) -> dict[str, list[Span]]:
        """Spans of several articles by article, each by start, then as created.
        With ``annotator``: that annotator's accepted spans (plus pending
        suggestions with ``suggestions``); without: every span."""
        span_filter, span_params = "", []
        if annotator is not None:
            # "+annotator": look spans up by article, not by the (unselective) annotator
            span_filter = " AND ((+annotator = ? AND state = 'accepted')" + (
                " OR state = 'suggested')" if suggestions else ")")
            span_params = [annotator]
        # the index's own order (article, start, id): no sort, grouped in C
        rows = self._rows(SPAN_SELECT + f" WHERE article IN ({', '.join('?' * len(uids))})"
                          + span_filter + " ORDER BY article, start, id", [*uids, *span_params])
        return {uid: [Span(*row) for row in group] for uid, group in
                itertools.groupby(rows, key=operator.itemgetter(1))}

    def accepted_layers(self, uids: Iterable[str], annotators: Sequence[str]
                        ) -> Iterator[tuple[str, str, dict[str, list[tuple[int, int, str]]]]]:
        """Each article's text with every annotator's accepted spans, one article at a time."""
        marks = ", ".join("?" * len(annotators))
        for uid in uids:
            text = self.store.articles.get(uid).text
            layers: dict[str, list[tuple[int, int, str]]] = {}
            for who, start, end, label in self._rows(
                f"SELECT annotator, start, end, label FROM spans WHERE article = ?"
                f" AND state = 'accepted' AND annotator IN ({marks})", (uid, *annotators)):
                layers.setdefault(who, []).append((start, end, label))
            yield uid, text, layers

    def pending_with_form(self, form: str, *, label: str | None = None,
                          model: str | None = None) -> list[Span]:
        """Every article's pending suggestions whose text is ``form`` (of one label,
        or of one model), by article and start: what ``X`` rejects, and the
        gazetteer suggestions that follow a changed label."""
        sql = ("SELECT s.id FROM spans s JOIN articles a ON a.uid = s.article"
               " JOIN articles_fts f ON f.rowid = a.rowid WHERE s.state = 'suggested'"
               " AND s.end - s.start = ? AND substr(f.text, s.start + 1, s.end - s.start) = ?")
        params: list[Any] = [len(form), form]
        for column, value in (("label", label), ("model", model)):
            if value is not None:
                sql += f" AND s.{column} = ?"
                params.append(value)
        rows = self._rows(SPAN_SELECT + f" WHERE id IN ({sql}) ORDER BY article, start, id",
                          params)
        return [_span(r) for r in rows]

    def count(self, *, label: str) -> int:
        return self._one("SELECT count(*) FROM spans WHERE label = ?", (label,))[0]

    def forms(self) -> list[tuple[str, str, int]]:
        """``(surface, label, count)`` of every accepted span: the live gazetteer's source
        (kept up to date by triggers, see the third migration)."""
        return self._rows("SELECT form, label, n FROM forms WHERE n > 0")

    def forms_version(self) -> int:
        """A number that changes whenever ``forms`` may have: a cache key."""
        return self._one("SELECT value FROM counters WHERE name = 'forms'")[0]

    # -- the one write path and its checks ------------------------------------------

    def _check(self, text_len: int, start: int, end: int, label: str,
               labels: set[str]) -> None:
        if not (0 <= start < end <= text_len):
            raise HanmarkError(
                f"Span {start}-{end} is outside the text (0-{text_len}) or empty."
            )
        if label not in labels:
            raise HanmarkError(f"Unknown label {label!r}; add it first or map it to a known one.")

    def _write(self, values: dict[str, Any], text: str | None = None) -> int:
        """Insert one span row (``SPAN_COLUMNS``; a None id is given one); return its id.

        ``text``, the article's, spares the forms trigger reading it for this span
        (bulk inserts into one long article were quadratic; sixth migration)."""
        form = None if text is None else text[values["start"]:values["end"]]
        return self.conn.execute(_INSERT, [*(values[c] for c in SPAN_COLUMNS), form]).lastrowid

    def _insert(self, article: str, new: NewSpan, stamp: str,
                text: str | None = None) -> dict[str, Any]:
        values = {**new.__dict__, "id": None, "article": article, "created": stamp,
                  "updated": stamp}
        return self._snapshot(self._write(values, text))

    def _snapshot(self, span_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(SPAN_SELECT + " WHERE id = ?", (span_id,)).fetchone()
        return dict(zip(SPAN_COLUMNS, row, strict=True)) if row else None

    def _delete(self, span_id: int) -> Change:
        before = self._snapshot(span_id)
        self.conn.execute("DELETE FROM spans WHERE id = ?", (span_id,))
        return Change("span", span_id, before, None)

    def _change(self, span_id: int, changes: dict[str, Any]) -> Change:
        before = self._snapshot(span_id)
        if before is None:
            raise HanmarkError(f"No span with id {span_id}.")
        sets = ", ".join(f'"{k}" = ?' for k in changes)
        self.conn.execute(f"UPDATE spans SET {sets}, updated = ? WHERE id = ?",
                          [*changes.values(), now(), span_id])
        return Change("span", span_id, before, self._snapshot(span_id))

    def put(self, span_id: int, state: dict[str, Any] | None) -> dict[str, Any] | None:
        """Make span ``span_id`` exactly ``state`` as logged (None: no span), for
        undo and redo; return what it was."""
        before = self._snapshot(span_id)
        if state is not None and not self.store.labels.exists(state["label"]):
            raise HanmarkError(f"This step had a {state['label']} span, a label since removed; "
                               f"'hanmark labels add {state['label']}' brings it back.")
        if state is None:
            self.conn.execute("DELETE FROM spans WHERE id = ?", (span_id,))
        elif before is None:
            self._write(state)
        else:
            sets = ", ".join(f'"{c}" = ?' for c in SPAN_COLUMNS[1:])
            self.conn.execute(f"UPDATE spans SET {sets} WHERE id = ?",
                              [*(state[c] for c in SPAN_COLUMNS[1:]), span_id])
        return before

    def put_note(self, span_id: int, note: dict[str, str]) -> dict[str, str]:
        """Set a span's note and its ``updated`` time as logged; return what they were."""
        span = self.get(span_id)
        self.conn.execute("UPDATE spans SET note = ?, updated = ? WHERE id = ?",
                          (note["note"], note["updated"], span_id))
        return {"note": span.note, "updated": span.updated}

    def add_copy(self, span: Span) -> int:
        """Insert a span with all its provenance as given (a new id); return the id."""
        with self.store.transaction():
            return self._write({**span.__dict__, "id": None})

    def add_copies(self, text: str, spans: Sequence[Span]) -> dict[int, int]:
        """Insert an article's spans exactly as exported; return old ids mapped to new."""
        labels = self.store.labels.names()
        ids: dict[int, int] = {}
        with self.store.transaction():
            for span in spans:
                self._check(len(text), span.start, span.end, span.label, labels)
                ids[span.id] = self._write({**span.__dict__, "id": None}, text)
        return ids

    # -- edits ------------------------------------------------------------------------

    def add(self, article: str, spans: Iterable[NewSpan], *, actor: str,
            log: bool = True) -> list[Span]:
        """Add spans to one article as one undoable step (or, for bulk imports
        and model suggestions, with ``log=False``, one summary event)."""
        art = self.store.articles.get(article)
        labels = self.store.labels.names()
        stamp = now()
        created = []
        with self.store.transaction():
            for new in spans:
                self._check(len(art.text), new.start, new.end, new.label, labels)
                created.append(self._insert(article, new, stamp, art.text))
            if created:
                if log:
                    changes = [Change("span", s["id"], None, s) for s in created]
                else:
                    changes = [Change("bulk", None, None, {"spans": len(created)})]
                self.store.journal.log(changes, actor, article)
        return [Span(**s) for s in created]

    def replace_imported(self, article: str, spans: Sequence[NewSpan],
                         annotators: Iterable[str], *, actor: str) -> tuple[int, int]:
        """``hanmark import --update``: the article's imported spans (origin import)
        of ``annotators`` become ``spans``; only what differs is deleted or added,
        logged as one summary event that keeps the removed spans. Returns
        ``(added, removed)``."""
        art = self.store.articles.get(article)
        labels = self.store.labels.names()
        names = sorted(set(annotators))
        key = operator.attrgetter("start", "end", "label", "annotator", "state")
        with self.store.transaction():
            old = [dict(zip(SPAN_COLUMNS, r, strict=True)) for r in self._rows(
                SPAN_SELECT + " WHERE article = ? AND origin = 'import' AND annotator IN"
                f" ({', '.join('?' * len(names))})", [article, *names])]
            have = {key(Span(**s)) for s in old}
            wanted = {key(n) for n in spans}
            gone = [s for s in old if key(Span(**s)) not in wanted]
            self.conn.executemany("DELETE FROM spans WHERE id = ?", [(s["id"],) for s in gone])
            stamp, added = now(), 0
            for new in spans:
                if key(new) in have:
                    continue
                self._check(len(art.text), new.start, new.end, new.label, labels)
                self._insert(article, new, stamp, art.text)
                have.add(key(new))
                added += 1
            if added or gone:
                summary = Change("bulk", None, {"removed": gone}, {"spans": added})
                self.store.journal.log([summary], actor, article)
        return added, len(gone)

    def update(self, span_id: int, *, actor: str, **changes: Any) -> Span:
        """Change a span's label, boundaries, note or state as one undoable step."""
        allowed = {"start", "end", "label", "note", "state", "annotator", "confidence"}
        if not changes or set(changes) - allowed:
            raise HanmarkError(f"Cannot change {sorted(set(changes) - allowed)} of a span.")
        with self.store.transaction():
            span = self.get(span_id)
            merged = {**span.__dict__, **changes}
            text_len = len(self.store.articles.get(span.article).text)
            self._check(text_len, merged["start"], merged["end"], merged["label"],
                        self.store.labels.names())
            change = self._change(span_id, changes)
            logged = _as_note(change) if set(changes) == {"note"} else change
            self.store.journal.log([logged], actor, span.article)
        return Span(**change.after)

    def remove(self, span_id: int, *, actor: str) -> Span | None:
        """What ``x`` does: a suggestion becomes rejected (and stays so), a label is deleted.

        Returns the rejected span, or None when the span was deleted.
        """
        with self.store.transaction():
            span = self.get(span_id)
            if span.state == "suggested":
                change = self._change(span_id, {"state": "rejected"})
                self.store.journal.log([change], actor, span.article)
                return Span(**change.after)
            self.store.journal.log([self._delete(span_id)], actor, span.article)
        return None

    def reject_everywhere(self, span_id: int, *, actor: str) -> int:
        """What ``X`` does: every pending suggestion with this span's text and label,
        in every article, becomes rejected, and the form is never suggested with
        that label again (``store.rejected``); one undoable step. Returns how many
        suggestions were rejected."""
        with self.store.transaction():
            span = self.get(span_id)
            form = self.store.articles.get(span.article).text[span.start:span.end]
            pending = self.pending_with_form(form, label=span.label)
            changes = [self._change(p.id, {"state": "rejected"}) for p in pending]
            changes.append(self.store.rejected.add(form, span.label, actor))
            self.store.journal.log(changes, actor, span.article)
        return len(pending)

    def label_range(self, article: str, start: int, end: int, label: str, *,
                    annotator: str, note: str = "") -> Span:
        """Label ``start:end`` for ``annotator``, replacing the spans it overlaps.

        Overlapped human labels of the same annotator are deleted, overlapped
        suggestions are rejected; all of it is one undoable step.
        """
        art = self.store.articles.get(article)
        self._check(len(art.text), start, end, label, self.store.labels.names())
        stamp = now()
        with self.store.transaction():
            changes: list[Change] = []
            overlapping = self._rows(
                "SELECT id, state, annotator FROM spans WHERE article = ? AND start < ?"
                " AND end > ? AND state != 'rejected'", (article, end, start))
            for span_id, state, owner in overlapping:
                if state == "suggested":
                    changes.append(self._change(span_id, {"state": "rejected"}))
                elif owner == annotator:
                    changes.append(self._delete(span_id))
            created = self._insert(
                article, NewSpan(start, end, label, annotator, note=note), stamp)
            changes.append(Change("span", created["id"], None, created))
            self.store.journal.log(changes, annotator, article)
            self.store.articles.mark_started(article)
        return Span(**created)

    def set_layer(self, article: str, annotator: str, start: int, end: int,
                  spans: Sequence[tuple[int, int, str]], *, log: bool = True) -> list[Change]:
        """Make ``annotator``'s spans overlapping ``start:end`` exactly ``spans``.

        Unlike ``label_range`` this keeps overlapping spans side by side (an
        adjudicator may keep both of two nested spans); one undoable step, or,
        with ``log`` False, the changes made, for the caller to log in its own step.
        """
        text_len = len(self.store.articles.get(article).text)
        labels = self.store.labels.names()
        for s, e, label in spans:
            self._check(text_len, s, e, label, labels)
        stamp = now()
        with self.store.transaction():
            changes: list[Change] = []
            for (span_id,) in self._rows(
                    "SELECT id FROM spans WHERE article = ? AND annotator = ? AND start < ?"
                    " AND end > ?", (article, annotator, end, start)):
                changes.append(self._delete(span_id))
            for s, e, label in spans:
                created = self._insert(article, NewSpan(s, e, label, annotator), stamp)
                changes.append(Change("span", created["id"], None, created))
            if changes and log:
                self.store.journal.log(changes, annotator, article)
        return changes

    def accept(self, span_ids: Iterable[int], *, annotator: str) -> list[Span]:
        """Accept suggestions: they become ``annotator``'s labels, one undoable step."""
        with self.store.transaction():
            changes, article = [], None
            for span_id in span_ids:
                span = self.get(span_id)
                if span.state != "suggested":
                    continue
                changes.append(self._change(
                    span_id, {"state": "accepted", "annotator": annotator}))
                article = span.article
            if changes:
                self.store.journal.log(changes, annotator, article)
                self.store.articles.mark_started(article)
        return [Span(**change.after) for change in changes]

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
        art = self.store.articles.get(article)
        labels = self.store.labels.names()
        stamp = now()
        with self.store.transaction():
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
            never = self.store.rejected.pairs()  # the negative gazetteer
            added = 0
            for new in spans:
                if (new.start, new.end) in taken or new.label not in labels \
                        or (art.text[new.start:new.end], new.label) in never:
                    continue
                self._check(len(art.text), new.start, new.end, new.label, labels)
                self._insert(article, new, stamp)
                taken.add((new.start, new.end))
                added += 1
        return added

    def revise_suggestions(self, revisions: Mapping[int, Revision | None]) -> set[str]:
        """Move or relabel pending suggestions (``(start, end, label, confidence)``), or
        withdraw them (None): the gazetteer's suggestions follow the label they came
        from (``nlp.suggest.follow_label``). Unlogged, as suggestions are written.

        Only suggestions still pending are touched. One moved onto an accepted span,
        onto the very characters of a decided one or onto a rejected form is
        withdrawn instead; other pending suggestions it overlaps give way. Returns
        the articles changed."""
        never = self.store.rejected.pairs()
        changed: set[str] = set()
        with self.store.transaction():
            for span_id, new in revisions.items():
                span = self._snapshot(span_id)
                if span is None or span["state"] != "suggested":
                    continue
                changed.add(span["article"])
                if new is None or not self._move_suggestion(span_id, span["article"], new,
                                                            never):
                    self._delete(span_id)
        return changed

    def _move_suggestion(self, span_id: int, uid: str, new: Revision,
                         never: set[tuple[str, str]]) -> bool:
        """Move a pending suggestion to ``new``, unless that is an accepted span, the
        characters of a decided one or a rejected form (False: not moved); pending
        suggestions it overlaps give way."""
        start, end, label, confidence = new
        if (self.store.articles.get(uid).text[start:end], label) in never:
            return False
        near = self._rows("SELECT id, start, end, state FROM spans WHERE article = ?"
                          " AND start < ? AND end > ? AND id != ?", (uid, end, start, span_id))
        if any(state == "accepted" or (state != "suggested" and (s, e) == (start, end))
               for _, s, e, state in near):
            return False
        for other, _, _, state in near:
            if state == "suggested":
                self._delete(other)
        self._change(span_id, {"start": start, "end": end, "label": label,
                               "confidence": confidence})
        return True

    def relabel(self, old: str, new: str) -> int:
        """Every span labeled ``old`` is labeled ``new``; return how many."""
        return self.conn.execute("UPDATE spans SET label = ? WHERE label = ?",
                                 (new, old)).rowcount

    def delete_labeled(self, label: str) -> None:
        self.conn.execute("DELETE FROM spans WHERE label = ?", (label,))
