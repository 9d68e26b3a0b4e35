"""hanmark JSONL: the native backup format, lossless.

The first line declares the label set, the span fields and the forms never
to suggest (the negative gazetteer ``X`` fills); then one article
a line with every column (status, cursor, times, meta) and every span with
its provenance and every event of its log, as arrays in the declared field
order (a file of a million spans stays compact and fast to write).
Each article carries its event log too (who changed what, undo groups,
each annotator's status); importing renumbers span ids and event groups so
undo and agreement work in the copy.
"""

from __future__ import annotations

import dataclasses
import operator
from datetime import datetime
from typing import Any

from ..models import ORIGINS, STATES, STATUSES, Event, Label
from .common import ExportDoc, Writer, dumps, need_span
from .plain import json_lines, need_text
from .records import ArticleRecord, LabelSet, RecordError, Source

VERSION = 1
ARTICLE_FIELDS = ("uid", "text", "title", "date", "source", "url", "collection", "status",
                  "meta", "cursor", "created", "updated")
SPAN_FIELDS = ("id", "start", "end", "label", "annotator", "origin", "state", "model", "confidence",
               "note", "created", "updated")
EVENT_FIELDS = ("time", "annotator", "group", "action", "span_id", "before", "after", "target")
WHAT = "hanmark JSONL"
_span_fields = operator.attrgetter(*SPAN_FIELDS)


class NativeWriter(Writer):
    def start(self) -> None:
        labels = [dataclasses.asdict(lab) for lab in self.labels]
        header = {"hanmark": VERSION, "span_fields": SPAN_FIELDS, "event_fields": EVENT_FIELDS,
                  "labels": labels}
        if self.rejected:  # forms never to suggest (X): older files have none
            header["rejected_forms"] = self.rejected
        self.out.write(dumps(header) + "\n")

    def write(self, doc: ExportDoc) -> None:
        record = dict(vars(doc.article))  # the Article's fields are ARTICLE_FIELDS, in order
        record["spans"] = [_span_fields(s) for s in doc.spans]
        record["events"] = [(e.time, e.annotator, e.group, e.action, e.span_id, e.before,
                             e.after, e.target) for e in doc.events]  # EVENT_FIELDS
        self.out.write(dumps(record) + "\n")


def _time(value: Any, what: str, line: int) -> str:
    """An ISO 8601 time as hanmark writes it, or "" for none: statistics and the
    app compute with these, and a stored ``not-a-time`` crashed them."""
    if value in (None, ""):
        return ""
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise RecordError(line, f"{what} {value!r} is not an ISO 8601 time") from None
    return value


def _number(value: Any, kinds: type | tuple[type, ...], what: str, line: int) -> Any:
    """``value`` if it is None or one of ``kinds`` (never a bool, which JSON keeps apart)."""
    if value is None or (isinstance(value, kinds) and not isinstance(value, bool)):
        return value
    raise RecordError(line, f"{what} {value!r} is not "
                            + ("an integer" if kinds is int else "a number"))


def _span(raw: Any, fields: tuple[str, ...], line: int) -> dict[str, Any]:
    if isinstance(raw, list) and len(raw) == len(fields):
        raw = dict(zip(fields, raw, strict=True))
    if not isinstance(raw, dict):
        raise RecordError(line, f"span {raw!r} must be an array of {', '.join(fields)}")
    need_span(raw.get("start"), raw.get("end"), raw.get("label"), line)
    if raw.get("origin") not in ORIGINS or raw.get("state") not in STATES:
        raise RecordError(line, f"span {raw.get('start')}-{raw.get('end')} has an unknown"
                                " origin or state")
    if not isinstance(raw.get("annotator"), str):
        raise RecordError(line, "every span needs its annotator")
    if not all(isinstance(raw.get(k), str | None) for k in ("model", "note")):
        raise RecordError(line, "a span's model and note must be text")
    span = {name: raw.get(name) for name in SPAN_FIELDS}
    span["id"] = _number(span["id"], int, "span id", line)
    span["confidence"] = _number(span["confidence"], int | float, "span confidence", line)
    for key in ("created", "updated"):
        span[key] = _time(span[key], f"span time '{key}'", line)
    return span


