"""Korean text rules every layer shares: which morphemes never belong to a name,
and the particles Kiwi leaves glued to a name it does not know yet (엔비디아와
read as one proper noun). The rules, the gazetteer, the words taught to Kiwi,
the CRF's features and the text view's labelling all ask here.

Loads nothing heavy (no Kiwi): the text view imports it at start-up.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .analyzer import Analysis, Token

# Particles (조사) and endings (어미): never part of a name.
PARTICLE_TAGS = ("J", "E")
# Morphemes a name never starts with: particles, endings, predicates, suffixes.
NO_START_TAGS = (*PARTICLE_TAGS, "VV", "VA", "VX", "VCP", "VCN", "XS")
# Punctuation and symbols (SL letters, SN numbers and SH hanja are words): a morpheme
# move never takes them onto a span's edge.
PUNCTUATION_TAGS = ("SF", "SP", "SS", "SE", "SO", "SW")
# What follows the stem of an eojeol: particles, endings, punctuation, copula, suffixes.
TRAILING_TAGS = (*PARTICLE_TAGS, *PUNCTUATION_TAGS, "VCP", "XS")
# Particles Kiwi may leave glued to an unknown name; a longer one before those it ends in.
GLUED_PARTICLES = ("에서", "에게", "으로", "까지", "부터", "처럼", "보다", "와", "과", "가",
                   "이", "은", "는", "을", "를", "의", "에", "도", "로", "만")
# The stem before a glued particle has two syllables or more: 지은, 수도 and 하은
# end in a particle's syllable but are not 지 + 은.
MIN_STEM = 2
_LAST_SYLLABLES = frozenset(particle[-1] for particle in GLUED_PARTICLES)


def stem_ends(form: str) -> Iterator[int]:
    """Where a particle glued to the end of ``form`` would begin, one offset for
    each particle it ends with that leaves a stem of ``MIN_STEM`` syllables."""
    if not form or form[-1] not in _LAST_SYLLABLES:  # most words: no particle to try
        return
    for particle in GLUED_PARTICLES:
        if form.endswith(particle) and len(form) - len(particle) >= MIN_STEM:
            yield len(form) - len(particle)


def unglued(form: str, known: Container[str]) -> str:
    """``form`` without a glued particle when what is left is ``known`` (엔비디아와
    -> 엔비디아 where 엔비디아 occurs on its own), else ``form`` as it is."""
    return next((form[:n] for n in stem_ends(form) if form[:n] in known), form)


def word_edges(tokens: Sequence[Token]) -> tuple[list[int], list[int]]:
    """Where a morpheme edge move may put a span's start and end: the starts and the
    ends of the morphemes that are not punctuation, sorted."""
    words = [t for t in tokens if not t.tag.startswith(PUNCTUATION_TAGS)]
    return sorted({t.start for t in words}), sorted({t.end for t in words})


def noun_forms(analysis: Analysis) -> set[str]:
    """The forms of the text's nouns (NNG, NNP, NNB): stems a glued particle
    may come off (``name_end``)."""
    text = analysis.text
    return {text[t.start:t.end] for t in analysis.tokens if t.tag.startswith("NN")}


def name_end(text: str, tokens: Sequence[Token], nouns: Container[str]) -> int:
    """Where a name made of the morphemes ``tokens`` ends: trailing particles and
    endings left out (the first morpheme always stays), and a particle glued to
    the last one too when its stem is one of the text's ``nouns``."""
    last = len(tokens)
    while last > 1 and tokens[last - 1].tag.startswith(PARTICLE_TAGS):
        last -= 1
    token = tokens[last - 1]
    return token.start + len(unglued(text[token.start:token.end], nouns))
