"""Exporting: choose articles and spans, shape them for a format, write
every output file atomically and in one streaming pass (flat memory)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HanmarkError
from ..models import Article
from ..review import GOLD, majority_spans
from ..store import Store
from .common import ExportDoc, Range, Writer, keep_longest_spans, trim_spans
from .output import AtomicOutputs
from .registry import FORMATS
from .tokens import sentence_groups, token_ranges, word_cuts

# Sentences and morpheme edges for a batch of articles (nlp.export_tokens has Kiwi's).
Segmenter = Callable[[list[Article]], list[tuple[list[Range], list[int]]]]
TOKEN_MODES = ("morpheme", "word", "char")
SEPARATORS = {"space": " ", "tab": "\t"}  # --sep: CoNLL's columns
BATCH = 256


@dataclass
class ExportOptions:
    fmt: str
    out: Path
    status: str | None = "done"  # None: every article
    collection: str | None = None
    annotator: str | None = None  # whose accepted spans (native: ignored, all spans go)
    include_suggestions: bool = False
    split: dict[str, float] | None = None
    seed: int = 0
    tokens: str = "morpheme"
    force: bool = False
    merge: str | None = None  # "majority": spans most annotators gave, instead of one's
    sep: str | None = None  # a name in SEPARATORS; None: the format's own


@dataclass
class ExportReport:
    articles: int = 0
    spans: int = 0
    parts: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)
    files: list[Path] = field(default_factory=list)
    unreviewed: int = 0  # gold exports: articles left out because nobody reviewed them

    def summary(self) -> str:
        line = (f"Exported {self.articles} article{'s' * (self.articles != 1)} with "
                f"{self.spans} spans to {', '.join(map(str, self.files))}.")
        if len(self.parts) > 1:
            line += " Split: " + ", ".join(f"{p} {n}" for p, n in self.parts.items()) + "."
        if self.dropped:
            line += (" Spans dropped (overlapping in a flat format, the longest kept; or only"
                     " whitespace in a token format): "
                     + ", ".join(f"{label} {n}" for label, n in sorted(self.dropped.items()))
                     + ".")
        if self.unreviewed:
            line += (f" {self.unreviewed} article{'s' * (self.unreviewed != 1)} nobody reviewed"
                     f" left out (a {GOLD} export holds reviewed articles; --status all"
                     " exports them all).")
        return line


def parse_split(text: str) -> dict[str, float]:
    """``train=0.8,dev=0.1,test=0.1`` as ``{part: share}``; shares must sum to 1."""
    parts: dict[str, float] = {}
    for item in text.split(","):
        name, _, share = item.partition("=")
        name = name.strip()
        try:
            value = float(share)
        except ValueError:
            value = -1.0
        if not re.fullmatch(r"[\w-]+", name) or not 0 < value <= 1 or name in parts:
            raise HanmarkError(f"Bad --split part {item!r}; write e.g. train=0.8,dev=0.1,test=0.1.")
        parts[name] = value
    if abs(sum(parts.values()) - 1) > 1e-6:
        raise HanmarkError(f"The --split shares add up to {sum(parts.values()):g}, not 1.")
    return parts


def part_of(uid: str, seed: int, split: dict[str, float]) -> str:
    """A part chosen by hashing the article with the seed: the same article
    lands in the same part every time, whatever else is exported."""
    digest = hashlib.sha256(f"{seed}:{uid}".encode()).digest()
    point, total = int.from_bytes(digest[:8], "big") / 2**64, 0.0
    for name, share in split.items():
        total += share
        if point < total:
            return name
    return name


def plain_segmenter(articles: list[Article]) -> list[tuple[list[Range], list[int]]]:
    """Without Kiwi: lines are sentences and words are the morphemes."""
    result = []
    for article in articles:
        text, starts = article.text, [0]
        starts.extend(i + 1 for i, c in enumerate(article.text) if c == "\n")
        result.append(([(s, len(text)) for s in starts], word_cuts(text)))
    return result


def export(store: Store, options: ExportOptions, *, segmenter: Segmenter = plain_segmenter,
           progress: Callable[[int], None] | None = None) -> ExportReport:
    """Write the chosen articles in ``options.fmt``; a failure or interruption leaves
    every output as it was, and a failed write is one sentence (``write_failed``)."""
    fmt = FORMATS[options.fmt]
    if fmt.writer is None:
        raise HanmarkError(f"hanmark cannot write {fmt.title}.")
    if options.tokens not in TOKEN_MODES:
        raise HanmarkError(f"--tokens is one of {', '.join(TOKEN_MODES)}.")
    if options.sep is not None and SEPARATORS.get(options.sep) not in fmt.writer.separators:
        raise HanmarkError(f"--sep {options.sep} is not a column separator of {fmt.title}.")
    report = ExportReport()
    with AtomicOutputs(options.force, store.path, where=options.out) as outputs, \
            ExitStack() as handles:
        writers = _open(fmt.writer, options, store, outputs, handles, report)
        for writer in writers.values():
            writer.start()
        for doc in _docs(store, options, fmt.writer, segmenter, report):
            part = part_of(doc.article.uid, options.seed, options.split) if options.split else ""
            writers[part].write(doc)
            report.articles += 1
            report.spans += len(doc.spans)
            report.parts[part] += 1
            if progress:
                progress(1)
        for writer in writers.values():
            writer.finish()
        handles.close()
        outputs.commit()
    return report


def _open(writer: type[Writer], options: ExportOptions, store: Store,
          outputs: AtomicOutputs, handles: ExitStack, report: ExportReport
          ) -> dict[str, Writer]:
    """A writer per part, each on its temporary file (or folder)."""
    labels, rejected = store.labels.all(), store.rejected.all()
    sep = SEPARATORS.get(options.sep or "")
    parts = list(options.split or [""])
    out = options.out
    writers: dict[str, Writer] = {}
    if writer.folder:
        temp = outputs.claim(out, folder=True)
        report.files.append(out)
        for part in parts:
            (temp / part).mkdir(exist_ok=True)
            writers[part] = writer(temp / part, labels, sep, rejected)
        return writers
    for part in parts:
        path = out.with_name(f"{out.stem}.{part}{out.suffix}") if part else out
        handle = handles.enter_context(outputs.claim(path).open(
            "w", encoding="utf-8", newline="\n", buffering=1 << 20))
        report.files.append(path)
        writers[part] = writer(handle, labels, sep, rejected)
    for path, content in writer.side_files(out, labels).items():
        outputs.claim(path).write_text(content, encoding="utf-8")
        report.files.append(path)
    return writers


def _docs(store: Store, options: ExportOptions, writer: type[Writer], segmenter: Segmenter,
          report: ExportReport) -> Iterator[ExportDoc]:
    native = options.fmt == "hanmark"
    batch: list[ExportDoc] = []
    merged = options.merge == "majority"
    reviewed = (store.journal.articles_of(GOLD)
                if options.annotator == GOLD and options.status is not None else None)
    for item in store.articles.annotated(
            status=options.status, collection=options.collection,
            annotator=None if native or merged else options.annotator or "",
            suggestions=options.include_suggestions, events=native):
        if reviewed is not None and item.article.uid not in reviewed:
            report.unreviewed += 1  # a gold layer nobody wrote would export as "no entities"
            continue
        spans = majority_spans(item.spans) if merged else item.spans
        if writer.tokens:
            spans, dropped = trim_spans(item.article.text, spans)
            report.dropped.update(dropped)
        if writer.flat:
            spans, dropped = keep_longest_spans(spans)
            report.dropped.update(dropped)
        batch.append(ExportDoc(item.article, spans, events=item.events))
        if len(batch) == BATCH:
            yield from _shape(batch, writer, options.tokens, segmenter)
            batch = []
    yield from _shape(batch, writer, options.tokens, segmenter)


def _shape(docs: list[ExportDoc], writer: type[Writer], mode: str,
           segmenter: Segmenter) -> list[ExportDoc]:
    """Fill sentences and tokens, asking the segmenter only where needed."""
    if not (writer.tokens or writer.sentences):
        return docs

    def given(doc: ExportDoc) -> bool:
        """Tokens came with the article (CoNLL): morpheme mode keeps them."""
        return mode == "morpheme" and doc.article.meta.get("tokens") == "given"

    def needs(doc: ExportDoc) -> bool:
        return (writer.tokens and mode == "morpheme" and not given(doc)) or (
            writer.sentences and doc.article.meta.get("unit") not in ("sentence", "lines"))

    asked = [doc for doc in docs if needs(doc)]
    found = dict(zip(map(id, asked), segmenter([d.article for d in asked]) if asked else [],
                     strict=True))
    for doc in docs:
        text = doc.article.text
        sentences, morphemes = found.get(id(doc), ([(0, len(text))], []))
        unit = doc.article.meta.get("unit")
        if unit == "sentence":  # an item that came as one sentence (KLUE, CoNLL)
            sentences = [(0, len(text))]
        elif unit == "lines":  # a CoNLL document: its sentences were its lines
            sentences = plain_segmenter([doc.article])[0][0]
        triples = doc.triples
        if writer.sentences:
            doc.sentences = sentence_groups(text, sentences, triples)
        if writer.tokens:
            cuts = (word_cuts(text) if mode == "word" or given(doc) else
                    morphemes if mode == "morpheme" else range(len(text)))
            doc.tokens = token_ranges(text, cuts, triples)
    return docs
