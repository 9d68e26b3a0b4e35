"""Gold corpora for training and evaluation, read with the import formats'
readers (KLUE-NER TSV, CoNLL, doccano, ...).

Texts are used as the file gives them (not cleaned), so offsets stay
aligned with the gold tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hanmark.store import HanmarkError
from hanmark.store.migrations import KLUE_LABELS
from hanmark.store.span_utils import keep_longest

LABELS = tuple(name for name, *_ in KLUE_LABELS)  # the scores' columns, in this order


@dataclass(frozen=True)
class Example:
    """One gold text (a sentence for KLUE) and its ``(start, end, label)`` entities."""

    id: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


def flat(spans: Iterable[tuple[int, int, str]]) -> tuple[tuple[int, int, str], ...]:
    """Nested spans (KoNNEC) flattened for a tagger: the longest of overlapping ones."""
    return tuple(keep_longest(spans)[0])


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
        yield Example(ident, record.text, flat(record.spans))
    if not seen:
        raise HanmarkError(f"{path} holds no {fmt} records.")
