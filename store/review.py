"""Review and adjudication: where two annotators' spans differ, and the gold layer.

Overlapping spans of either annotator form one cluster, a row of the review;
a cluster where the two sets differ is a disagreement. Decisions are written
as the ``gold`` annotator's spans, so export takes them with ``--annotator
gold``, and each is logged as a ``gold_decision`` change in the same undo
step, so that a row decided "neither" (gold holds nothing there) still reads
as decided.

An article *needs review* when two or more annotators (not gold; a model's
suggestions are nobody's labels until accepted) labeled it and a disagreement
between the two with the most labels there has no decision yet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .models import Change, Span
from .stats import Labelled
from .store import Store

GOLD = "gold"
DECISION = "gold_decision"  # the journal kind (changes.py)
TAKES = {"a": (0,), "b": (1,), "both": (0, 1), "neither": ()}  # sides each key takes
Entity = tuple[int, int, str]
Row = tuple[int, int]  # a cluster's start and end: what its decision is kept under


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


def labels_of(store: Store, uid: str) -> list[Labelled]:
    """The article's accepted spans as ``(annotator, start, end, label)``."""
    return [(s.annotator, s.start, s.end, s.label)
            for s in store.spans.of(uid, states=("accepted",))]


def ranked(labels: Iterable[Labelled]) -> list[str]:
    """The annotators among ``labels``, most labels first (gold not counted): the
    first two are the pair a review of the article compares."""
    counts = Counter(who for who, *_ in labels if who != GOLD)
    return sorted(counts, key=lambda who: (-counts[who], who))


def annotators_of(store: Store, uid: str) -> list[str]:
    return ranked(labels_of(store, uid))


def layer(labels: Iterable[Labelled], annotator: str) -> list[Entity]:
    return [(start, end, label) for who, start, end, label in labels if who == annotator]


def article_clusters(store: Store, uid: str, a: str, b: str) -> list[Cluster]:
    labels = labels_of(store, uid)
    return clusters(layer(labels, a), layer(labels, b))


def decisions(store: Store, uid: str | None = None) -> dict[str, dict[Row, list[str]]]:
    """Each article's decided rows (or ``uid``'s alone), with the annotators gold
    took in each ([]: neither), replayed from the journal, undo and redo included."""
    made: dict[str, dict[Row, list[str]]] = {}
    for article, before, after in store.journal.states_holding("took", GOLD, uid):
        state = after or before
        row = (state.get("start"), state.get("end"))
        if after is None:
            made.get(article, {}).pop(row, None)
        else:
            made.setdefault(article, {})[row] = after["took"]
    return made


def decision(cluster: Cluster, made: dict[Row, list[str]], gold: Iterable[Entity]) -> str | None:
    """What gold holds for the row: 'agreed' (an agreed row taken), 'a', 'b', 'both',
    'edited' (spans of neither side), 'none' (nothing, as decided), or None: no
    decision yet. Gold's spans say it; the logged decision is needed only for
    'none' (rows decided before decisions were logged read from their spans)."""
    held = {g for g in gold if g[0] < cluster.end and g[1] > cluster.start}
    if not held:
        return "none" if (cluster.start, cluster.end) in made else None
    a, b = set(cluster.a), set(cluster.b)
    if cluster.agrees and held == a:
        return "agreed"
    if a and b and held == a | b:
        return "both"
    return "a" if held == a else "b" if held == b else "edited"


def open_disagreements(labels: Sequence[Labelled], made: dict[Row, list[str]]) -> int:
    """How many disagreements between the article's two busiest annotators (its
    accepted spans are ``labels``) have no decision yet."""
    pair = ranked(labels)
    if len(pair) < 2:
        return 0
    gold = layer(labels, GOLD)
    return sum(not c.agrees and decision(c, made, gold) is None
               for c in clusters(layer(labels, pair[0]), layer(labels, pair[1])))


def needing_review(store: Store) -> list[str]:
    """Uids of the articles that need review, in import order."""
    made = decisions(store)
    return [uid for uid, labels in store.stats.shared_labels(besides=GOLD)
            if open_disagreements(labels, made.get(uid, {}))]


def decide(store: Store, uid: str, rows: Sequence[Cluster], take: str,
           pair: tuple[str, str]) -> None:
    """Write gold for each row, taking side 'a', 'b', 'both' or 'neither' of ``pair``,
    and log each decision beside the gold spans it wrote: one undo step."""
    with store.transaction():
        made = decisions(store, uid).get(uid, {})
        changes: list[Change] = []
        for row in rows:
            sides = [i for i in TAKES[take] if (row.a, row.b)[i]]
            chosen = sorted({entity for i in sides for entity in (row.a, row.b)[i]})
            changes += store.spans.set_layer(uid, GOLD, row.start, row.end, chosen, log=False)
            where = {"start": row.start, "end": row.end}
            before = ({**where, "took": made[row.start, row.end]}
                      if (row.start, row.end) in made else None)
            changes.append(Change(DECISION, uid, before,
                                  {**where, "took": [pair[i] for i in sides]}))
        if changes:
            store.journal.log(changes, GOLD, uid)


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
