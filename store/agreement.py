"""Inter-annotator agreement: strict entity F1 and Cohen's kappa over characters.

Computed per pair of annotators on the articles both marked done. Kappa is
computed over non-space characters, each labelled with the label of the
span covering it (``O`` when none); counts come from a sweep over span
boundaries, so the cost grows with the number of spans, not characters.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .span_utils import keep_longest
from .store import Store

OUTSIDE = "O"
Entity = tuple[int, int, str]


@dataclass
class PairAgreement:
    a: str
    b: str
    articles: int = 0
    matched: int = 0
    a_spans: int = 0
    b_spans: int = 0
    confusion: Counter = field(default_factory=Counter)  # (label_a, label_b) -> characters
    per_label_counts: dict[str, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0]))  # label -> matched, a, b

    @property
    def entity_f1(self) -> float:
        total = self.a_spans + self.b_spans
        return 2 * self.matched / total if total else 1.0

    def kappa(self, label: str | None = None) -> float:
        """Cohen's kappa over characters; for one label, kappa of 'is it this label'."""
        counts = self.confusion
        if label is not None:
            counts = Counter()
            for (x, y), n in self.confusion.items():
                counts[(x == label, y == label)] += n
        return cohen_kappa(counts)

    def as_dict(self) -> dict:
        labels = sorted(self.per_label_counts)
        return {
            "a": self.a, "b": self.b, "articles": self.articles,
            "entity_f1": round(self.entity_f1, 6), "kappa": round(self.kappa(), 6),
            "per_label": {
                label: {
                    "entity_f1": round(_f1(*self.per_label_counts[label]), 6),
                    "kappa": round(self.kappa(label), 6),
                    "a": self.per_label_counts[label][1], "b": self.per_label_counts[label][2],
                }
                for label in labels
            },
        }


def _f1(matched: int, a: int, b: int) -> float:
    return 2 * matched / (a + b) if a + b else 1.0


def cohen_kappa(counts: Counter) -> float:
    """Kappa from a confusion Counter keyed by (category of a, category of b)."""
    total = sum(counts.values())
    if not total:
        return 1.0
    observed = sum(n for (x, y), n in counts.items() if x == y) / total
    a_marg: Counter = Counter()
    b_marg: Counter = Counter()
    for (x, y), n in counts.items():
        a_marg[x] += n
        b_marg[y] += n
    expected = sum(a_marg[k] * b_marg[k] for k in a_marg) / (total * total)
    if expected == 1.0:
        return 1.0
    return (observed - expected) / (1 - expected)


def _nonspace(text: str, start: int, end: int) -> int:
    piece = text[start:end]
    return len(piece) - sum(piece.count(ch) for ch in " \n\t")


def add_article(pair: PairAgreement, text: str, a: Sequence[Entity], b: Sequence[Entity]) -> None:
    """Fold one article's two span layers into the pair's counts."""
    pair.articles += 1
    set_a, set_b = set(a), set(b)
    pair.matched += len(set_a & set_b)
    pair.a_spans += len(set_a)
    pair.b_spans += len(set_b)
    for ent in set_a:
        pair.per_label_counts[ent[2]][1] += 1
        if ent in set_b:
            pair.per_label_counts[ent[2]][0] += 1
    for ent in set_b:
        pair.per_label_counts[ent[2]][2] += 1
    # Non-overlapping labelled segments; where spans overlap, the longer wins.
    (layer_a, _), (layer_b, _) = keep_longest(set_a), keep_longest(set_b)
    cuts = sorted({0, len(text), *(x for s in layer_a + layer_b for x in s[:2])})
    ia = ib = 0
    for left, right in itertools.pairwise(cuts):
        while ia < len(layer_a) and layer_a[ia][1] <= left:
            ia += 1
        while ib < len(layer_b) and layer_b[ib][1] <= left:
            ib += 1
        la = layer_a[ia][2] if ia < len(layer_a) and layer_a[ia][0] <= left else OUTSIDE
        lb = layer_b[ib][2] if ib < len(layer_b) and layer_b[ib][0] <= left else OUTSIDE
        n = _nonspace(text, left, right)
        if n:
            pair.confusion[(la, lb)] += n


def agreement(store: Store, annotators: Sequence[str] | None = None) -> list[PairAgreement]:
    """Agreement for each pair of annotators on the articles both marked done."""
    done = store.stats.done_by_annotator()
    names = sorted(annotators or done)
    pairs = []
    for a, b in itertools.combinations(names, 2):
        pair = PairAgreement(a, b)
        shared = sorted(done.get(a, set()) & done.get(b, set()))
        for _uid, text, layers in store.spans.accepted_layers(shared, (a, b)):
            add_article(pair, text, layers.get(a, []), layers.get(b, []))
        pairs.append(pair)
    return pairs
