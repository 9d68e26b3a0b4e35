"""Gold corpora for training and evaluation: KLUE-NER character-level IOB2 TSV.

A small reader of our own (streaming, one sentence at a time), so that
training does not depend on the import formats. The per-character lines are
the truth; the ``## id<TAB>markup`` header only gives the sentence id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from store import HanmarkError

LABELS = ("PS", "LC", "OG", "DT", "TI", "QT")
FORMATS = ("klue",)


@dataclass(frozen=True)
class Example:
    """One gold sentence: its text and ``(start, end, label)`` entities."""

    id: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


def tags_to_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB2 tags to spans; an ``I-X`` that does not continue an ``X`` starts one
    (as seqeval's default mode reads it)."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        if label and (prefix != "I" or kind != label):
            spans.append((start, i, label))
            label = ""
        if prefix == "B" or (prefix == "I" and kind != label):
            start, label = i, kind
    return spans


def spans_to_tags(length: int, spans: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * length
    for start, end, label in spans:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


def read_klue(path: str | Path) -> Iterator[Example]:
    """Stream a KLUE-NER TSV file; a file in another format stops with one sentence."""
    path = Path(path)
    if not path.is_file():
        raise HanmarkError(f"{path} does not exist or is not a file.")
    sid, chars, tags = "", [], []
    seen = 0
    with path.open(encoding="utf-8-sig", errors="strict") as handle:
        try:
            for number, line in enumerate(handle, 1):
                line = line.rstrip("\n").rstrip("\r")
                if line.startswith("## "):
                    sid = line[3:].split("\t", 1)[0]
                    continue
                if not line:
                    if chars:
                        seen += 1
                        yield _example(sid or str(seen), chars, tags)
                        sid, chars, tags = "", [], []
                    continue
                char, sep, tag = line.rpartition("\t")
                if not sep or len(char) != 1 or not _valid_tag(tag):
                    raise HanmarkError(
                        f"{path}:{number}: not KLUE-NER (expected CHAR<TAB>IOB2-TAG); "
                        "is this the right file and --format?")
                chars.append(char)
                tags.append(tag)
        except UnicodeDecodeError:
            raise HanmarkError(f"{path} is not UTF-8 text; KLUE-NER files are UTF-8.") from None
    if chars:
        seen += 1
        yield _example(sid or str(seen), chars, tags)
    if not seen:
        raise HanmarkError(f"{path} holds no KLUE-NER sentences.")


def _valid_tag(tag: str) -> bool:
    return tag == "O" or (tag[:2] in ("B-", "I-") and len(tag) > 2)


def _example(sid: str, chars: list[str], tags: list[str]) -> Example:
    """Characters are kept as they are (conjoining jamo included), one per tag,
    so that offsets stay aligned with the gold tags."""
    return Example(sid, "".join(chars), tuple(tags_to_spans(tags)))


def read_gold(path: str | Path, fmt: str) -> Iterator[Example]:
    if fmt not in FORMATS:
        raise HanmarkError(f"Unknown gold format {fmt!r}; use one of {', '.join(FORMATS)}.")
    return read_klue(path)
