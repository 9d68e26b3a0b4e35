"""Merging another annotator's database into this one.

Articles match by content hash. Spans and events keep their annotator and
times; a span is the same span when its article, offsets, label, annotator
and creation time agree, and an event when its time, annotator, article,
action and content agree, so merging the same file twice adds nothing.
Pending model suggestions are not merged: models make them again; the forms
rejected everywhere (the negative gazetteer) are, so models do not. Labels
the other database uses but this one lacks are reported, and the spans
carrying them are left out unless ``add_labels`` is given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import HanmarkError
from .labels import checked
from .models import Article, Event, Label
from .names import check_annotator
from .paths import is_database_file
from .store import Store
from .textclean import Changes, clean_article_fields, clean_value


@dataclass
class MergeReport:
    articles: int = 0
    spans: int = 0
    events: int = 0
    rejected_forms: int = 0  # the negative gazetteer's entries (X) brought in
    skipped_spans: int = 0
    missing_labels: list[str] = field(default_factory=list)
    differing_labels: list[str] = field(default_factory=list)
    annotators: set[str] = field(default_factory=set)
    changes: Changes = field(default_factory=Changes)  # titles, notes, ... cleaned

    def summary(self, other: Path) -> str:
        line = (f"Merged {other}: {self.articles} new articles, {self.spans} spans, "
                f"{self.events} events")
        if self.rejected_forms:
            line += (f", {self.rejected_forms} form{'s' * (self.rejected_forms != 1)}"
                     " never to suggest")
        if self.annotators:
            line += f" from {', '.join(sorted(self.annotators))}"
        line += "."
        if self.missing_labels:
            line += (f" Labels missing here: {', '.join(self.missing_labels)}"
                     f" ({self.skipped_spans} spans left out; use --add-labels to bring them).")
        if self.differing_labels:
            line += (" Labels described differently in the two databases (kept ours): "
                     + ", ".join(self.differing_labels) + ".")
        if self.changes.describe():
            line += f" Cleaned: {self.changes.describe()}."
        return line


def _event_key(event: Event) -> tuple:
    """Identity of an event across databases: its content without span ids."""

    def strip(state: dict | None) -> str | None:
        if state is None:
            return None
        return json.dumps({k: v for k, v in state.items() if k != "id"}, sort_keys=True,
                          ensure_ascii=False)

    return (event.time, event.annotator, event.article, event.action, strip(event.before),
            strip(event.after))


def merge_database(store: Store, other_path: str | Path, *, add_labels: bool = False
                   ) -> MergeReport:
    """Bring ``other_path``'s articles, human spans and events into ``store``.

    Each article comes with all its spans and events, in short batches so that
    the app keeps saving labels meanwhile; an interrupted merge is finished by
    merging again (what is already here is matched, never added twice).
    """
    other_path = Path(other_path)
    if is_database_file(other_path, store.path):  # a link or another name for it included
        raise HanmarkError(f"{other_path} is this database ({store.path}) or one of its "
                           "-wal/-shm files; merge another annotator's database into it.")
    other = Store(other_path, readonly=True)
    report = MergeReport()
    try:
        _check_annotators(other)
        ours = {lab.name: lab for lab in store.labels.all()}
        theirs = {lab.name: lab for lab in other.labels.all()}
        report.missing_labels = sorted(set(theirs) - set(ours))
        report.differing_labels = sorted(
            name for name in set(theirs) & set(ours)
            if (theirs[name].description, theirs[name].parent)
            != (ours[name].description, ours[name].parent))
        with store.transaction():
            if add_labels:
                for name in report.missing_labels:
                    lab = theirs[name]
                    key = lab.key if lab.key and not any(
                        o.key == lab.key for o in ours.values()) else None
                    try:
                        store.labels.add(checked(Label(name, lab.description, key, lab.colour,
                                                      0, lab.parent)))
                    except HanmarkError as exc:
                        raise HanmarkError(f"{other_path}: {exc}") from None
        known = store.labels.names()

        def merge_article(article: Article) -> None:
            _, created = store.articles.add(article.text, status=article.status,
                                           **_fields(article, report.changes))
            report.articles += created
            id_map = _merge_spans(store, other, article.uid, known, report)
            _merge_events(store, other, article.uid, id_map, report)

        store.write_in_batches(other.articles.stream(), merge_article)
        report.rejected_forms = store.rejected.add_copies(_rejected_forms(other, known, report))
    finally:
        other.close()
    return report


def _check_annotators(other: Store) -> None:
    """Every annotator name in the other database, by the one rule for names,
    before anything is written: it may come from an older or hostile hanmark."""
    for name in other.stats.annotators():
        check_annotator(name, f" (in {other.path})")


def _rejected_forms(other: Store, known: set[str], report: MergeReport) -> list[dict]:
    """The other database's negative gazetteer, of the labels this one has, cleaned
    as its other fields are."""
    entries = []
    for entry in other.rejected.all():
        check_annotator(entry["annotator"], f" (in {other.path})")
        if entry["label"] in known:
            entries.append({**entry, **clean_value({"form": entry["form"]}, report.changes)})
    return entries


def _fields(article: Article, changes: Changes) -> dict:
    """The article's fields besides its text, cleaned as an import cleans them."""
    fields = clean_article_fields(article, changes)
    return {**fields, "title": fields["title"] or ""}


def _merge_spans(store: Store, other: Store, uid: str, known: set[str],
                 report: MergeReport) -> dict[int, int]:
    """Copy the article's non-pending spans; return their old ids mapped to ids here."""
    existing = {(s.start, s.end, s.label, s.annotator, s.created): s.id
                for s in store.spans.of(uid)}
    id_map: dict[int, int] = {}
    for span in other.spans.of(uid, states=("accepted", "rejected")):
        key = (span.start, span.end, span.label, span.annotator, span.created)
        if key in existing:
            id_map[span.id] = existing[key]
            continue
        if span.label not in known:
            report.skipped_spans += 1
            continue
        span = replace(span, **clean_value({"note": span.note, "model": span.model},
                                           report.changes))
        id_map[span.id] = store.spans.add_copy(span)
        report.spans += 1
        report.annotators.add(span.annotator)
    return id_map


def _merge_events(store: Store, other: Store, uid: str, id_map: dict[int, int],
                  report: MergeReport) -> None:
    """Append the article's events not already here, with span ids and groups renumbered."""
    seen = {_event_key(event) for event in store.journal.of(uid)}
    groups: dict[int, int] = {}
    for event in other.journal.of(uid):
        event = replace(event, before=clean_value(event.before, report.changes),
                        after=clean_value(event.after, report.changes))
        if _event_key(event) in seen:
            continue
        span_id = id_map.get(event.span_id) if event.span_id is not None else None
        if event.span_id is not None and span_id is None:
            continue  # its span was a suggestion or carried a label we do not have
        before, after = (_renumber(x, span_id) for x in (event.before, event.after))
        if event.group not in groups:
            groups[event.group] = store.journal.next_group()
        target = groups.get(event.target) if event.target is not None else None
        store.journal.append(replace(event, group=groups[event.group], span_id=span_id,
                                     before=before, after=after, target=target))
        report.events += 1


def _renumber(state: dict | None, span_id: int | None) -> dict | None:
    if state is None or "id" not in state:
        return state
    return {**state, "id": span_id}
