"""brat standoff: a folder of ``NAME.txt`` / ``NAME.ann`` pairs, one per
article, text-bound annotations as ``T1\tLABEL start end\ttext``.

A span across a line break is written as brat's fragments
(``start end;start end``); reading joins fragments back into one span.
Relations, events and attributes are not entities and are skipped.

brat keeps no metadata, so hanmark names each pair by the article's id (a
KLUE sentence id, a doccano id) when that is a safe file name, else by its
uid, and writes ``hanmark-meta.jsonl`` beside the pairs: one line per pair,
in export order, with the article's title, date, source, url and meta
(``unit: sentence`` keeps a KLUE item one sentence). brat ignores the file;
reading, hanmark restores what it says and keeps its order.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import HanmarkError
from ..textclean import decode
from .common import ExportDoc, Writer
from .plain import derive_title
from .records import ArticleRecord, RecordError, Source, leads_outside

WHAT = "brat standoff"
SIDE_FILE = "hanmark-meta.jsonl"
SIDE_FIELDS = ("title", "date", "source", "url")
SAFE_NAME_RE = re.compile(r"\w[\w.\-]{0,119}")
T_LINE_RE = re.compile(r"T\d+\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span's pieces between line breaks, as brat wants them."""
    pieces, cursor = [], start
    for i in range(start, end + 1):
        if i == end or text[i] == "\n":
            if cursor < i:
                pieces.append((cursor, i))
            cursor = i + 1
    return pieces


class BratWriter(Writer):
    folder = True

    def start(self) -> None:
        self._names: set[str] = set()
        self._side = (self.out / SIDE_FILE).open("w", encoding="utf-8", newline="\n")

    def finish(self) -> None:
        self._side.close()

    def _name(self, doc: ExportDoc) -> str:
        """The article's id if it is a file name no other pair took (case apart), else its uid."""
        name = doc.ident
        if not SAFE_NAME_RE.fullmatch(name) or name.casefold() in self._names:
            name = doc.article.uid
        self._names.add(name.casefold())
        return name

    def write(self, doc: ExportDoc) -> None:
        text = doc.article.text
        lines = []
        for n, (start, end, label) in enumerate(doc.triples, start=1):
            pieces = fragments(text, start, end)
            where = ";".join(f"{s} {e}" for s, e in pieces)
            lines.append(f"T{n}\t{label} {where}\t{' '.join(text[s:e] for s, e in pieces)}\n")
        name = self._name(doc)
        article = doc.article
        fields = {k: getattr(article, k) for k in SIDE_FIELDS if getattr(article, k)}
        if fields.get("title") == derive_title(article.text):
            del fields["title"]  # the importer derives it again
        self._side.write(json.dumps({"file": name, **fields, "meta": article.meta},
                                    ensure_ascii=False) + "\n")
        (self.out / f"{name}.txt").write_text(text, encoding="utf-8", newline="\n")
        (self.out / f"{name}.ann").write_text("".join(lines), encoding="utf-8", newline="\n")


def _readings(data: bytes, where: str) -> list[str]:
    """The .txt as brat counts it (the file as it is: CRLF is two characters, a
    UTF-8 BOM one), then as tools that drop the BOM or translate CRLF count it
    (a folder checked out by git on Windows gets CRLF under offsets counted on LF)."""
    text = decode(data, where).text
    bom = "\ufeff" if data.startswith(codecs.BOM_UTF8) else ""
    lf = text.replace("\r\n", "\n")
    found = [bom + text, text, bom + lf, lf]
    return [t for i, t in enumerate(found) if t not in found[:i]]


