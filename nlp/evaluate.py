"""Scores as seqeval computes them: strict entity matches over IOB2 tags.

Spaces are dropped before scoring (as KLUE's own scorer does), so a span
that differs from the gold one only by a surrounding space still counts.
Character F1 is the micro F1 of entity characters, each counted correct
when its predicted type equals the gold type.

A model carries a fingerprint of the texts it trained on (8-byte hashes of
each text in NFC without spaces), so an evaluation can say how many gold
texts the model saw and score the unseen ones apart.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from hanmark.store.span_utils import spans_to_tags, tags_to_spans

from .gold import LABELS

Spans = Sequence[tuple[int, int, str]]
FINGERPRINT = "blake2b-8 of NFC text without whitespace"
HASH_BYTES = 8


def text_key(text: str) -> bytes:
    """A text's short hash: the same sentence re-spaced or in NFD gives the same key."""
    plain = "".join(unicodedata.normalize("NFC", text).split())
    return hashlib.blake2b(plain.encode(), digest_size=HASH_BYTES).digest()


def fingerprint(texts: Iterable[str]) -> dict:
    """The compact record of training texts kept in a model's meta.json
    (3,600 sentences: 38 KB of base64)."""
    keys = sorted({text_key(text) for text in texts if text.strip()})
    return {"kind": FINGERPRINT, "texts": len(keys),
            "hashes": base64.b64encode(b"".join(keys)).decode("ascii")}


def fingerprint_keys(record: dict | None) -> set[bytes] | None:
    """The hashes of a model's fingerprint; None when it has none (older models)."""
    if not isinstance(record, dict) or record.get("kind") != FINGERPRINT:
        return None
    data = base64.b64decode(record.get("hashes", ""))
    return {data[i:i + HASH_BYTES] for i in range(0, len(data), HASH_BYTES)}


def overlap(record: dict | None, triples: Sequence[tuple[str, Spans, Spans]]) -> dict:
    """How many gold texts the model trained on, and the scores on the others
    (``checked`` is false for a model without a fingerprint)."""
    seen = fingerprint_keys(record)
    if seen is None:
        return {"checked": False}
    unseen = [t for t in triples if text_key(t[0]) not in seen]
    out = {"checked": True, "seen": len(triples) - len(unseen), "unseen": len(unseen)}
    if out["seen"] and unseen:
        out["unseen_scores"] = score(unseen)
    return out


def _without_spaces(text: str, tags: list[str]) -> list[str]:
    """Drop space characters and re-read the rest as IOB2 (a span broken by a
    removed space stays one span: its I- tags continue it)."""
    kept = [tag for char, tag in zip(text, tags, strict=True) if not char.isspace()]
    return spans_to_tags(len(kept), tags_to_spans(kept))


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score(pairs: Iterable[tuple[str, Spans, Spans]]) -> dict:
    """Score ``(text, gold spans, predicted spans)`` triples; returns the
    ``hanmark evaluate --json`` object."""
    tp, pred, gold = Counter(), Counter(), Counter()
    char_tp = char_pred = char_gold = 0
    sentences = 0
    for text, gold_spans, pred_spans in pairs:
        sentences += 1
        g_tags = _without_spaces(text, spans_to_tags(len(text), list(gold_spans)))
        p_tags = _without_spaces(text, spans_to_tags(len(text), list(pred_spans)))
        g_set = set(tags_to_spans(g_tags))
        p_set = set(tags_to_spans(p_tags))
        gold.update(label for _, _, label in g_set)
        pred.update(label for _, _, label in p_set)
        tp.update(label for _, _, label in g_set & p_set)
        for g, p in zip(g_tags, p_tags, strict=True):
            char_gold += g != "O"
            char_pred += p != "O"
            char_tp += g != "O" and g[2:] == p[2:]
    labels = sorted(set(LABELS) | set(gold) | set(pred))
    per_label = {
        label: {**_prf(tp[label], pred[label], gold[label]), "support": gold[label]}
        for label in labels if gold[label] or pred[label]
    }
    macro = [v["f1"] for v in per_label.values()]
    return {
        "entity": _prf(sum(tp.values()), sum(pred.values()), sum(gold.values())),
        "entity_macro_f1": sum(macro) / len(macro) if macro else 0.0,
        "per_label": per_label,
        "char_f1": _prf(char_tp, char_pred, char_gold)["f1"],
        "sentences": sentences,
    }
