"""Tokens, sentences and IOB2 tags over character offsets.

Token and sentence formats see an article through these: tokens are the
non-space pieces of the text cut at the given boundaries *and* at every
span edge, so no span is ever lost to a token boundary.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence

from .common import ExportDoc, Range, Triple

# IOB2, and BIOES/BILOU on the way in (S/U: a single token, E/L: the last).
TAG_RE = re.compile(r"O|[BIESLU]-\S+")
WORD_RE = re.compile(r"\S+")


def token_ranges(text: str, cuts: Iterable[int], spans: Iterable[Triple] = ()) -> list[Range]:
    """Non-whitespace pieces of ``text``, cut at ``cuts`` and at span edges."""
    edges = set(cuts)
    for start, end, _ in spans:
        edges.add(start)
        edges.add(end)
    ordered = sorted(edges)
    tokens: list[Range] = []
    for match in WORD_RE.finditer(text):
        start, end = match.span()
        for cut in ordered[bisect_right(ordered, start):bisect_right(ordered, end - 1)]:
            tokens.append((start, cut))
            start = cut
        tokens.append((start, end))
    return tokens


def word_cuts(text: str) -> list[int]:
    """Eojeol (space-delimited word) edges: the ``--tokens word`` mode."""
    return [b for m in WORD_RE.finditer(text) for b in m.span()]


def sentence_groups(text: str, sentences: Sequence[Range], spans: Iterable[Triple]) -> list[Range]:
    """Sentences as output units: the text is cut at each sentence start except
    where a span crosses it (those sentences stay together); each unit is
    trimmed of outer whitespace that no span covers, and empty units go."""
    spans = list(spans)
    bounds = sorted({s for s, _ in sentences if 0 < s < len(text)})
    kept = [b for b in bounds if not any(s < b < e for s, e, _ in spans)]
    units = []
    for start, end in zip([0, *kept], [*kept, len(text)], strict=True):
        inner = [(s, e) for s, e, _ in spans if start <= s and e <= end]
        piece = text[start:end]
        lo = start + len(piece) - len(piece.lstrip())
        hi = start + len(piece.rstrip())
        if inner:
            lo, hi = min(lo, *(s for s, _ in inner)), max(hi, *(e for _, e in inner))
        if lo < hi:
            units.append((lo, hi))
    return units


def iob2_tags(tokens: Sequence[Range], spans: Iterable[Triple]) -> list[str]:
    """One tag per token; every span must start and end on a token edge and
    spans must not overlap (flatten first)."""
    tags = ["O"] * len(tokens)
    first = {s: i for i, (s, _) in enumerate(tokens)}
    last = {e: i for i, (_, e) in enumerate(tokens)}
    for start, end, label in spans:
        i, j = first[start], last[end]
        tags[i] = f"B-{label}"
        for k in range(i + 1, j + 1):
            tags[k] = f"I-{label}"
    return tags


def iob2_entities(tags: Sequence[str]) -> list[Triple]:
    """``(first, last + 1, label)`` token runs of IOB2 or BIOES/BILOU tags; an
    ``I-``/``E-`` that does not continue an entity of its label starts one
    (the lenient reading seqeval uses). Raises ``ValueError`` naming the
    index of a malformed tag."""
    entities: list[Triple] = []
    open_label, open_start = None, 0
    for i, tag in enumerate([*tags, "O"]):
        if i < len(tags) and not TAG_RE.fullmatch(tag):
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


def sentence_units(doc: ExportDoc) -> Iterator[tuple[Range, list[Range], list[Triple]]]:
    """Each output sentence with its tokens and (flat) spans."""
    starts = [s for s, _ in doc.tokens or ()]
    triples = doc.triples
    for start, end in doc.sentences:
        tokens = doc.tokens[bisect_left(starts, start):bisect_left(starts, end)] \
            if doc.tokens is not None else []
        yield (start, end), tokens, [t for t in triples if start <= t[0] and t[1] <= end]
