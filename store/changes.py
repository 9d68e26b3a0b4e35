"""The kinds of change the journal records, each with the one function that applies it.

A change is ``(kind, target, before, after)``. Undo applies a logged change
backwards and redo forwards, through the applier registered for its kind, the
way sqlite-utils' ``Migrations`` registers its functions. A new kind of
annotation (relations, say) is one more ``@KINDS.applier`` here and the table
method it calls; the journal, undo and redo need no change.

Changes are stored as rows of the events table under a verb (the ``action``
column; spans keep ``create``/``update``/``delete``), so databases written
before kinds existed read and undo as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .models import Change

if TYPE_CHECKING:
    from .store import Store

Applier = Callable[["Store", Change], Change]
Range = tuple[int, int]
SPAN_VERBS = ("create", "update", "delete")


@dataclass(frozen=True)
class Kind:
    """A kind of change: how it is stored and, if it can be undone, how it is applied."""

    name: str
    verbs: tuple[str, ...]  # the ``action`` values it is stored under (see ``verb``)
    target: str | None  # what ``Change.target`` is: "span" (id), "article" (uid) or None
    apply: Applier | None = None  # make target go from before to after; return what it did
    where: Callable[[Store, Change], Range | None] | None = None  # the text it touched

    def verb(self, change: Change) -> str:
        """The verb the change is stored under: a kind with three verbs stores
        creations, edits and deletions apart (spans: create, update, delete)."""
        if len(self.verbs) == 3:
            created, edited, deleted = self.verbs
            return (created if change.before is None else
                    deleted if change.after is None else edited)
        return self.verbs[0]


class Kinds:
    """The registry: every kind by name and by stored verb."""

    def __init__(self) -> None:
        self.by_name: dict[str, Kind] = {}
        self.by_verb: dict[str, Kind] = {}

    def add(self, name: str, *, verbs: tuple[str, ...] = (), target: str | None = None,
            apply: Applier | None = None,
            where: Callable[[Store, Change], Range | None] | None = None) -> None:
        kind = Kind(name, verbs or (name,), target, apply, where)
        self.by_name[name] = kind
        self.by_verb.update(dict.fromkeys(kind.verbs, kind))

    def applier(self, name: str, *, verbs: tuple[str, ...] = (), target: str | None = None,
                where: Callable[[Store, Change], Range | None] | None = None
                ) -> Callable[[Applier], Applier]:
        """Register the decorated function as the applier of kind ``name``."""

        def register(apply: Applier) -> Applier:
            self.add(name, verbs=verbs, target=target, apply=apply, where=where)
            return apply

        return register

    def undoable_verbs(self) -> tuple[str, ...]:
        return tuple(verb for verb, kind in self.by_verb.items() if kind.apply)


KINDS = Kinds()
# Logged for the record, never undone: summaries of bulk work and removed labels.
KINDS.add("bulk")
KINDS.add("label_remove")


def _span_edges(store: Store, change: Change) -> Range | None:
    edges = [x for state in (change.before, change.after) if state
             for x in (state["start"], state["end"])]
    return (min(edges), max(edges)) if edges else None


def _span_now(store: Store, change: Change) -> Range:
    span = store.spans.get(change.target)
    return span.start, span.end


@KINDS.applier("span", verbs=SPAN_VERBS, target="span", where=_span_edges)
def _apply_span(store: Store, change: Change) -> Change:
    """A span created, edited or deleted: the span row becomes the logged state."""
    return Change("span", change.target, store.spans.put(change.target, change.after),
                  change.after)


@KINDS.applier("status", target="article")
def _apply_status(store: Store, change: Change) -> Change:
    before = {"status": store.articles.get(change.target).status}
    store.articles.put_status(change.target, change.after["status"])
    return Change("status", change.target, before, change.after)


@KINDS.applier("label", verbs=("label_rename",))
def _apply_label_rename(store: Store, change: Change) -> Change:
    """A label renamed, with every span that carries it."""
    src, dst = change.before["name"], change.after["name"]
    moved = store.labels.rename(src, dst)
    return Change("label", None, {"name": src}, {"name": dst, "spans": moved})


@KINDS.applier("note", target="span", where=_span_now)
def _apply_note(store: Store, change: Change) -> Change:
    """A span's note written, changed or cleared (with the span's ``updated`` time)."""
    return Change("note", change.target, store.spans.put_note(change.target, change.after),
                  change.after)


@KINDS.applier("rejected_form", verbs=("reject_form",))
def _apply_rejected_form(store: Store, change: Change) -> Change:
    """A form rejected with a label everywhere (the negative gazetteer), or taken back."""
    key = change.after or change.before
    before = store.rejected.put(change.after, key["form"], key["label"])
    return Change("rejected_form", None, before, change.after)


@KINDS.applier("gold_decision", target="article")
def _apply_gold_decision(store: Store, change: Change) -> Change:
    """A review decision on one disagreement row (``{"start", "end", "took"}``: the
    annotators whose spans gold took, none for neither). The event is the record
    (``store.review.decisions`` reads the log), so applying it writes no table."""
    return change


def encode(change: Change, verb: str | None = None) -> tuple[str, int | None, Any, Any]:
    """The change as an events row's ``(action, span_id, before, after)``."""
    kind = KINDS.by_name[change.kind]
    span_id = change.target if kind.target == "span" else None
    return (verb or kind.verb(change), span_id, change.before, change.after)


def decode(action: str, span_id: int | None, article: str | None, before: Any,
           after: Any) -> Change:
    """An undoable events row as the change it records."""
    kind = KINDS.by_verb[action]
    target = {"span": span_id, "article": article}.get(kind.target or "")
    return Change(kind.name, target, before, after)
