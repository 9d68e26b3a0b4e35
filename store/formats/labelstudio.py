"""Label Studio JSON: one array of tasks, ``annotations[].result[]`` of
``type: "labels"`` regions over ``data.text``; also its JSON-MIN export, one
object per annotation with ``text`` and region lists
(``[{"start", "end", "text", "labels"}]``).

Each annotator stays a layer of their own (``completed_by``: the email, else
``ls-<id>``); a file with a single annotator gives its labels to the
import's annotator (``--annotator``). Predictions come in as suggestions
with their score and model version. The file is one JSON document, so it is
decoded whole (and scanned twice, to count annotators), but tasks are parsed
one at a time to name the line a bad one starts on. Writing streams.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..errors import HanmarkError
from ..names import check_annotator
from ..textclean import decode
from .common import ExportDoc, Writer, dumps, need_span
from .records import ArticleRecord, RecordError, Source, SpanFrom

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


Region = tuple[int, int, str]
SKIP = ("was_cancelled", "skipped")


def _annotator(who: object) -> str | None:
    """``completed_by`` as a layer name: the email, else ``ls-<id>``."""
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    if isinstance(who, bool) or who is None or who == "":
        return None
    return f"ls-{who}" if isinstance(who, int) else str(who)


def _regions(result: object, line: int) -> list[tuple[Region, dict]]:
    """The spans of one annotation's (or prediction's) result, each with its
    region (a JSON-MIN region is its own value)."""
    regions = []
    for region in result if isinstance(result, list) else ():
        if not isinstance(region, dict) or region.get("type", "labels") != "labels":
            continue
        value = region.get("value", region)
        if not isinstance(value, dict) or not isinstance(value.get("labels"), list):
            continue
        for label in value["labels"]:
            span = need_span(value.get("start"), value.get("end"), label, line)
            regions.append((span, region))
    return regions


def _layers(obj: dict, line: int) -> list[tuple[Region, SpanFrom, str | None]]:
    """A task's spans, each with who gave it and the annotator it came from."""
    out = []
    for annotation in obj.get("annotations") or obj.get("completions") or ():
        if not isinstance(annotation, dict) or any(annotation.get(k) for k in SKIP):
            continue
        who = _annotator(annotation.get("completed_by"))
        out += [(r, SpanFrom(), who) for r, _ in _regions(annotation.get("result"), line)]
    for prediction in obj.get("predictions") or ():
        if not isinstance(prediction, dict):
            continue
        model = str(prediction.get("model_version") or "labelstudio")
        for region, raw in _regions(prediction.get("result"), line):
            score = raw.get("score", prediction.get("score"))
            confidence = float(score) if isinstance(score, int | float) else None
            out.append((region, SpanFrom(state="suggested", origin="suggestion", model=model,
                                         confidence=confidence), None))
    return out


def _min_layers(obj: dict, line: int) -> list[tuple[Region, SpanFrom, str | None]]:
    """A JSON-MIN record's spans: every list of label regions, by its annotator."""
    who = _annotator(obj.get("annotator"))
    return [(r, SpanFrom(), who) for key, value in obj.items() if key != "text"
            for r, _ in _regions(value, line)]


def _is_min(obj: object) -> bool:
    return isinstance(obj, dict) and "data" not in obj and isinstance(obj.get("text"), str)


def _record(obj: object, line: int, single: bool, layers) -> ArticleRecord:
    """One article from a task (or from the JSON-MIN records of one task)."""
    if isinstance(obj, dict) and (_is_min(obj) or isinstance(obj.get("data"), dict)):
        data = obj if _is_min(obj) else obj["data"]  # JSON-MIN: the task's data, flattened
        text = data.get("text")
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    else:
        raise RecordError(line, f"a task needs a 'data' object; is this {WHAT}?")
    if not isinstance(text, str) or not text.strip():
        raise RecordError(line, "task has no 'data.text'")
    sources = []
    for _, given, who in layers:
        name = None if single or who is None else who
        try:
            sources.append(SpanFrom(check_annotator(name), given.state, given.origin,
                                    given.model, given.confidence) if name else given)
        except HanmarkError as exc:
            raise RecordError(line, f"annotator {exc}") from None
    return ArticleRecord(text=text, meta=meta, spans=[r for r, _, _ in layers], line=line,
                         sources=sources, label_key=_label_key(obj, line),
                         status="done" if _submitted(obj) else None)


def _submitted(obj: dict) -> bool:
    """A task an annotator submitted (the article is done, as in hanmark)."""
    if _is_min(obj):
        return obj.get("annotator") is not None
    return any(isinstance(a, dict) and not any(a.get(k) for k in SKIP)
               for a in obj.get("annotations") or obj.get("completions") or ())


def _label_key(obj: dict, line: int) -> str | None:
    """Where a task carries labels, read or not (a text-classification project's
    choices are labels hanmark cannot hold; the importer says so)."""
    if _is_min(obj):
        return next((k for k, v in obj.items() if k != "text" and _regions(v, line)), None)
    return next((k for k in ("annotations", "completions", "predictions")
                 if any(isinstance(a, dict) and a.get("result") for a in obj.get(k) or ())),
                None)


def read(source: Source):
    decoded = decode(source.read_bytes(), source.where)
    return _records(decoded.text), decoded.encoding


def _records(text: str) -> Iterator[ArticleRecord | RecordError]:
    """Tasks (JSON-MIN records grouped by task) once the annotators are known."""
    items: list[tuple[object, int, list]] = []
    by_task: dict[tuple, int] = {}
    for item in _items(text):
        if isinstance(item, RecordError):
            yield item
            return
        obj, line = item
        try:
            layers = _min_layers(obj, line) if _is_min(obj) else (
                _layers(obj, line) if isinstance(obj, dict) else [])
        except RecordError as exc:
            yield exc
            continue
        task = (obj.get("id"), obj["text"]) if _is_min(obj) else None
        if task in by_task:
            items[by_task[task]][2].extend(layers)
            continue
        if task is not None:
            by_task[task] = len(items)
        items.append((obj, line, layers))
    names = {who for _, _, layers in items for _, given, who in layers
             if given.state == "accepted"}
    for obj, line, layers in items:
        try:
            yield _record(obj, line, len(names) <= 1, layers)
        except RecordError as exc:
            yield exc


def _items(text: str) -> Iterator[tuple[object, int] | RecordError]:
    """The array's items with the line each starts on."""
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
        except RecursionError:
            yield RecordError(start_line, "JSON nested too deeply to read")
            return
        yield obj, start_line
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
