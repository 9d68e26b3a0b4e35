"""The real samples: KLUE-NER TSV and KoNNEC doccano JSONL survive import
and export byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hanmark.store import Label, Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.importer import import_sources
from tests.conftest import KLUE_FILE, KONNE_FILE


def _needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data sits beside the repository)")


def test_klue_sample_reexports_byte_for_byte(store: Store, tmp_path: Path) -> None:
    _needs(KLUE_FILE)
    report = import_sources(store, [str(KLUE_FILE)])
    assert report.errors == [] and report.imported == 4000
    out = tmp_path / "klue.tsv"
    export(store, ExportOptions("klue", out, status=None, annotator="import"))
    original, written = KLUE_FILE.read_bytes(), out.read_bytes()
    char_lines = [line for line in original.split(b"\n") if line and not line.startswith(b"## ")]
    assert len(char_lines) > 100_000
    assert written == original


def test_klue_quirks_come_from_the_character_lines(store: Store) -> None:
    _needs(KLUE_FILE)
    import_sources(store, [str(KLUE_FILE)])
    texts = [a.text for a in store.articles.stream()]
    assert sum(("<" in t or ">" in t) for t in texts) >= 10  # markup would be ambiguous
    assert any("\u1100" <= c <= "\u11ff" for t in texts for c in t)  # conjoining jamo kept
    first = next(store.articles.stream())
    assert first.meta == {"id": "klue-ner-v1_dev_00000-wikitree", "unit": "sentence"}
    assert [(s.start, s.end, s.label) for s in store.spans.of(first.uid)][:2] == [
        (0, 2, "OG"), (21, 22, "PS")]


def test_konne_sample_keeps_every_nested_span(store: Store, tmp_path: Path) -> None:
    _needs(KONNE_FILE)
    rows = [json.loads(line) for line in KONNE_FILE.read_text(encoding="utf-8").splitlines()]
    for name in sorted({label for row in rows for _, _, label in row["label"]}):
        store.labels.add(Label(name))
    report = import_sources(store, [str(KONNE_FILE)])
    assert report.errors == [] and report.spans == sum(len(r["label"]) for r in rows)
    out = tmp_path / "konne.jsonl"
    export(store, ExportOptions("doccano", out, status=None, annotator="import"))
    again = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert again == rows
    assert out.read_bytes() == KONNE_FILE.read_bytes()
    nested = sum(1 for r in rows for a in r["label"] for b in r["label"]
                 if a != b and a[0] <= b[0] and b[1] <= a[1])
    assert nested > 0


def test_konne_unknown_labels_are_refused_then_added(store: Store) -> None:
    _needs(KONNE_FILE)
    refused = import_sources(store, [str(KONNE_FILE)])
    assert refused.imported == 0 and store.articles.count() == 0
    assert refused.errors[0].startswith(f"{KONNE_FILE}:1: unknown label")
    added = import_sources(store, [str(KONNE_FILE)], add_labels=True)
    assert added.imported == 200 and added.errors == []
    assert len(store.labels.names()) > 6
