"""Plain text files and JSON lines: the readers the importer falls back to, and
the line streaming that the line-based formats share.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import HanmarkError
from ..textclean import decode
from .records import ArticleRecord, RecordError, Source, label_key

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
HTML_SUFFIXES = (".html", ".htm")  # saved news pages (store/html.py)
DATE_PREFIX_RE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
SENTENCE_END_RE = re.compile(r"(?<=[.!?。])[\"'”’)]*\s")
TITLE_MAX = 80


def derive_title(text: str) -> str:
    """The first line if it is short, else the first sentence, cut to a readable length."""
    first_line = text.split("\n", 1)[0].strip()
    candidate = first_line
    if len(first_line) > TITLE_MAX:
        match = SENTENCE_END_RE.search(first_line)
        candidate = first_line[: match.start()].strip() if match else first_line
    if len(candidate) > TITLE_MAX:
        candidate = candidate[: TITLE_MAX - 1].rstrip() + "…"
    return candidate


def read_text_file(source: Source) -> tuple[Iterator[ArticleRecord], str]:
    """One article per file; a leading ``date YYYY-MM-DD`` becomes the date."""
    decoded = decode(source.read_bytes(), source.where)
    text, date = decoded.text, None
    match = DATE_PREFIX_RE.match(text.lstrip("\ufeff"))
    if match:
        date = match.group(1)
        text = text.lstrip("\ufeff")[match.end():]
    return iter([ArticleRecord(text=text, date=date, line=1)]), decoded.encoding


def _parse_spans(raw: Any, line: int) -> list[tuple[int, int, str]]:
    spans = []
    if not isinstance(raw, list):
        raise RecordError(line, "'spans' must be a list")
    for item in raw:
        if isinstance(item, dict):
            start, end, label = item.get("start"), item.get("end"), item.get("label")
        elif isinstance(item, list | tuple) and len(item) == 3:
            start, end, label = item
        else:
            raise RecordError(line, f"span {item!r} is not {{start, end, label}} or [s, e, L]")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)):
            raise RecordError(line, f"span {item!r} needs integer start/end and a label")
        spans.append((start, end, label))
    return spans


_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE,
              codecs.BOM_UTF16_BE)


def _line_encoding(head: bytes, where: str) -> str:
    """The encoding of a file of lines, from its head, decided line by line:
    CP949 if more of its lines read as Korean in CP949 than read as UTF-8,
    else UTF-8 unless most lines are not, so one bad byte costs its own line
    and not the file (decoding the head whole let a bad byte in it decide for
    every line). Wide BOMs, NUL bytes (UTF-16/32 without a BOM, binary files)
    and mostly undecodable heads go to ``decode``, which refuses the file."""
    cut = head.rfind(b"\n") + 1 or len(head)
    if head.startswith(_WIDE_BOMS) or b"\x00" in head[:cut]:
        return decode(head[:cut], where).encoding
    bom = head.startswith(codecs.BOM_UTF8)
    lines = head[3 * bom:cut].split(b"\n")
    whole = [cut < len(head) or i < len(lines) - 1 for i in range(len(lines))]  # not cut short
    bad = [line for line, final in zip(lines, whole, strict=True)
           if not line.isascii() and not _decodes(line, "utf-8", final)]
    korean = [line for line in bad if _decodes(line, "cp949")]
    utf8 = sum(not line.isascii() for line in lines) - len(bad)
    if len(korean) > utf8:
        try:
            if decode(b"\n".join(korean), where).encoding == "cp949":
                return "cp949"
        except HanmarkError:
            pass
    if len(bad) * 2 > sum(bool(line.strip()) for line in lines):
        return decode(head[:cut], where).encoding
    return "utf-8-sig" if bom else "utf-8"


def _decodes(data: bytes, encoding: str, final: bool = True) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final)
    except UnicodeDecodeError:
        return False
    return True


def stream_lines(source: Source) -> tuple[Iterator[tuple[int, str | RecordError]], str]:
    """Numbered, decoded lines read one at a time, so memory stays flat.

    The encoding is decided on the file's head; a line that does not decode,
    wherever it is, becomes a ``RecordError`` for that line alone.
    """
    head = source.head()
    encoding = _line_encoding(head, source.where)
    if encoding.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        # A newline byte is not a line boundary in UTF-16/32: decode whole.
        text = decode(source.read_bytes(), source.where).text
        return enumerate(text.split("\n"), start=1), encoding

    def lines() -> Iterator[tuple[int, str | RecordError]]:
        with source.open_binary() as handle:
            for number, raw in enumerate(handle, start=1):
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                try:
                    yield number, raw.decode("utf-8" if encoding == "utf-8-sig" else encoding)
                except UnicodeDecodeError:
                    yield number, RecordError(number, f"not valid {encoding} text")

    return lines(), encoding


def _hint(what: str | None) -> str:
    return f"; is this {what}?" if what else ""


def json_lines(source: Source, parse: Callable[[dict, int], ArticleRecord],
               what: str | None = None) -> tuple[Iterator[ArticleRecord | RecordError], str]:
    """Records of a JSON-lines format, one object a line, parsed by ``parse``.

    ``what`` names the format in error messages, as a hint when a file was
    taken for the wrong one.
    """
    numbered, encoding = stream_lines(source)

    def records() -> Iterator[ArticleRecord | RecordError]:
        for number, raw in numbered:
            if isinstance(raw, RecordError):
                yield raw
                continue
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield RecordError(number, f"not valid JSON ({exc.msg} at column {exc.colno})"
                                          + _hint(what))
                continue
            except RecursionError:
                yield RecordError(number, "JSON nested too deeply to read")
                continue
            if not isinstance(obj, dict):
                yield RecordError(number, "each line must be a JSON object" + _hint(what))
                continue
            try:
                yield parse(obj, number)
            except RecordError as exc:
                yield exc

    return records(), encoding


def need_text(obj: dict, line: int, what: str | None = None) -> str:
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise RecordError(line, "missing or empty 'text'" + _hint(what))
    return text


def _parse_plain(obj: dict, line: int) -> ArticleRecord:
    text = need_text(obj, line)
    spans = _parse_spans(obj.get("spans", []), line)
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    if obj.get("id") is not None:
        meta = {**meta, "id": obj["id"]}
    fields = {k: obj.get(k) for k in ("title", "date", "source", "url", "collection")}
    bad = [k for k, v in fields.items() if v is not None and not isinstance(v, str)]
    if bad:
        raise RecordError(line, f"field {bad[0]!r} must be a string")
    return ArticleRecord(text=text, meta=meta, spans=spans, line=line, **fields,
                         label_key=label_key(obj))


def read_jsonl(source: Source) -> tuple[Iterator[ArticleRecord | RecordError], str]:
    """One article per line: ``text`` required; title, date, source, url, id, spans optional."""
    return json_lines(source, _parse_plain)


Reader = Callable[[Source], tuple[Iterator, str]]


def reader_for(name: str) -> Reader:
    """Pick the reader by file name: ``.jsonl``/``.ndjson`` lines, else one text article."""
    return read_jsonl if name.lower().endswith(JSONL_SUFFIXES) else read_text_file
