"""Bytes to clean article text: decoding, NFC, line endings, control characters.

Everything that changes the text is counted, so the importer can tell the
user what it did.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .errors import HanmarkError

# ESC-introduced sequences: OSC (title, clipboard, hyperlinks), CSI (colours,
# cursor moves), and the two-byte forms; plus the 8-bit C1 introducers.
ESCAPE_RE = re.compile(
    r"(?:\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC ... ST
    r"|\x1b[ -/]*[0-~]?"  # other escapes
    r"|\x9b[0-?]*[ -/]*[@-~]?|\x9d[^\x07\x9c]*[\x07\x9c]?)"
)
# C0 and C1 controls except line feed (tabs become spaces separately).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NEEDS_WORK_RE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\r]")


@dataclass
class Decoded:
    text: str
    encoding: str


@dataclass
class Changes:
    """What cleaning did to the text, counted per kind, for the user's report."""

    counts: Counter = field(default_factory=Counter)

    def add(self, other: Changes) -> None:
        self.counts.update(other.counts)

    def describe(self) -> str:
        """The text's changes, then those of the other fields (kept apart with a
        ``FIELD`` prefix, so the user learns that titles or names were changed)."""
        text = {k: n for k, n in self.counts.items() if n and not k.startswith(FIELD)}
        fields = {k[len(FIELD):]: n for k, n in self.counts.items() if n and k.startswith(FIELD)}
        said = _describe(text)
        if fields:
            said += ("; " if said else "") + "in fields besides the text " + _describe(fields)
        return said


FIELD = "field:"
_NAMES = {
    "nfc": "characters composed to NFC",
    "crlf": "CRLF/CR line endings",
    "escapes": "terminal escape sequences removed",
    "controls": "control characters removed",
    "tabs": "tabs made spaces",
    "bom": "byte-order marks removed",
    "newlines": "line breaks made spaces",
}


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {_NAMES[k]}" for k, n in sorted(counts.items()))


def _looks_korean_or_plain(text: str) -> bool:
    """CP949 decodes many byte strings; accept it only when the result reads as Korean."""
    hangul = sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3")
    odd = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\ue000" <= ch <= "\uf8ff")
    return hangul > 0 and hangul >= 3 * odd


def decode(data: bytes, where: str) -> Decoded:
    """Decode a file's bytes: UTF-8 (with or without BOM), UTF-16/32 with BOM,
    CP949/EUC-KR. Raises a ``HanmarkError`` naming ``where`` rather than guess."""
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError as exc:
                raise HanmarkError(
                    f"{where}: starts with a {name} byte-order mark but is not valid {name} "
                    f"(byte {exc.start})."
                ) from None
    if b"\x00" in data[:8192]:
        raise HanmarkError(f"{where}: looks like a binary file, not text.")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp949")
        except UnicodeDecodeError:
            text = None
        if text is not None and _looks_korean_or_plain(text):
            return Decoded(text, "cp949")
        from charset_normalizer import from_bytes

        # BOM-less UTF-16/32 is the one other encoding worth accepting;
        # anything else would be a guess, and a wrong guess garbles Korean.
        best = from_bytes(data).best()
        if best is not None and best.encoding.startswith(("utf_16", "utf_32")):
            return Decoded(str(best), best.encoding)
        line = data[: utf8_error.start].count(b"\n") + 1
        raise HanmarkError(
            f"{where}:{line}: not UTF-8, UTF-16 or CP949/EUC-KR text; "
            "convert it to UTF-8 and import again."
        ) from None


def clean(text: str) -> tuple[str, Changes]:
    """NFC, LF line endings, no control characters or escape sequences.

    Bidirectional and zero-width characters are kept: they are text, and
    the reader shows them as visible marks rather than obeying them.
    """
    changes = Changes()
    if text.startswith("\ufeff"):
        text = text[1:]
        changes.counts["bom"] += 1
    if NEEDS_WORK_RE.search(text):
        n_crlf = text.count("\r")
        if n_crlf:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            changes.counts["crlf"] += n_crlf
        text, n = ESCAPE_RE.subn("", text)
        changes.counts["escapes"] += n
        text, n = CONTROL_RE.subn("", text)
        changes.counts["controls"] += n
        n = text.count("\t")
        if n:
            text = text.replace("\t", " ")
            changes.counts["tabs"] += n
    if not unicodedata.is_normalized("NFC", text):
        normal = unicodedata.normalize("NFC", text)
        changes.counts["nfc"] += len(text) - len(normal) or 1
        text = normal
    return text, changes


def clean_field(value: str, *, one_line: bool = True) -> tuple[str, Changes]:
    """A string field other than the text (title, collection, note, a meta
    value), cleaned like the text; ``one_line`` fields also lose line breaks.
    The changes are counted under ``FIELD`` kinds."""
    cleaned, changes = clean(value)
    if one_line and "\n" in cleaned:
        changes.counts["newlines"] += cleaned.count("\n")
        cleaned = cleaned.replace("\n", " ")
    changes.counts = Counter({FIELD + k: n for k, n in changes.counts.items()})
    return cleaned, changes


ONE_LINE_FIELDS = ("title", "date", "source", "url", "collection")


def clean_fields(fields: dict[str, Any], changes: Changes) -> dict[str, Any]:
    """An article's one-line fields (``ONE_LINE_FIELDS``) cleaned, adding to ``changes``;
    empty ones become None."""
    cleaned = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value, more = clean_field(value)
            changes.add(more)
        cleaned[name] = value or None
    return cleaned


def clean_article_fields(article: Any, changes: Changes) -> dict[str, Any]:
    """An article's fields besides its text (``ONE_LINE_FIELDS`` and ``meta``, read
    from its attributes) cleaned, adding to ``changes``: imports and merges alike."""
    fields = clean_fields({name: getattr(article, name) for name in ONE_LINE_FIELDS}, changes)
    return {**fields, "meta": clean_value(article.meta, changes)}


def clean_value(value: Any, changes: Changes) -> Any:
    """Every string in a JSON-like value (dict keys too) cleaned, adding to ``changes``."""
    if isinstance(value, str):
        if not NEEDS_WORK_RE.search(value) and value.isascii():
            return value
        cleaned, more = clean_field(value, one_line=False)
        changes.add(more)
        return cleaned
    if isinstance(value, dict):
        return {clean_value(k, changes): clean_value(v, changes) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(item, changes) for item in value]
    return value


def clean_with_offsets(text: str, offsets: list[int]) -> tuple[str, Changes, list[int]]:
    """Clean ``text`` and move character ``offsets`` (span boundaries) with it."""
    cleaned, changes = clean(text)
    if cleaned == text:
        return cleaned, changes, list(offsets)
    moved = [len(clean(text[:b])[0]) for b in offsets]
    return cleaned, changes, moved


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def lone_surrogate(value: Any) -> str | None:
    """The first unpaired surrogate in a value's strings: JSON's ``\\ud800``
    escapes decode to one, and so do undecodable bytes in command arguments;
    no UTF-8 text (nor SQLite) can hold it."""
    if isinstance(value, str):
        found = _SURROGATE_RE.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return next((s for s in map(lone_surrogate, value) if s), None)
    return None
