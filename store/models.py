"""Typed records that the store hands to the CLI, the NLP layer and the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUSES = ("new", "in_progress", "done", "skipped")
ORIGINS = ("human", "suggestion", "import")
STATES = ("suggested", "accepted", "rejected")


@dataclass(frozen=True)
class Article:
    uid: str
    text: str
    title: str = ""
    date: str | None = None
    source: str | None = None
    url: str | None = None
    collection: str = "default"
    status: str = "new"
    meta: dict[str, Any] = field(default_factory=dict)
    cursor: int = 0
    created: str = ""
    updated: str = ""


@dataclass(frozen=True)
class ArticleRow:
    """One line of the article list: everything but the text."""

    rowid: int
    uid: str
    title: str
    date: str | None
    collection: str
    status: str
    n_labels: int


@dataclass(frozen=True)
class Label:
    name: str
    description: str = ""
    key: str | None = None
    colour: str = "#888888"
    order: int = 0
    parent: str | None = None
    examples: str = ""  # comma-separated, as in the NIKL tag set


@dataclass(frozen=True)
class Span:
    id: int
    article: str
    start: int
    end: int
    label: str
    annotator: str
    origin: str = "human"
    state: str = "accepted"
    model: str | None = None
    confidence: float | None = None
    note: str = ""
    created: str = ""
    updated: str = ""


# A label before and after one change (None: no label then); what suggestions follow.
Edit = tuple[Span | None, Span | None]


@dataclass(frozen=True)
class NewSpan:
    """A span to be written; the store gives it an id and times."""

    start: int
    end: int
    label: str
    annotator: str
    origin: str = "human"
    state: str = "accepted"
    model: str | None = None
    confidence: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Event:
    id: int
    time: str
    annotator: str
    article: str | None
    group: int
    action: str
    span_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    target: int | None = None


@dataclass(frozen=True)
class AnnotatedArticle:
    """An article on its way out: its spans and, for the native format, its event log."""

    article: Article
    spans: list[Span]
    events: list[Event]


@dataclass(frozen=True)
class Change:
    """One change in the journal: ``target`` (a span id, an article uid, or None
    when the states name it) went from ``before`` to ``after`` (None: absent)."""

    kind: str
    target: Any
    before: Any
    after: Any

    def inverse(self) -> Change:
        return Change(self.kind, self.target, self.after, self.before)


@dataclass(frozen=True)
class Replayed:
    """What an undo or redo did: the changes as applied and the character range
    of the text they touched (None when they touched no span)."""

    changes: tuple[Change, ...]
    where: tuple[int, int] | None

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(change.kind for change in self.changes)
