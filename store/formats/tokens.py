"""Tokens and sentences over character offsets.

Token and sentence formats see an article through these: tokens are the
non-space pieces of the text cut at the given boundaries *and* at every
span edge, so no span is ever lost to a token boundary.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence

from ..span_utils import Range, Triple, trim
from .common import ExportDoc

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
        lo, hi = trim(text, start, end)
        if inner:
            lo, hi = min(lo, *(s for s, _ in inner)), max(hi, *(e for _, e in inner))
        if lo < hi:
            units.append((lo, hi))
    return units


def sentence_units(doc: ExportDoc) -> Iterator[tuple[Range, list[Range], list[Triple]]]:
    """Each output sentence with its tokens and (flat) spans."""
    starts = [s for s, _ in doc.tokens or ()]
    triples = doc.triples
    for start, end in doc.sentences:
        tokens = doc.tokens[bisect_left(starts, start):bisect_left(starts, end)] \
            if doc.tokens is not None else []
        yield (start, end), tokens, [t for t in triples if start <= t[0] and t[1] <= end]