def _events(raw: Any, uid: str, fields: tuple[str, ...], line: int) -> list[Event] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise RecordError(line, "'events' must be a list")
    events = []
    for item in raw:
        event = dict(zip(fields, item, strict=True)) if isinstance(item, list) and len(
            item) == len(fields) else item
        if not (isinstance(event, dict) and isinstance(event.get("group"), int)
                and isinstance(event.get("action"), str)):
            raise RecordError(line, f"event {item!r} must be an array of {', '.join(fields)}")
        if not all(isinstance(event.get(k), dict | None) for k in ("before", "after")):
            raise RecordError(line, "an event's before and after must be objects")
        events.append(Event(0, _time(event.get("time"), "event time", line),
                            event.get("annotator") or "", uid, event["group"], event["action"],
                            _number(event.get("span_id"), int, "event span id", line),
                            event.get("before"), event.get("after"),
                            _number(event.get("target"), int, "event target", line)))
    return events


def _rejected_forms(raw: Any) -> list[dict[str, str]]:
    """The header's negative gazetteer: ``{form, label, annotator, created}`` each."""
    if not isinstance(raw, list) or not all(
            isinstance(entry, dict) and all(isinstance(entry.get(key), str) for key in
                                            ("form", "label", "annotator", "created"))
            for entry in raw):
        raise RecordError(1, "'rejected_forms' must be a list of {form, label, annotator, "
                             "created} with text values")
    return [{"form": e["form"], "label": e["label"], "annotator": e["annotator"],
             "created": _time(e["created"], "a rejected form's 'created'", 1)} for e in raw]


def _record(obj: dict, line: int, fields: dict[str, tuple[str, ...]]) -> ArticleRecord:
    if "hanmark" in obj:
        raise RecordError(line, "a second header line")  # labels come from the first only
    text = need_text(obj, line, WHAT)
    if not isinstance(obj.get("uid"), str) or obj.get("status") not in STATUSES:
        raise RecordError(line, f"needs 'uid' and a valid 'status'; is this {WHAT}?")
    spans = obj.get("spans")
    if not isinstance(spans, list):
        raise RecordError(line, f"'spans' must be a list; is this {WHAT}?")
    provenance = [_span(raw, fields["span"], line) for raw in spans]
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    cursor = _number(obj.get("cursor"), int, "'cursor'", line) or 0
    if not 0 <= cursor <= len(text):
        raise RecordError(line, f"'cursor' {cursor} is outside the text (length {len(text)})")
    return ArticleRecord(
        text=text, title=obj.get("title"), date=obj.get("date"), source=obj.get("source"),
        url=obj.get("url"), collection=obj.get("collection"), meta=meta,
        spans=[(s["start"], s["end"], s["label"]) for s in provenance], line=line,
        native={"uid": obj["uid"], "status": obj["status"], "cursor": cursor,
                "created": _time(obj.get("created"), "'created'", line),
                "updated": _time(obj.get("updated"), "'updated'", line),
                "spans": provenance,
                "events": _events(obj.get("events"), obj["uid"], fields["event"], line)},
    )


def read(source: Source):
    """Articles copied in as exported; the header's labels come first."""
    fields = {"span": SPAN_FIELDS, "event": EVENT_FIELDS}

    def parse(obj: dict, line: int) -> ArticleRecord | LabelSet:
        if line == 1 and "hanmark" in obj:
            labels = obj.get("labels")
            if obj["hanmark"] != VERSION or not isinstance(labels, list):
                raise RecordError(line, f"unsupported {WHAT} header (version {obj['hanmark']!r})")
            for kind in fields:
                fields[kind] = tuple(obj.get(f"{kind}_fields") or fields[kind])
            known = {f.name for f in dataclasses.fields(Label)}
            return LabelSet([Label(**{k: v for k, v in lab.items() if k in known})
                             for lab in labels
                             if isinstance(lab, dict) and isinstance(lab.get("name"), str)],
                            _rejected_forms(obj.get("rejected_forms", [])))
        return _record(obj, line, fields)

    return json_lines(source, parse, WHAT)
