"""Spans over character offsets and the rules every layer applies to them, in
the spirit of spaCy's ``training/iob_utils.py``: whitespace off a span's edges,
the longest of overlapping spans kept, IOB2/BIOES tags to and from spans.

It sits in ``store`` because the formats need it; ``nlp`` imports it from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

Range = tuple[int, int]
Triple = tuple[int, int, str]
S = TypeVar("S")

# IOB2, and BIOES/BILOU on the way in (S/U: a single token, E/L: the last).
TAG_RE = re.compile(r"O|[BIESLU]-\S+")


def trim(text: str, start: int, end: int) -> Range:
    """``start:end`` without the whitespace at its edges (empty when it is all whitespace)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _edges(span: Sequence) -> Range:
    return span[0], span[1]


def keep_longest(spans: Iterable[S], edges: Callable[[S], Range] = _edges
                 ) -> tuple[list[S], list[S]]:
    """The longest of overlapping spans (the earlier on a tie), in text order,
    and the ones dropped for them. ``edges`` reads a span's ``(start, end)``."""
    ranged = [(edges(span), span) for span in spans]
    ranged.sort(key=lambda pair: (pair[0][0] - pair[0][1], pair[0][0]))  # longest first
    kept: list[tuple[Range, S]] = []
    dropped: list[S] = []
    for (start, end), span in ranged:
        if any(s < end and start < e for (s, e), _ in kept):
            dropped.append(span)
        else:
            kept.append(((start, end), span))
    kept.sort(key=lambda pair: pair[0])
    return [span for _, span in kept], dropped


def spans_to_tags(length: int, spans: Iterable[Triple], scheme: str = "iob2") -> list[str]:
    """One tag per unit (a character, or a token: see ``token_tags``) for
    non-overlapping spans over unit indices: IOB2, or BIOES (which also marks a
    span's last unit, E-, and one-unit spans, S-: the CRF learns ends apart)."""
    tags = ["O"] * length
    bioes = scheme == "bioes"
    for start, end, label in spans:
        tags[start] = f"S-{label}" if bioes and end - start == 1 else f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
        if bioes and end - start > 1:
            tags[end - 1] = f"E-{label}"
    return tags


def token_tags(tokens: Sequence[Range], spans: Iterable[Triple]) -> list[str]:
    """IOB2, one tag per token, for character spans that start and end on
    token edges."""
    first = {s: i for i, (s, _) in enumerate(tokens)}
    last = {e: i for i, (_, e) in enumerate(tokens)}
    return spans_to_tags(len(tokens), [(first[s], last[e] + 1, label) for s, e, label in spans])


def _malformed(tag: str) -> bool:
    return tag != "O" and (len(tag) < 3 or tag[0] not in "BIESLU" or tag[1] != "-")


def tags_to_spans(tags: Sequence[str]) -> list[Triple]:
    """``(first, last + 1, label)`` runs of IOB2 or BIOES/BILOU tags; an ``I-``
    or ``E-`` that does not continue an entity of its label starts one (the
    lenient reading seqeval uses). Raises ``ValueError`` naming the index of a
    tag that is not ``O`` or ``X-LABEL``."""
    entities: list[Triple] = []
    open_label, open_start = None, 0
    for i, tag in enumerate([*tags, "O"]):
        if _malformed(tag):
            raise ValueError(i)
        prefix, label = tag[0], tag[2:] or None
        if open_label is not None and (prefix in "OBSU" or label != open_label):
            entities.append((open_start, i, open_label))
            open_label = None
        if label is not None and open_label is None:
            open_label, open_start = label, i
        if prefix in "ESLU":
            entities.append((open_start, i + 1, label))
            open_label = None
    return entities
