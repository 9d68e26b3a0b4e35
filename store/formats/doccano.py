"""doccano JSONL: ``{"id", "text", "label": [[start, end, "LABEL"], ...]}``.

Spans may nest. Keys other than ``text`` and ``label`` (``id``, ``klue_id``,
...) are kept in the article's meta and written back in their order. The
newer ``entities`` form (``start_offset``/``end_offset``) is read too.
"""

from __future__ import annotations

from ..importer import ArticleRecord, RecordError, Source, json_lines, need_text
from .common import ExportDoc, Writer, dumps, need_span

WHAT = "doccano JSONL"


class DoccanoWriter(Writer):
    def write(self, doc: ExportDoc) -> None:
        meta = doc.article.meta
        record = {"id": meta.get("id", doc.article.uid)}
        record.update((k, v) for k, v in meta.items() if k != "id")
        record["text"] = doc.article.text
        record["label"] = [list(t) for t in doc.triples]
        self.out.write(dumps(record) + "\n")


def _parse(obj: dict, line: int) -> ArticleRecord:
    text = need_text(obj, line, WHAT)
    if isinstance(obj.get("label"), list):
        raw = obj["label"]
        spans = [need_span(*item, line) if isinstance(item, list) and len(item) == 3
                 else _bad(item, line) for item in raw]
    elif isinstance(obj.get("entities"), list):
        spans = [need_span(e.get("start_offset"), e.get("end_offset"), e.get("label"), line)
                 if isinstance(e, dict) else _bad(e, line) for e in obj["entities"]]
    else:
        raise RecordError(line, f"no 'label' list; is this {WHAT}?")
    meta = {k: v for k, v in obj.items() if k not in ("text", "label", "entities")}
    return ArticleRecord(text=text, meta=meta, spans=spans, line=line)


def _bad(item: object, line: int):
    raise RecordError(line, f"span {item!r} is not [start, end, \"LABEL\"]")


def read(source: Source):
    return json_lines(source, _parse, WHAT)
