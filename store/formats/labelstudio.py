"""Label Studio JSON: one array of tasks, ``annotations[].result[]`` of
``type: "labels"`` regions over ``data.text``.

The file is one JSON document, so reading decodes it whole, but tasks are
parsed one at a time to name the line a bad one starts on. Writing streams.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..importer import ArticleRecord, RecordError, Source
from ..textclean import decode
from .common import ExportDoc, Writer, dumps, need_span

WHAT = "Label Studio JSON"


class LabelStudioWriter(Writer):

    def start(self) -> None:
        self.out.write("[")
        self.count = 0

    def write(self, doc: ExportDoc) -> None:
        text = doc.article.text
        result = [{"id": f"s{i}", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]}}
                  for i, (s, e, label) in enumerate(doc.triples)]
        self.count += 1
        task = {"id": self.count, "data": {"text": text, "meta": doc.article.meta},
                "annotations": [{"result": result}]}
        self.out.write(("\n" if self.count == 1 else ",\n") + dumps(task))

    def finish(self) -> None:
        self.out.write("\n]\n")


def _task(obj: object, line: int) -> ArticleRecord:
    if not isinstance(obj, dict) or not isinstance(obj.get("data"), dict):
        raise RecordError(line, f"a task needs a 'data' object; is this {WHAT}?")
    data = obj["data"]
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise RecordError(line, "task has no 'data.text'")
    spans = []
    for annotation in obj.get("annotations") or []:
        if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
            continue
        for region in annotation.get("result") or []:
            if not isinstance(region, dict) or region.get("type") != "labels":
                continue
            value = region.get("value") or {}
            for label in value.get("labels") or []:
                spans.append(need_span(value.get("start"), value.get("end"), label, line))
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    return ArticleRecord(text=text, meta=meta, spans=spans, line=line)


def read(source: Source):
    decoded = decode(source.read_bytes(), source.where)
    return _tasks(decoded.text), decoded.encoding


def _tasks(text: str) -> Iterator[ArticleRecord | RecordError]:
    decoder = json.JSONDecoder()
    seen, line = 0, 1

    def line_at(pos: int) -> int:  # positions only grow, so count newlines once
        nonlocal seen, line
        line += text.count("\n", seen, pos)
        seen = pos
        return line

    pos = _skip(text, 0)
    if text[pos:pos + 1] != "[":
        yield RecordError(line_at(pos), f"not a JSON array of tasks; is this {WHAT}?")
        return
    pos = _skip(text, pos + 1)
    while text[pos:pos + 1] != "]":
        start_line = line_at(pos)
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield RecordError(exc.lineno, f"not valid JSON ({exc.msg}); truncated?")
            return
        try:
            yield _task(obj, start_line)
        except RecordError as exc:
            yield exc
        pos = _skip(text, pos)
        if text[pos:pos + 1] == ",":
            pos = _skip(text, pos + 1)
        elif text[pos:pos + 1] != "]":
            yield RecordError(line_at(pos), "expected ',' or ']' between tasks; truncated?")
            return


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n\ufeff":
        pos += 1
    return pos
