"""Finding a label among many by a few typed characters (the label picker's order).

Matches are ranked in tiers, so short queries stay predictable: the exact
name, then names that start with the query, then names whose parts start
with pieces of it (``ogm`` finds OGG_MEDIA), then any part of a name, then
the Korean description, then the examples, then the name's letters in
order. Within a tier, recently used labels come first, then shorter names
(the query says more of them), then set order.
"""

from __future__ import annotations

from collections.abc import Sequence

from hanmark.store import Label


def _parts_match(query: str, parts: Sequence[str]) -> bool:
    """Whether ``query`` splits into non-empty prefixes of consecutive ``parts``."""
    if not query:
        return True
    if not parts:
        return False
    head = parts[0]
    return any(head.startswith(query[:k]) and _parts_match(query[k:], parts[1:])
               for k in range(min(len(query), len(head)), 0, -1))


def _in_order(query: str, text: str) -> bool:
    found = iter(text)
    return all(c in found for c in query)


def tier(label: Label, query: str) -> int | None:
    """How well ``label`` matches a lower-case ``query`` (0 best), or None."""
    name = label.name.lower()
    compact = name.replace("_", "")
    if query in (name, compact):
        return 0
    if name.startswith(query) or compact.startswith(query):
        return 1
    if _parts_match(query, name.split("_")):
        return 2
    if query in name or query in compact:
        return 3
    if query in label.description.lower():
        return 4
    if query in label.examples.lower():
        return 5
    if _in_order(query, compact):
        return 6
    return None


def rank(labels: Sequence[Label], query: str, recent: Sequence[str] = ()) -> list[Label]:
    """The labels that match ``query``, best first (all of them for an empty query)."""
    query = query.strip().lower()
    recency = {name: i for i, name in enumerate(recent)}
    scored = []
    for position, label in enumerate(labels):
        score = tier(label, query) if query else 0
        if score is not None:
            scored.append((score, recency.get(label.name, len(recency)),
                           len(label.name) if query else 0, position, label))
    return [item[-1] for item in sorted(scored, key=lambda item: item[:4])]
