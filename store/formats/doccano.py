"""doccano JSONL: ``{"id", "text", "label": [[start, end, "LABEL"], ...]}``.

Spans may nest. Keys other than ``text`` and the labels (``id``, ``klue_id``,
...) are kept in the article's meta and written back in their order. Read
as well: the newer ``entities`` form and the 0.x ``annotations`` form (both
``{"start_offset", "end_offset", "label"}``; 0.x names labels by their
number, which ``--label-map 3=PS`` names), and the ``labels`` key of
doccano 1.4 and before.
"""

from __future__ import annotations

from .common import ExportDoc, Writer, dumps, need_span
from .plain import json_lines, need_text
from .records import ArticleRecord, RecordError, Source, label_key

WHAT = "doccano JSONL"


class DoccanoWriter(Writer):
    def write(self, doc: ExportDoc) -> None:
        meta = doc.article.meta
        record = {"id": meta.get("id", doc.article.uid)}
        record.update((k, v) for k, v in meta.items() if k != "id")
        record["text"] = doc.article.text
        record["label"] = [list(t) for t in doc.triples]
        self.out.write(dumps(record) + "\n")


LISTS = ("label", "labels")  # [[start, end, "LABEL"]]: 1.5 and later, 1.4 and before
OFFSETS = ("entities", "annotations")  # [{start_offset, end_offset, label}]: 1.7, 0.x


def _parse(obj: dict, line: int) -> ArticleRecord:
    text = need_text(obj, line, WHAT)
    key = next((k for k in (*LISTS, *OFFSETS) if isinstance(obj.get(k), list)), None)
    if key is None:
        raise RecordError(line, f"no 'label' list; is this {WHAT}?")
    spans = [_span(item, key in OFFSETS, line) for item in obj[key]]
    meta = {k: v for k, v in obj.items() if k not in ("text", key)}
    return ArticleRecord(text=text, meta=meta, spans=spans, line=line,
                         label_key=label_key(obj, (key,)))


def _span(item: object, offsets: bool, line: int) -> tuple[int, int, str]:
    if offsets and isinstance(item, dict):
        label = item.get("label")
        return need_span(item.get("start_offset"), item.get("end_offset"),
                         str(label) if isinstance(label, int) else label, line)
    if not offsets and isinstance(item, list) and len(item) == 3:
        return need_span(*item, line)
    shape = '{"start_offset", "end_offset", "label"}' if offsets else '[start, end, "LABEL"]'
    raise RecordError(line, f"span {item!r} is not {shape}")


def read(source: Source):
    return json_lines(source, _parse, WHAT)