def _annotations(ann: Path) -> list[tuple[int, str, list[int], str]]:
    """The text-bound lines: line number, label, fragment bounds, surface text."""
    found = []
    for number, raw in enumerate(decode(ann.read_bytes(), str(ann)).text.split("\n"), 1):
        if not raw.strip() or raw[0] in "REAMN#*":  # relations, events, attributes, notes
            continue
        match = T_LINE_RE.fullmatch(raw.rstrip("\r"))
        if match is None:
            raise RecordError(number, f"not a brat annotation line; is this {WHAT}?",
                              where=str(ann))
        label, where, surface = match.groups()
        found.append((number, label, [int(b) for piece in where.split(";")
                                      for b in piece.split()], surface))
    return found


def _spans(text: str, found: list, txt: Path) -> list[tuple[int, int, str]]:
    """The spans, each checked against the surface text the .ann gives for it."""
    spans = []
    for number, label, bounds, surface in found:
        start, end = min(bounds), max(bounds)
        if not 0 <= start < end <= len(text):
            raise RecordError(number, f"span {start}-{end} is outside the text "
                                      f"(length {len(text)}) or empty")
        pieces = [text[s:e] for s, e in zip(bounds[::2], bounds[1::2], strict=True)]
        if " ".join(pieces) != surface:
            raise RecordError(number, f"span {start}-{end} reads {' '.join(pieces)!r} in "
                                      f"{txt.name}, not {surface!r}")
        spans.append((start, end, label))
    return spans


def _side(folder: Path) -> dict[str, dict]:
    """What ``hanmark-meta.jsonl`` says of each pair, in its order (none: a brat
    folder from elsewhere)."""
    path = folder / SIDE_FILE
    if not path.is_file() or leads_outside(path, folder):
        return {}
    found = {}
    for number, raw in enumerate(decode(path.read_bytes(), str(path)).text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            obj = None
        ok = (isinstance(obj, dict) and isinstance(obj.get("file"), str)
              and isinstance(obj.get("meta", {}), dict)
              and all(isinstance(obj.get(k, ""), str) for k in SIDE_FIELDS))
        if not ok:
            raise RecordError(number, 'expected {"file": NAME, "meta": {...}} with string '
                                      f"{', '.join(SIDE_FIELDS)}", where=str(path))
        found[obj["file"]] = obj
    return found


def _pair(ann: Path, side: dict | None = None) -> ArticleRecord:
    """One article: the first reading of the .txt under which every span reads
    its surface text; the importer then cleans it (CRLF -> LF) and moves the offsets."""
    txt = ann.with_suffix(".txt")
    if not txt.exists():
        raise RecordError(1, f"no {txt.name} beside it", where=str(ann))
    found, refused = _annotations(ann), []
    for text in _readings(txt.read_bytes(), str(txt)):
        try:
            return ArticleRecord(text=text, spans=_spans(text, found, txt), line=1,
                                 **_fields(ann.stem, side))
        except RecordError as exc:
            refused.append(exc)
    raise refused[0]  # as brat counts: the file as it is


def _fields(name: str, side: dict | None) -> dict:
    """The record's fields: what the side file says, else the file name as its id."""
    if side is None:
        return {"meta": {"id": name}}
    return {"meta": side.get("meta", {}), **{k: side.get(k) for k in SIDE_FIELDS}}


def read(source: Source):
    folder = source.path
    if folder is None or not folder.is_dir():
        raise HanmarkError(f"{source.where}: {WHAT} is a folder of .txt/.ann pairs.")

    def records() -> Iterator[ArticleRecord | RecordError]:
        try:
            side = _side(folder)
        except RecordError as exc:
            yield exc
            return
        anns = set(folder.glob("*.ann"))
        listed = [folder / f"{name}.ann" for name in side if folder / f"{name}.ann" in anns]
        for ann in [*listed, *sorted(anns - set(listed))]:
            if leads_outside(ann, folder) or leads_outside(ann.with_suffix(".txt"), folder):
                continue  # named in the report by expand_paths
            try:
                yield _pair(ann, side.get(ann.stem))
            except RecordError as exc:
                exc.where = exc.where or str(ann)
                yield exc

    return records(), "utf-8"
