"""What import readers produce: records, the sources they read, and their errors.

Every format module builds on these and nothing else of the importer, so the
importer can choose among the formats without an import circle.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import HanmarkError
from ..models import Label


@dataclass
class ArticleRecord:
    """One article as a reader found it, before cleaning. Spans are
    ``(start, end, label)`` in offsets of ``text`` as given."""

    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    collection: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    line: int | None = None
    # Native hanmark JSONL only: uid, status, cursor, times and span provenance,
    # copied exactly instead of cleaned and stamped anew.
    native: dict[str, Any] | None = None
    # Per span, where a format says who gave it (Label Studio's annotators and predictions).
    sources: list[SpanFrom] | None = None
    status: str | None = None  # "done" where the format says the labeling was finished
    # The key the source record carried labels under (non-empty), read or not:
    # a file whose labelled records import no span at all is reported.
    label_key: str | None = None


@dataclass(frozen=True)
class SpanFrom:
    """Who gave one imported span; ``annotator`` None means the import's own."""

    annotator: str | None = None
    state: str = "accepted"
    origin: str = "import"
    model: str | None = None
    confidence: float | None = None


# Keys that hold labels in some format hanmark reads (plain JSON lines read only "spans").
LABEL_KEYS = ("spans", "label", "labels", "entities", "ents", "annotations", "predictions",
              "ner_tags")


def label_key(obj: dict, keys: Iterable[str] = LABEL_KEYS) -> str | None:
    """The first of ``keys`` under which ``obj`` carries something non-empty."""
    return next((k for k in keys if obj.get(k) not in (None, [], {}, "")), None)


@dataclass
class LabelSet:
    """Labels a file declares (the native header): added when missing; with the
    forms never to suggest (the negative gazetteer) it keeps."""

    labels: list[Label]
    rejected: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Source:
    """Where records come from: a file (streamed), a stream read once (stdin, a pipe),
    or bytes already in memory.

    A stream cannot be read twice, so the head that format sniffing reads is
    kept and handed back before the rest: nothing is lost and memory stays flat.
    """

    where: str
    path: Path | None = None
    data: bytes | None = None
    stream: BinaryIO | None = None
    _head: bytes | None = field(default=None, repr=False)

    def read_bytes(self) -> bytes:
        with self.open_binary() as handle:
            return handle.read()

    def open_binary(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.stream is not None:
            head = self.head()
            self._head = b""  # handed back once, with the rest of the stream after it
            return io.BufferedReader(_HeadThenRest(head, self.stream))
        try:
            return self.path.open("rb")
        except PermissionError:
            raise HanmarkError(f"{self.where}: cannot be read (permission denied).") from None
        except OSError as exc:
            raise HanmarkError(f"{self.where}: cannot be read ({exc.strerror}).") from None

    def head(self, size: int = 65536) -> bytes:
        if self.stream is not None:
            if self._head is None:
                self._head = self.stream.read(size)
            return self._head
        with self.open_binary() as handle:
            return handle.read(size)


class _HeadThenRest(io.RawIOBase):
    """The bytes already read from a stream, then the stream itself."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        chunk = self._rest.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


class RecordError(HanmarkError):
    """One bad record; ``line`` says where, the message says why."""

    def __init__(self, line: int | None, reason: str, where: str | None = None):
        super().__init__(reason)
        self.line = line
        self.reason = reason
        self.where = where  # a file inside a folder source (brat's .ann)


def leads_outside(path: Path, folder: Path) -> bool:
    """Whether ``path``, found in ``folder``, is a link to a file elsewhere: a
    folder import reads what is in the folder, not ``innocent.txt -> ../secret.txt``."""
    try:
        return not path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return True
