"""Gold corpora for training and evaluation, read with the import formats'
readers (KLUE-NER TSV, CoNLL, doccano, ...), plus IOB2 helpers.

Texts are used as the file gives them (not cleaned), so offsets stay
aligned with the gold tags.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hanmark.store import HanmarkError

LABELS = ("PS", "LC", "OG", "DT", "TI", "QT")


@dataclass(frozen=True)
class Example:
    """One gold text (a sentence for KLUE) and its ``(start, end, label)`` entities."""

    id: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


def tags_to_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB2 or BIOES tags to spans; an ``I-X`` or ``E-X`` that does not continue
    an ``X`` starts one (as seqeval's default mode reads IOB2)."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        if label and (prefix not in "IE" or kind != label):
            spans.append((start, i, label))
            label = ""
        if prefix in "BS" or (prefix in "IE" and kind != label):
            start, label = i, kind
        if prefix in "ES":
            spans.append((start, i + 1, label))
            label = ""
    return spans


def spans_to_tags(length: int, spans: list[tuple[int, int, str]],
                  scheme: str = "iob2") -> list[str]:
    """Character tags for spans: IOB2, or BIOES (which also marks a span's last
    character, E-, and one-character spans, S-: the CRF learns ends separately)."""
    tags = ["O"] * length
    bioes = scheme == "bioes"
    for start, end, label in spans:
        tags[start] = f"S-{label}" if bioes and end - start == 1 else f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
        if bioes and end - start > 1:
            tags[end - 1] = f"E-{label}"
    return tags


def flat(spans: list[tuple[int, int, str]]) -> tuple[tuple[int, int, str], ...]:
    """Nested spans (KoNNEC) flattened for a tagger: the longest of overlapping ones."""
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(span[1] <= s or span[0] >= e for s, e, _ in kept):
            kept.append(span)
    return tuple(sorted(kept))


def gold_formats() -> list[str]:
    from hanmark.store.formats.registry import FORMATS

    return [name for name, f in FORMATS.items() if f.read is not None and name != "text"]


def read_gold(path: str | Path, fmt: str = "klue") -> Iterator[Example]:
    """Stream labeled texts from a gold file; a wrong file or format is one sentence."""
    from hanmark.store.formats.records import RecordError, Source
    from hanmark.store.formats.registry import FORMATS

    if fmt not in gold_formats():
        raise HanmarkError(f"Unknown gold format {fmt!r}; use one of {', '.join(gold_formats())}.")
    path = Path(path)
    if not path.is_file():
        raise HanmarkError(f"{path} does not exist or is not a file.")
    records, _encoding = FORMATS[fmt].read(Source(str(path), path))
    seen = 0
    for n, record in enumerate(records, 1):
        if isinstance(record, RecordError):
            where = f"{path}:{record.line}" if record.line else str(path)
            raise HanmarkError(f"{where}: {record.reason} (read as --format {fmt})")
        seen += 1
        ident = str(record.meta.get("id", n)) if record.meta else str(n)
        yield Example(ident, record.text, flat(list(record.spans)))
    if not seen:
        raise HanmarkError(f"{path} holds no {fmt} records.")
