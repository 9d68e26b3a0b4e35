"""Entity classes for morphemes the training data never showed, from Kiwi's
language model.

Kiwi's CoNg model embeds the morphemes of its dictionary, learned from large
unlabeled corpora, so its nearest neighbours of 광저우 are other Chinese
cities and those of 삼성 other companies. Each single-morpheme entity of the
training data (a prototype) lends its label to its nearest neighbours; the
votes a morpheme collects become a CRF feature. Built once at training time
and stored in the model, so tagging costs one dictionary lookup per morpheme.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .analyzer import Analysis

NOUN_TAGS = frozenset(("NNP", "NNG", "SL", "SH"))
NEIGHBOURS = 50
MIN_SHARE = 0.6


def key(form: str, tag: str) -> str:
    return f"{form}/{tag}"


def prototypes(texts: Iterable[tuple[Analysis, Iterable[tuple[int, int, str]]]]
               ) -> dict[str, str]:
    """Morphemes that are whole entities in the gold data, with their majority label."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for analysis, spans in texts:
        by_range = {(t.start, t.end): t for t in analysis.tokens if t.tag in NOUN_TAGS}
        for start, end, label in spans:
            tok = by_range.get((start, end))
            if tok is not None:
                counts[key(tok.form, tok.tag)][label] += 1
    out = {}
    for name, labels in counts.items():
        label, n = labels.most_common(1)[0]
        if n / sum(labels.values()) >= MIN_SHARE:
            out[name] = label
    return out


def expand(protos: dict[str, str], kiwi, neighbours: int = NEIGHBOURS) -> dict[str, str]:
    """``form/tag -> class`` for every morpheme near a prototype, e.g. ``LC2``:
    the label with most (similarity-weighted) votes and how clear the vote is."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for name, label in protos.items():
        form, tag = name.rsplit("/", 1)
        try:
            near = kiwi.most_similar_morphemes((form, tag), top_n=neighbours)
        except (ValueError, RuntimeError):  # unknown to the model, or several senses
            continue
        for item in near:
            if item.form and item.tag in NOUN_TAGS:
                votes[key(item.form, item.tag)][label] += item.score
    lexicon = {}
    for name, labels in votes.items():
        label, weight = labels.most_common(1)[0]
        share = weight / sum(labels.values())
        lexicon[name] = label + ("3" if share >= 0.8 else "2" if share >= 0.6 else "1")
    return lexicon
