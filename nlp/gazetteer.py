"""Surface forms people (or gold corpora) labeled, and where they occur again.

Used twice: as the live gazetteer (a form labeled once is suggested wherever
else it occurs) and as a feature of the CRF. Matches start and end on
morpheme boundaries, so ``엔비디아와`` yields ``엔비디아``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from .analyzer import Analysis
from .korean import NO_START_TAGS, stem_ends
from .rules import Candidate

_WORD = re.compile(r"[^\W_]+")  # a run of letters and digits
_WORD_START = re.compile(r"(?:(?<=^)|(?<=[\s\"'(\[{<«“‘·,/]))\S", re.M)


class Gazetteer:
    """Form -> label counts; a form's label is its majority label."""

    def __init__(self, min_share: float = 0.5, min_len: int = 2):
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.min_share, self.min_len = min_share, min_len
        self._index: dict[str, list[str]] | None = None

    def add(self, form: str, label: str, n: int = 1) -> None:
        form = form.strip()
        if len(form) >= self.min_len:
            self.counts[form][label] += n
            self._index = None

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str, int]], **kwargs: float) -> Gazetteer:
        gaz = cls(**kwargs)
        for form, label, n in pairs:
            gaz.add(form, label, n)
        return gaz

    def __len__(self) -> int:
        return len(self.counts)

    def label(self, form: str) -> tuple[str, float] | None:
        """The form's majority label and its share, if the share is high enough."""
        counts = self.counts.get(form)
        if not counts:
            return None
        label, n = counts.most_common(1)[0]
        share = n / sum(counts.values())
        return (label, share) if share >= self.min_share else None

    def suggested(self, form: str) -> tuple[str, float] | None:
        """The label and confidence a match of ``form`` is suggested with, if any."""
        found = self.label(form)
        return None if found is None else (found[0], round(min(0.99, found[1]), 3))

    def _by_prefix(self) -> dict[str, list[str]]:
        if self._index is None:
            index: dict[str, list[str]] = defaultdict(list)
            for form in self.counts:
                if self.label(form) is not None:
                    index[form[:2]].append(form)
            for forms in index.values():
                forms.sort(key=len, reverse=True)
            self._index = dict(index)
        return self._index

    def find(self, text: str, starts: Iterable[int], ends: set[int]) -> list[Candidate]:
        """Longest non-overlapping matches that start in ``starts`` and end in ``ends``."""
        index = self._by_prefix()
        found: list[Candidate] = []
        reach = 0
        for pos in sorted(starts):
            if pos < reach or pos >= len(text):
                continue
            for form in index.get(text[pos:pos + 2], ()):
                end = pos + len(form)
                if end in ends and text.startswith(form, pos):
                    found.append(Candidate(pos, end, *self.suggested(form)))
                    reach = end
                    break
        return found

    def find_in(self, analysis: Analysis) -> list[Candidate]:
        """Matches snapped to the analysis's morpheme boundaries, or before a
        particle Kiwi glued to a proper noun (엔비디아와 analysed before the
        word was taught to it)."""
        text = analysis.text
        starts = {t.start for t in analysis.tokens if not t.tag.startswith(NO_START_TAGS)}
        glued = {t.start + n for t in analysis.tokens if t.tag == "NNP"
                 for n in stem_ends(text[t.start:t.end])}
        return self.find(text, starts, set(analysis.boundaries) | glued)

    def find_in_text(self, text: str) -> list[Candidate]:
        """Matches without an analysis: from a word start to a word end or a
        particle that ends a word (a fallback for articles Kiwi has not seen yet)."""
        starts = [m.start() for m in _WORD_START.finditer(text)]
        ends = {i for i in range(len(text) + 1) if i == len(text) or not text[i].isalnum()}
        ends.update(m.start() + n for m in _WORD.finditer(text) for n in stem_ends(m.group()))
        return self.find(text, starts, ends)
