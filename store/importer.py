"""Importing articles: text files, folders of them, JSON lines, standard input.

Readers turn a source into ``ArticleRecord``s (or ``RecordError``s naming a
line); ``import_sources`` cleans each record and writes it. Each file is one
transaction, so a file either imports (minus its reported bad lines) or
leaves nothing; ``strict`` makes the first error abort everything.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from .articles import article_uid
from .errors import HanmarkError
from .formats.plain import (
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    TEXT_SUFFIXES,
    Reader,
    derive_title,
)
from .formats.records import (
    ArticleRecord,
    LabelSet,
    RecordError,
    Source,
    SpanFrom,
    leads_outside,
)
from .labels import checked
from .models import Article, Label, NewSpan, Span
from .names import check_annotator, check_name
from .paths import is_database_file
from .store import Store
from .textclean import (
    Changes,
    clean,
    clean_article_fields,
    clean_field,
    clean_value,
    clean_with_offsets,
    lone_surrogate,
)


@dataclass
class ImportReport:
    files: int = 0
    imported: int = 0
    duplicates: int = 0
    spans: int = 0
    updated: int = 0  # --update: articles already there whose import labels changed
    added: int = 0
    removed: int = 0
    dropped: int = 0  # spans cleaning left empty: they covered an escape sequence or spaces
    labelled: Counter = field(default_factory=Counter)  # new articles with labels, by key
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # links out of a folder, not followed
    changes: Changes = field(default_factory=Changes)
    encodings: dict[str, int] = field(default_factory=dict)
    update: bool = False

    def summary(self) -> str:
        parts = [f"Imported {self.imported} article{'s' * (self.imported != 1)}"
                 f" from {self.files} file{'s' * (self.files != 1)}"]
        if self.spans:
            parts.append(f"{self.spans} spans")
        if self.update and self.duplicates:
            parts.append(f"{self.duplicates} already there, of which {self.updated} updated "
                         f"({self.added} spans added, {self.removed} removed)")
        elif self.duplicates:
            parts.append(f"{self.duplicates} duplicates skipped")
        if self.dropped:
            parts.append(f"{self.dropped} span{'s' * (self.dropped != 1)} dropped (covering "
                         "only removed control characters or spaces)")
        if self.errors:
            parts.append(f"{len(self.errors)} refused (see above)")
        if self.skipped:
            parts.append(f"{len(self.skipped)} links out of a folder not followed (see above)")
        line = ", ".join(parts) + "."
        described = self.changes.describe()
        if described:
            line += f" Cleaned: {described}."
        other = {k: v for k, v in self.encodings.items() if k not in ("utf-8", "ascii")}
        if other:
            line += " Decoded: " + ", ".join(f"{n} from {k}" for k, n in other.items()) + "."
        return line


def _links_out(folder: Path, files: Iterable[Path], skipped: list[str] | None) -> set[Path]:
    """The files that lead out of ``folder``, each named in ``skipped``."""
    out = {p for p in files if leads_outside(p, folder)}
    if skipped is not None:
        skipped.extend(f"{p}: a link to a file outside {folder}; not followed."
                       for p in sorted(out))
    return out


def expand_paths(paths: Iterable[str], skipped: list[str] | None = None
                 ) -> Iterator[str | Path]:
    """Files as given, folders searched recursively; ``-`` is standard input.
    Links in a folder that lead out of it are left out and named in ``skipped``."""
    for raw in paths:
        if raw == "-":
            yield "-"
            continue
        path = Path(raw)
        if path.is_dir() and any(path.glob("*.ann")):
            _links_out(path, [*path.glob("*.ann"), *path.glob("*.txt")], skipped)
            yield path  # a brat folder is one source (its reader leaves the links out)
        elif path.is_dir():
            suffixes = TEXT_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES
            found = [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes]
            found = sorted(set(found) - _links_out(path, found, skipped))
            if not found:
                raise HanmarkError(f"{path}: folder has no .txt, .md, .jsonl or .html files.")
            yield from found
        elif path.exists():
            yield path
        else:
            raise HanmarkError(f"{path}: no such file or folder.")


def _source(path: str | Path, stdin: BinaryIO | None, database: Path) -> Source:
    """A file is read as a file; stdin, a pipe or a device as one stream, read once."""
    if path == "-":
        return Source("<stdin>", stream=stdin or sys.stdin.buffer)
    path = Path(path)
    if is_database_file(path, database):
        # Reading it with Python would drop this process's SQLite locks on it.
        raise HanmarkError(f"{path} is the database being imported into; nothing to import.")
    if path.is_dir() or path.is_file():
        return Source(str(path), path=path)
    try:
        return Source(str(path), stream=path.open("rb"))
    except OSError as exc:
        raise HanmarkError(f"{path}: cannot be read ({exc.strerror}).") from None


def store_record(store: Store, record: ArticleRecord, *, collection: str, annotator: str,
                 report: ImportReport, labels: set[str], label_map: dict[str, str] | None = None,
                 add_labels: bool = False, update: bool = False) -> None:
    """Clean one record and write it (inside the caller's transaction).

    ``label_map`` renames labels first; ``add_labels`` adds the unknown ones
    to the store instead of refusing the record; ``update`` makes an article
    already there take the record's labels as its annotators' import layers.
    """
    if label_map:
        record.spans = [(s, e, label_map.get(label, label)) for s, e, label in record.spans]
    surrogate = lone_surrogate(vars(record))
    if surrogate:
        raise RecordError(record.line, f"contains \\u{ord(surrogate):04x}, half of a UTF-16 "
                                       "surrogate pair without its other half: not a character")
    offsets = [b for s, e, _ in record.spans for b in (s, e)]
    if any(not (0 <= b <= len(record.text)) for b in offsets) or any(
            s >= e for s, e, _ in record.spans):
        bad = next((s, e) for s, e, _ in record.spans
                   if not (0 <= s < e <= len(record.text)))
        raise RecordError(record.line, f"span {bad[0]}-{bad[1]} is outside the text "
                                       f"(length {len(record.text)}) or empty")
    field_changes = _clean_fields(record)
    if record.native is not None:
        _check_labels(store, record, labels, add_labels)
        _add_native_copy(store, record, collection=collection, annotator=annotator, report=report)
        report.changes.add(field_changes)
        return
    text, changes, moved = clean_with_offsets(record.text, offsets)
    lead = 0
    if not _as_given(record.meta):
        lead = len(text) - len(text.lstrip())
        text = text.strip()
    if not text.strip():
        raise RecordError(record.line, "no text left after cleaning")
    _check_labels(store, record, labels, add_labels)
    uid, created = store.articles.add(
        text, title=record.title or derive_title(text), date=record.date, source=record.source,
        url=record.url, collection=record.collection or collection, meta=record.meta,
        status=record.status or "new")
    report.changes.add(changes)
    report.changes.add(field_changes)
    if not created and not update:
        report.duplicates += 1
        return
    given = record.sources or [SpanFrom()] * len(record.spans)
    spans = [
        NewSpan(max(0, moved[2 * i] - lead), min(len(text), moved[2 * i + 1] - lead), label,
                who.annotator or annotator, origin=who.origin, state=who.state,
                model=who.model, confidence=who.confidence)
        for i, ((_, _, label), who) in enumerate(zip(record.spans, given, strict=True))
    ]
    kept = [s for s in spans if s.start < s.end]
    report.dropped += len(spans) - len(kept)
    if not created:
        _update_layers(store, uid, kept, annotator, report)
        return
    report.imported += 1
    if record.label_key:
        report.labelled[record.label_key] += 1
    if kept:
        store.spans.add(uid, kept, actor=annotator, log=False)
        report.spans += len(kept)


def _update_layers(store: Store, uid: str, spans: list[NewSpan], annotator: str,
                   report: ImportReport) -> None:
    """An article already there: its import layers of ``annotator`` and of every
    annotator the record names become the record's labels; counted apart."""
    layers = {annotator, *(s.annotator for s in spans)}
    added, removed = store.spans.replace_imported(
        uid, [s for s in spans if s.origin == "import"], layers, actor=annotator)
    report.duplicates += 1
    report.updated += bool(added or removed)
    report.added += added
    report.removed += removed


def _clean_fields(record: ArticleRecord) -> Changes:
    """Every string field besides the text cleaned like the text (title and the
    other one-line fields lose line breaks too); a native record's span
    provenance and event log as well, with its annotators checked by the
    one rule for names. Returns what changed, for the report."""
    changes = Changes()
    for name, value in clean_article_fields(record, changes).items():
        setattr(record, name, value)
    if record.sources:  # a prediction's model name
        record.sources = [replace(s, model=clean_value(s.model, changes)) for s in record.sources]
    if record.native is not None:
        _clean_native(record.native, record.line, changes)
    return changes


def _clean_native(info: dict[str, Any], line: int | None, changes: Changes) -> None:
    try:
        for span in info["spans"]:
            check_annotator(span["annotator"])
        for event in info["events"] or ():
            check_annotator(event.annotator)
    except HanmarkError as exc:
        raise RecordError(line, str(exc)) from None
    info["spans"] = [clean_value(span, changes) for span in info["spans"]]
    if info["events"] is not None:
        info["events"] = [replace(e, before=clean_value(e.before, changes),
                                  after=clean_value(e.after, changes)) for e in info["events"]]


def _no_silent_drop(records: Iterable, where: str, report: ImportReport, run: _Run,
                    atomic: bool) -> Iterator:
    """The file's records; after the last, if some came with labels and not one
    span was stored, say so: an all-or-nothing file is refused, any other
    keeps its articles and the error says they came without their labels."""
    labelled, spans = Counter(report.labelled), report.spans
    yield from records
    found = report.labelled - labelled
    if not found or report.spans > spans:
        return
    count = sum(found.values())
    message = (f"{where}: not one of the labels in {count} record{'s' * (count != 1)} "
               f"(under {', '.join(map(repr, found))}) was imported; is --format right?")
    if run.strict:
        raise HanmarkError(message + " (nothing was imported)")
    if atomic and not run.keep_good:
        raise _FileRejected(message)
    report.errors.append(message + " The articles were imported without labels.")


def _check_labels(store: Store, record: ArticleRecord, labels: set[str],
                  add_labels: bool) -> None:
    unknown = sorted({label for _, _, label in record.spans} - labels)
    if unknown and add_labels:
        for name in unknown:
            try:
                check_name(name)
            except HanmarkError as exc:
                raise RecordError(record.line, str(exc)) from None
            store.labels.add(Label(name))
            labels.add(name)
    elif unknown:
        raise RecordError(record.line, f"unknown label {unknown[0]!r}; add it with "
                                       "--add-labels or map it with --label-map OLD=NEW")


def _declare_labels(store: Store, declared: list[Label], labels: set[str]) -> None:
    """Add a file's declared labels that the store lacks (keys only if free),
    checked like labels added by hand (the header is line 1)."""
    keys = {lab.key for lab in store.labels.all() if lab.key}
    for label in declared:
        if label.name not in labels:
            try:
                label = checked(label)
            except HanmarkError as exc:
                raise RecordError(1, str(exc)) from None
            store.labels.add(label if label.key not in keys else
                            Label(label.name, label.description, None, label.colour,
                                  label.order, label.parent))
            labels.add(label.name)
            keys.add(label.key)


def _add_rejected_forms(store: Store, entries: list[dict[str, str]], labels: set[str],
                        changes: Changes) -> None:
    """A backup's forms never to suggest, of labels the store has, with their
    annotators checked by the one rule for names (the header is line 1)."""
    try:
        for entry in entries:
            check_annotator(entry["annotator"])
    except HanmarkError as exc:
        raise RecordError(1, str(exc)) from None
    store.rejected.add_copies([{**entry, "form": clean_value(entry["form"], changes)}
                               for entry in entries if entry["label"] in labels])


def _as_given(meta: dict[str, Any]) -> bool:
    """Sentence items (KLUE, CoNLL) keep their text exactly, spaces at the ends
    too: their character lines are the truth and re-export byte for byte."""
    return meta.get("unit") == "sentence"


def _add_native_copy(store: Store, record: ArticleRecord, *, collection: str, annotator: str,
                    report: ImportReport) -> None:
    """Native hanmark JSONL: the article and its spans exactly as exported."""
    info, text = record.native, record.text
    if clean(text)[0] != text or (text != text.strip() and not _as_given(record.meta)):
        raise RecordError(record.line, "text is not clean NFC as hanmark writes it "
                                       "(edited by hand?); import it as plain JSONL")
    if article_uid(text) != info["uid"]:
        raise RecordError(record.line, "'uid' does not match the text (edited by hand?)")
    article = Article(info["uid"], text, record.title or "", record.date, record.source,
                      record.url, record.collection or collection, info["status"],
                      record.meta, info["cursor"], info["created"], info["updated"])
    spans = [Span(p["id"] or 0, article.uid, s, e, label, p["annotator"], p["origin"], p["state"],
                  p["model"], p["confidence"], p["note"] or "", p["created"] or "",
                  p["updated"] or "")
             for (s, e, label), p in zip(record.spans, info["spans"], strict=True)]
    if not store.articles.add_copy(article, spans, actor=annotator, events=info["events"]):
        report.duplicates += 1
        return
    report.imported += 1
    report.spans += len(spans)


def import_sources(store: Store, paths: Iterable[str], *, collection: str = "default",
                   annotator: str = "import", strict: bool = False,
                   reader: Reader | None = None,
                   stdin: BinaryIO | None = None,
                   progress: Callable[[str], None] | None = None,
                   fmt: str | None = None, label_map: dict[str, str] | None = None,
                   add_labels: bool = False, keep_good: bool = False,
                   update: bool = False) -> ImportReport:
    """Import every source; return what happened. With ``strict``, the first
    error raises and nothing at all is written.

    The format is ``fmt``, else detected per file. A file in an interchange
    format (anything but plain text and JSON lines) with a bad record
    imports nothing unless ``keep_good``. Other files commit in batches, so an
    interruption keeps what was committed (``ImportInterrupted`` says how much,
    counted in the database).
    """
    report = ImportReport(update=update)
    annotator = check_annotator(annotator)
    collection = clean_field(collection)[0] or "default"  # --collection is stored too
    sources = list(expand_paths(paths, report.skipped))
    run = _Run(collection, annotator, strict, reader, stdin, progress, fmt, label_map or {},
               add_labels, keep_good, update)
    before = store.articles.count()
    try:
        if strict:
            with store.transaction():
                _import_all(store, sources, run, report)
        else:
            _import_all(store, sources, run, report)
    except KeyboardInterrupt:
        raise ImportInterrupted(store.articles.count() - before) from None
    return report


class ImportInterrupted(HanmarkError):
    """ctrl+c: the batch in progress rolled back; earlier batches stay."""

    def __init__(self, kept: int):
        super().__init__(
            f"interrupted; the {kept} article{'s' * (kept != 1)} committed before it "
            "stay, the batch in progress was rolled back, and importing the same files "
            "again skips what is already in." if kept else
            "interrupted; nothing was imported (the transaction in progress was rolled back).")
        self.kept = kept


@dataclass
class _Run:
    collection: str
    annotator: str
    strict: bool
    reader: Reader | None
    stdin: BinaryIO | None
    progress: Callable[[str], None] | None
    fmt: str | None
    label_map: dict[str, str]
    add_labels: bool
    keep_good: bool
    update: bool = False


class _FileRejected(Exception):
    """A bad record in an all-or-nothing file: roll the whole file back."""


def _choose_reader(run: _Run, source: Source, path: str | Path, head: bytes
                   ) -> tuple[Reader, bool]:
    if run.reader is not None:
        return run.reader, False
    # Imported here: the format modules build on this module's records.
    from .formats.registry import choose_reader

    name = "stdin.jsonl" if path == "-" and head.lstrip()[:1] == b"{" else str(path)
    return choose_reader(source, name, head, run.fmt)


def _import_all(store: Store, sources: list, run: _Run, report: ImportReport) -> None:
    labels = store.labels.names()
    for path in sources:
        where = "<stdin>" if path == "-" else str(path)
        before = (report.imported, report.duplicates, report.spans, report.dropped,
                  Counter(report.changes.counts), report.updated, report.added, report.removed)
        try:
            source = _source(path, run.stdin, store.path)
            folder = source.path is not None and source.path.is_dir()
            head = b"" if folder else source.head()
            if not folder and not head.strip():
                raise HanmarkError(f"{source.where}: file is empty.")
            read, atomic = _choose_reader(run, source, path, head)
            records, encoding = read(source)
            records = _no_silent_drop(records, source.where, report, run, atomic)
            write = partial(_write_record, store=store, source=source, atomic=atomic, run=run,
                            report=report, labels=labels)
            whole = run.strict or (atomic and not run.keep_good)
            store.write_in_batches(records, write, whole=whole)
            report.encodings[encoding] = report.encodings.get(encoding, 0) + 1
            report.files += 1
        except _FileRejected as exc:
            (report.imported, report.duplicates, report.spans, report.dropped,
             report.changes.counts, report.updated, report.added, report.removed) = before
            labels = store.labels.names()
            report.errors.append(f"{exc} (nothing from this file was imported; "
                                 "--keep-good imports the rest)")
        except HanmarkError as exc:
            if run.strict:
                raise
            report.errors.append(str(exc))
        if run.progress:
            run.progress(where)


def _write_record(record: Any, *, store: Store, source: Source, atomic: bool, run: _Run,
                  report: ImportReport, labels: set[str]) -> None:
    """Write one record; a bad one is reported, or rejects its file or the whole import."""
    try:
        if isinstance(record, RecordError):
            raise record
        if isinstance(record, LabelSet):
            _declare_labels(store, record.labels, labels)
            _add_rejected_forms(store, record.rejected, labels, report.changes)
            return
        store_record(store, record, collection=run.collection, annotator=run.annotator,
                     report=report, labels=labels, label_map=run.label_map,
                     add_labels=run.add_labels, update=run.update)
    except RecordError as exc:
        message = f"{exc.where or source.where}:{exc.line or 1}: {exc.reason}"
        if run.strict:
            raise HanmarkError(message + " (nothing was imported)") from None
        if atomic and not run.keep_good:
            raise _FileRejected(message) from None
        report.errors.append(message)
