"""hanmark JSONL: the native backup format, lossless.

The first line declares the label set; then one article a line with every
column (status, cursor, times, meta) and every span with its provenance.
The event log is not exported: its span ids and undo groups only mean
something inside the database that wrote them.
"""

from __future__ import annotations

from typing import Any

from ..importer import ArticleRecord, LabelSet, RecordError, Source
from ..models import ORIGINS, STATES, STATUSES, Label
from .common import ExportDoc, Writer, dumps, json_lines, need_span, need_text

VERSION = 1
ARTICLE_FIELDS = ("uid", "text", "title", "date", "source", "url", "collection", "status",
                  "meta", "cursor", "created", "updated")
SPAN_FIELDS = ("start", "end", "label", "annotator", "origin", "state", "model", "confidence",
               "note", "created", "updated")
WHAT = "hanmark JSONL"


class NativeWriter(Writer):
    def start(self) -> None:
        labels = [{"name": lab.name, "description": lab.description, "key": lab.key,
                   "colour": lab.colour, "order": lab.order, "parent": lab.parent}
                  for lab in self.labels]
        self.out.write(dumps({"hanmark": VERSION, "labels": labels}) + "\n")

    def write(self, doc: ExportDoc) -> None:
        record = {name: getattr(doc.article, name) for name in ARTICLE_FIELDS}
        record["spans"] = [dict(zip(SPAN_FIELDS, row[2:], strict=True)) for row in doc.spans]
        self.out.write(dumps(record) + "\n")


def _span(raw: Any, line: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RecordError(line, f"span {raw!r} must be an object")
    need_span(raw.get("start"), raw.get("end"), raw.get("label"), line)
    if raw.get("origin") not in ORIGINS or raw.get("state") not in STATES:
        raise RecordError(line, f"span {raw.get('start')}-{raw.get('end')} has an unknown"
                                " origin or state")
    if not isinstance(raw.get("annotator"), str):
        raise RecordError(line, "every span needs its annotator")
    return {name: raw.get(name) for name in SPAN_FIELDS}


def _record(obj: dict, line: int) -> ArticleRecord:
    if "hanmark" in obj:
        raise RecordError(line, "a second header line")  # labels come from the first only
    text = need_text(obj, line, WHAT)
    if not isinstance(obj.get("uid"), str) or obj.get("status") not in STATUSES:
        raise RecordError(line, f"needs 'uid' and a valid 'status'; is this {WHAT}?")
    spans = obj.get("spans")
    if not isinstance(spans, list):
        raise RecordError(line, f"'spans' must be a list; is this {WHAT}?")
    provenance = [_span(raw, line) for raw in spans]
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    return ArticleRecord(
        text=text, title=obj.get("title"), date=obj.get("date"), source=obj.get("source"),
        url=obj.get("url"), collection=obj.get("collection"), meta=meta,
        spans=[(s["start"], s["end"], s["label"]) for s in provenance], line=line,
        native={"uid": obj["uid"], "status": obj["status"], "cursor": obj.get("cursor") or 0,
                "created": obj.get("created") or "", "updated": obj.get("updated") or "",
                "spans": provenance},
    )


def read(source: Source):
    """Articles restored as exported; the header's labels come first."""
    return json_lines(source, _parse, WHAT)


def _parse(obj: dict, line: int) -> ArticleRecord | LabelSet:
    if line == 1 and "hanmark" in obj:
        labels = obj.get("labels")
        if obj["hanmark"] != VERSION or not isinstance(labels, list):
            raise RecordError(line, f"unsupported {WHAT} header (version {obj['hanmark']!r})")
        return LabelSet([
            Label(lab["name"], lab.get("description") or "", lab.get("key"),
                  lab.get("colour") or "#888888", lab.get("order") or 0, lab.get("parent"))
            for lab in labels if isinstance(lab, dict) and isinstance(lab.get("name"), str)
        ])
    return _record(obj, line)
