"""Review and adjudication: where two annotators' spans differ, and the gold layer.

Overlapping spans of either annotator form one cluster; a cluster where
the two sets differ is a disagreement. Decisions are written as the
``gold`` annotator's spans, so export takes them with ``--annotator gold``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .models import Span
from .store import Store

GOLD = "gold"
Entity = tuple[int, int, str]


@dataclass(frozen=True)
class Cluster:
    start: int
    end: int
    a: tuple[Entity, ...]
    b: tuple[Entity, ...]

    @property
    def agrees(self) -> bool:
        return set(self.a) == set(self.b)


def clusters(a: list[Entity], b: list[Entity]) -> list[Cluster]:
    """Group both layers' spans into runs of overlapping spans, in text order."""
    tagged = sorted([(s, e, lab, 0) for s, e, lab in set(a)] +
                    [(s, e, lab, 1) for s, e, lab in set(b)])
    groups: list[list[tuple[int, int, str, int]]] = []
    end = -1
    for item in tagged:
        if groups and item[0] < end:
            groups[-1].append(item)
            end = max(end, item[1])
        else:
            groups.append([item])
            end = item[1]
    return [
        Cluster(min(i[0] for i in g), max(i[1] for i in g),
                tuple(i[:3] for i in g if i[3] == 0), tuple(i[:3] for i in g if i[3] == 1))
        for g in groups
    ]


def article_clusters(store: Store, uid: str, a: str, b: str) -> list[Cluster]:
    layers = {who: [(s.start, s.end, s.label)
                    for s in store.spans.of(uid, annotator=who, states=("accepted",))]
              for who in (a, b)}
    return clusters(layers[a], layers[b])


def decision(store: Store, uid: str, cluster: Cluster) -> str:
    """What gold holds for the cluster: 'a', 'b', 'both', 'other' or '' (nothing yet)."""
    gold = {(s.start, s.end, s.label) for s in store.spans.of(uid, annotator=GOLD)
            if s.start < cluster.end and s.end > cluster.start}
    if not gold:
        return ""
    if gold == set(cluster.a) | set(cluster.b) and cluster.a and cluster.b:
        return "both" if not cluster.agrees else "a"
    if gold == set(cluster.a):
        return "a"
    if gold == set(cluster.b):
        return "b"
    return "other"


def decide(store: Store, uid: str, cluster: Cluster, take: str) -> None:
    """Write gold for the cluster: take 'a', 'b', 'both' or 'neither' (one undo step)."""
    chosen = {"a": cluster.a, "b": cluster.b, "both": tuple(set(cluster.a) | set(cluster.b)),
              "neither": ()}[take]
    store.spans.set_layer(uid, GOLD, cluster.start, cluster.end, sorted(chosen))


def majority(layers: dict[str, list[Entity]]) -> list[Entity]:
    """Spans that more than half of the annotators gave exactly (offsets and label)."""
    counts: dict[Entity, int] = {}
    for spans in layers.values():
        for span in set(spans):
            counts[span] = counts.get(span, 0) + 1
    return sorted(span for span, n in counts.items() if n * 2 > len(layers))


def majority_spans(spans: list[Span]) -> list[Span]:
    """Spans reduced to the majority of their annotators' accepted spans, one
    span for each, annotator named "majority"."""
    layers: dict[str, list[Entity]] = {}
    first: dict[Entity, Span] = {}
    for span in spans:
        if span.state != "accepted" or span.annotator == GOLD:
            continue
        entity = (span.start, span.end, span.label)
        layers.setdefault(span.annotator, []).append(entity)
        first.setdefault(entity, span)
    return [replace(first[entity], annotator="majority") for entity in majority(layers)]
