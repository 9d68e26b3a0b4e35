"""Annotating one article, without a screen: the rules behind each key.

The reader and the review screen hold an ``AnnotationSession`` and draw what
it says; the session decides what a key means (a corrected suggestion becomes
the person's label, rejected suggestions are not shown, which article comes
next), writes it through ``commit`` (never waiting on a lock on the UI
thread), and returns an ``Outcome`` naming what changed. No Textual here, so
every rule is testable without an app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from hanmark.store import Article, Span, Store
from hanmark.store.models import Edit
from hanmark.store.review import GOLD, Cluster, decide

from .connections import commit

T = TypeVar("T")
Range = tuple[int, int]


@dataclass(frozen=True)
class Outcome:
    """What a change did: the sentence for the status line, the character range
    it touched (None: the whole article), and the follow-ups it needs."""

    message: str
    where: Range | None = None
    saved: bool = True  # False: nothing was written (the message says why)
    edits: tuple[Edit, ...] = ()  # labels changed: their forms' suggestions follow them
    relearn: bool = False  # labeled forms changed: Kiwi relearns its words


def split_layers(spans: list[Span], annotator: str) -> tuple[list[Span], list[Span]]:
    """The annotator's own layer (their labels, imported labels and pending
    suggestions) and the other annotators' labels, shown only as an overlay.
    Rejected suggestions are in neither: they are decisions, not labels."""
    mine, others = [], []
    for span in spans:
        if span.state == "rejected":
            continue
        theirs = (span.state != "suggested" and span.origin != "import"
                  and span.annotator != annotator)
        (others if theirs else mine).append(span)
    return mine, others


def label_edits(changes: Iterable[Edit]) -> tuple[Edit, ...]:
    """The labels (accepted spans) among span changes, as ``(was, now)``: a
    suggestion is no label, and a change that kept the text and the label (a
    note) is none. One label gone and one come in the same step are one label
    moved (labeling 라인야후 over 라인), so its suggestions follow it."""
    def label(span: Span | None) -> Span | None:
        return span if span is not None and span.state == "accepted" else None

    def key(span: Span | None) -> tuple | None:
        return span and (span.article, span.start, span.end, span.label)

    edits = [(label(was), label(now)) for was, now in changes]
    edits = [(was, now) for was, now in edits if key(was) != key(now)]
    gone = [was for was, now in edits if now is None]
    came = [now for was, now in edits if was is None]
    if len(gone) == len(came) == 1:
        edits = [(was, now) for was, now in edits if None not in (was, now)]
        edits.append((gone[0], came[0]))
    return tuple(edits)


class AnnotationSession:
    """One annotator's work on the open article: its spans and every change to them."""

    def __init__(self, store: Store, annotator: str, waiting: Callable[[], object]):
        self.store, self.annotator, self.waiting = store, annotator, waiting
        self.article: Article | None = None
        self.spans: list[Span] = []  # the layer being edited
        self.others: list[Span] = []  # other annotators' labels

    def save(self, change: Callable[[Store], T]) -> Awaitable[T]:
        """One committed change (``commit``: at once, or on a thread while another
        process holds the write lock, after ``waiting`` said so)."""
        return commit(self.store, change, self.waiting)

    # -- reading ----------------------------------------------------------------

    def open(self, uid: str) -> Article:
        """Read an article and its spans (``HanmarkError`` if it cannot be read;
        the session then keeps the article it had)."""
        article, spans = self.store.articles.get(uid), self.store.spans.of(uid)
        self.article = article
        self.spans, self.others = split_layers(spans, self.annotator)
        return article

    def reload(self, where: Range | None = None) -> None:
        """Re-read the spans: all of them, or only those overlapping ``where`` (one
        edit's reach), which keeps a key press quick on long articles."""
        uid = self.article.uid
        if where is None:
            self.spans, self.others = split_layers(self.store.spans.of(uid), self.annotator)
            return
        start, end = where
        kept = [s for s in self.spans if not (s.start < end and s.end > start)]
        fresh, _ = split_layers(self.store.spans.overlapping(uid, start, end), self.annotator)
        self.spans = sorted(kept + fresh, key=lambda s: (s.start, s.end, s.id))

    @property
    def pending(self) -> int:
        return sum(s.state == "suggested" for s in self.spans)

    @property
    def accepted(self) -> int:
        return sum(s.state == "accepted" for s in self.spans)

    def pending_from(self, offset: int, direction: int) -> Span | None:
        """The nearest suggestion still waiting for a decision after ``offset``
        (``direction`` 1) or before it (-1)."""
        pending = [s for s in self.spans if s.state == "suggested"
                   and (s.start > offset if direction > 0 else s.start < offset)]
        return (pending[0] if direction > 0 else pending[-1]) if pending else None

    def surface(self, start: int, end: int) -> str:
        return self.article.text[start:end]

    def remember_cursor(self, cursor: int) -> bool:
        """Note the cursor on the open article; True if it moved (then it needs saving)."""
        if self.article is None or cursor == self.article.cursor:
            return False
        self.article = replace(self.article, cursor=cursor)
        return True

    # -- changes ----------------------------------------------------------------

    def _changed(self, message: str, where: Range | None = None, **follow_ups: Any
                 ) -> Outcome:
        """A committed change: the spans it touched are read again, and its outcome."""
        self.reload(where)
        return Outcome(message, where, **follow_ups)

    def _edit(self, span: Span, changes: dict[str, Any]) -> Callable[[Store], Span]:
        """An edit of a span; a corrected suggestion becomes the person's label."""
        if span.state == "suggested":
            changes = {**changes, "state": "accepted", "annotator": self.annotator}
        return lambda store: store.spans.update(span.id, actor=self.annotator, **changes)

    async def label(self, label: str, *, span: Span | None = None,
                    where: Range | None = None) -> Outcome:
        """Relabel ``span``, or label the range ``where``."""
        if span is not None:
            where, was = (span.start, span.end), [span]
            span = await self.save(self._edit(span, {"label": label}))
        else:
            uid, (start, end) = self.article.uid, where
            was = [s for s in self.spans if s.state == "accepted"  # label_range replaces them
                   and s.annotator == self.annotator and s.start < end and s.end > start]
            span = await self.save(lambda store: store.spans.label_range(
                uid, *where, label, annotator=self.annotator))
        edits = label_edits([*((old, None) for old in was), (None, span)])
        return self._changed(f"{self.surface(span.start, span.end)} → {label}", where,
                             edits=edits)

    async def accept(self, span: Span) -> Outcome:
        await self.save(lambda store: store.spans.accept([span.id], annotator=self.annotator))
        return self._changed(f"accepted {self.surface(span.start, span.end)} as {span.label}",
                             (span.start, span.end))

    async def accept_all(self, label: str | None = None) -> Outcome:
        """Accept every pending suggestion, or every one of ``label``."""
        pending = [s.id for s in self.spans
                   if s.state == "suggested" and label in (None, s.label)]
        accepted = await self.save(
            lambda store: store.spans.accept(pending, annotator=self.annotator))
        which = f" {label}" if label else ""
        return self._changed(f"accepted {len(accepted)}{which} suggestion"
                             f"{'s' * (len(accepted) != 1)}")

    async def remove(self, span: Span) -> Outcome:
        """Reject a suggestion, or remove a label (which Kiwi then forgets)."""
        rejected = await self.save(lambda store: store.spans.remove(span.id, actor=self.annotator))
        verb = "rejected" if rejected is not None else "removed"
        return self._changed(f"{verb} {self.surface(span.start, span.end)} ({span.label})",
                             (span.start, span.end), edits=label_edits([(span, None)]))

    async def reject_everywhere(self, span: Span) -> Outcome:
        """Reject this suggestion's form with its label in every article, and never
        suggest it again (the negative gazetteer); one undoable step."""
        rejected = await self.save(
            lambda store: store.spans.reject_everywhere(span.id, actor=self.annotator))
        form = self.surface(span.start, span.end)
        return self._changed(f"rejected {form} as {span.label} everywhere ({rejected} "
                             "suggestion" + "s" * (rejected != 1) + "); it will not be "
                             "suggested again (hanmark labels rejected)")

    async def move_edges(self, span: Span, start: int, end: int) -> Outcome:
        moved = await self.save(self._edit(span, {"start": start, "end": end}))
        return self._changed(f"{span.label} is now {self.surface(start, end)}",
                             (min(start, span.start), max(end, span.end)),
                             edits=label_edits([(span, moved)]))

    async def note(self, span: Span, note: str) -> Outcome:
        await self.save(self._edit(span, {"note": note}))
        return self._changed(f"note on {self.surface(span.start, span.end)}",
                             (span.start, span.end))

    async def replay(self, direction: str) -> Outcome:
        """Undo or redo the annotator's last step on the article."""
        uid, redo = self.article.uid, direction == "redo"
        replayed = await self.save(lambda store: (
            store.journal.redo if redo else store.journal.undo)(uid, self.annotator))
        if replayed is None:
            return Outcome(f"Nothing to {direction}.", saved=False)
        edits = label_edits((change.before and Span(**change.before),
                             change.after and Span(**change.after))
                            for change in replayed.changes if change.kind == "span")
        return self._changed("redo done" if redo else "undone", replayed.where,
                             edits=edits, relearn=True)

    async def finish(self, status: str) -> tuple[Outcome, str | None]:
        """Mark the article done or skipped; the outcome and the article to open
        next (None: none is left that is not done or skipped)."""
        uid = self.article.uid
        await self.save(lambda store: store.articles.set_status(uid, status, self.annotator))
        following = self.store.articles.next_after(uid)
        if following is None or following == uid:
            self.article = self.store.articles.get(uid)
            return Outcome(f"marked {status}; no article left that is not done or skipped"), None
        return Outcome(f"marked the last article {status}; opened the next"), following

    # -- review -----------------------------------------------------------------

    async def take(self, uid: str, rows: list[Cluster], take: str, pair: tuple[str, str]
                   ) -> None:
        """Write gold for each row of a review: one transaction, one undo step."""
        await self.save(lambda store: decide(store, uid, rows, take, pair))

    async def replay_gold(self, uid: str, direction: str) -> bool:
        """Undo or redo the last review step on the article (gold's, whoever
        reviews); False if there was none."""
        redo = direction == "redo"
        replayed = await self.save(lambda store: (
            store.journal.redo if redo else store.journal.undo)(uid, GOLD))
        return replayed is not None
