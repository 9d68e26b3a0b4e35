"""spaCy / Prodigy JSONL: text, tokens and token-aligned spans.

Tokens follow spaCy's whitespace rule (one trailing space is the token's
``ws``; any other whitespace is a token of its own), so the tokens' text and
``ws`` rebuild the text exactly and every span starts and ends on a token.
Entities are flat (``Doc.ents``): overlapping spans are reduced first.

Read as well: ``Doc.to_json()`` lines, whose ``ents`` and span groups
(``spans: {"sc": [...]}``, which may overlap) all become spans; the same
span in two places is one span.
"""

from __future__ import annotations

from .common import ExportDoc, Range, Writer, dumps, need_span
from .plain import json_lines, need_text
from .records import ArticleRecord, RecordError, Source, label_key

WHAT = "spaCy/Prodigy JSONL"


def spacy_tokens(text: str, pieces: list[Range]) -> list[tuple[int, int, bool]]:
    """``(start, end, ws)`` covering the whole text the way spaCy tokenizes space."""
    tokens: list[tuple[int, int, bool]] = []
    cursor = 0
    for start, end in [*pieces, (len(text), len(text))]:
        gap_start = cursor
        if tokens and text[cursor:cursor + 1] == " " and cursor < start:
            tokens[-1] = (*tokens[-1][:2], True)
            gap_start += 1
        if gap_start < start:
            tokens.append((gap_start, start, False))
        if start < end:
            tokens.append((start, end, False))
        cursor = end
    return tokens


class SpacyWriter(Writer):
    flat = True
    tokens = True

    def write(self, doc: ExportDoc) -> None:
        text = doc.article.text
        tokens = spacy_tokens(text, doc.tokens)
        first = {s: i for i, (s, _, _) in enumerate(tokens)}
        last = {e: i for i, (_, e, _) in enumerate(tokens)}
        record = {
            "text": text,
            "tokens": [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": ws}
                       for i, (s, e, ws) in enumerate(tokens)],
            "spans": [{"start": s, "end": e, "label": label, "token_start": first[s],
                       "token_end": last[e]} for s, e, label in doc.triples],
            "meta": {"uid": doc.article.uid, **doc.article.meta},
        }
        self.out.write(dumps(record) + "\n")


def _parse(obj: dict, line: int) -> ArticleRecord | None:
    if obj.get("answer") in ("reject", "ignore"):
        return None
    text = need_text(obj, line, WHAT)
    if not any(isinstance(obj.get(k), list | dict) for k in ("spans", "ents", "tokens")):
        raise RecordError(line, f"no 'spans', 'ents' or 'tokens'; is this {WHAT}?")
    spans = dict.fromkeys(need_span(s.get("start"), s.get("end"), s.get("label"), line)
                          for s in _span_dicts(obj, line))
    meta = dict(obj["meta"]) if isinstance(obj.get("meta"), dict) else {}
    meta.pop("uid", None)  # hanmark's own id is the text's hash, recomputed on import
    return ArticleRecord(text=text, meta=meta, line=line, spans=list(spans),
                         label_key=label_key(obj, ("spans", "ents")))


def _span_dicts(obj: dict, line: int) -> list[dict]:
    """Prodigy's ``spans`` list, or ``Doc.to_json()``'s ``ents`` and span groups."""
    spans = obj.get("spans") or []
    groups = list(spans.values()) if isinstance(spans, dict) else [spans]
    found = []
    for group in [obj.get("ents") or [], *groups]:
        if not isinstance(group, list) or not all(isinstance(s, dict) for s in group):
            raise RecordError(line, "'spans', 'ents' and span groups must be lists of "
                                    "{start, end, label}")
        found += group
    return found


def read(source: Source):
    """Records a Prodigy annotator rejected or ignored are skipped."""
    records, encoding = json_lines(source, _parse, WHAT)
    return (r for r in records if r is not None), encoding
