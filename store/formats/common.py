"""What the format modules share: the export unit, the writer protocol and
the overlap policy of flat formats."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, TextIO

from ..models import Article, Event, Label, Span
from ..span_utils import Range, Triple, keep_longest, trim
from .records import RecordError


@dataclass
class ExportDoc:
    """One article on its way out with its spans; ``tokens`` and ``sentences``
    are filled for the formats that need them, and every span starts and ends
    on a token."""

    article: Article
    spans: list[Span]
    tokens: list[Range] | None = None
    sentences: list[Range] | None = None
    events: list[Event] = field(default_factory=list)  # native format only

    @property
    def triples(self) -> list[Triple]:
        return [(s.start, s.end, s.label) for s in self.spans]

    @property
    def ident(self) -> str:
        """The id another tool knew the record by, else hanmark's uid."""
        external = self.article.meta.get("id")
        return self.article.uid if external is None else str(external)


class Writer:
    """Streams ``ExportDoc``s into one file (or, with ``folder``, one folder)."""

    folder: ClassVar[bool] = False
    flat: ClassVar[bool] = False  # cannot hold overlapping spans
    tokens: ClassVar[bool] = False  # needs tokens that spans land on
    sentences: ClassVar[bool] = False  # one record per sentence
    separators: ClassVar[tuple[str, ...]] = ()  # column separators, the default first

    def __init__(self, out: TextIO | Path, labels: list[Label], sep: str | None = None,
                 rejected: list[dict[str, Any]] | None = None):
        self.out = out
        self.labels = labels
        self.rejected = rejected or []  # the negative gazetteer (a backup keeps it)
        self.sep = sep or (self.separators[0] if self.separators else "")

    def start(self) -> None:
        """Write what comes before the first record."""

    def write(self, doc: ExportDoc) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Write what comes after the last record."""

    @classmethod
    def side_files(cls, path: Path, labels: list[Label]) -> dict[Path, str]:
        """Files written beside the output (e.g. a label list)."""
        return {}


def _edges(span: Span) -> Range:
    return span.start, span.end


def keep_longest_spans(spans: list[Span]) -> tuple[list[Span], Counter]:
    """Flat formats: keep the longest of overlapping spans (the earlier on a
    tie) and count the dropped ones per label."""
    kept, dropped = keep_longest(spans, _edges)
    return kept, Counter(span.label for span in dropped)


# One encoder for every record: json.dumps with options builds a new one per call.
dumps: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False).encode


def need_span(start: Any, end: Any, label: Any, line: int) -> Triple:
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)
            and label):
        raise RecordError(line, f"span {[start, end, label]!r} needs integer start/end"
                                " and a label")
    return start, end, label


def trim_spans(text: str, spans: list[Span]) -> tuple[list[Span], Counter]:
    """Token formats: tokens never hold whitespace, so spans lose outer
    whitespace, and whitespace-only spans are dropped (and counted per label)."""
    kept: list[Span] = []
    dropped: Counter = Counter()
    for span in spans:
        start, end = trim(text, span.start, span.end)
        if start < end:
            kept.append(span if (start, end) == (span.start, span.end)
                        else replace(span, start=start, end=end))
        else:
            dropped[span.label] += 1
    return kept, dropped
