"""Every format's round trip on the real samples: export, import the file into a
new database, export again, and the two files (folders, for brat) are the same
bytes. CoNLL uses its default Kiwi morpheme tokens: tokens read from a CoNLL
file are kept as given, so the second export does not re-tokenise the text
the first one joined with spaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from hanmark.nlp.export_tokens import kiwi_segmenter
from hanmark.store import Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.importer import import_sources
from tests.conftest import KLUE_FILE, KONNE_FILE

FORMATS = ["hanmark", "klue", "conll", "brat", "doccano", "spacy", "labelstudio"]
NESTED = {"hanmark", "brat", "doccano", "labelstudio"}  # formats that hold overlapping spans
KLUE_ITEMS = 400  # of the 4,000: every quirk the tests below need, in seconds


def _sample(tmp_path: Path, name: str) -> Path:
    """The sample file: the first KLUE items, or all of KoNNEC."""
    source = KLUE_FILE if name == "klue" else KONNE_FILE
    if not source.exists():
        pytest.skip(f"{source} is absent (the shared data sits beside the repository)")
    if name == "konne":
        return source
    blocks = source.read_text(encoding="utf-8").split("\n\n")[:KLUE_ITEMS]
    path = tmp_path / "klue.tsv"
    path.write_text("\n\n".join(blocks) + "\n\n", encoding="utf-8")
    return path


def _contents(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {str(f.relative_to(path)): f.read_bytes() for f in sorted(path.rglob("*"))}


def _spans(store: Store) -> list[tuple[str, int, int, str]]:
    return sorted((a.text, s.start, s.end, s.label) for a in store.articles.stream()
                  for s in store.spans.of(a.uid))


def _export(store: Store, fmt: str, out: Path) -> dict[str, bytes]:
    export(store, ExportOptions(fmt, out, status=None, annotator="import"),
           segmenter=kiwi_segmenter(store))
    return _contents(out)


@pytest.mark.parametrize("sample", ["klue", "konne"])
def test_every_format_comes_back_the_same(tmp_path: Path, sample: str) -> None:
    path = _sample(tmp_path, sample)
    with Store(tmp_path / "source.db") as source:
        report = import_sources(source, [str(path)], add_labels=True)
        assert report.errors == []
        original = _spans(source)
        for fmt in FORMATS:
            first = _export(source, fmt, tmp_path / f"{fmt}.a")
            with Store(tmp_path / f"{fmt}.db") as copy:
                copy_report = import_sources(copy, [str(tmp_path / f"{fmt}.a")], fmt=fmt,
                                             add_labels=True)
                assert copy_report.errors == [], fmt
                if not (fmt == "klue" and sample == "konne"):  # KLUE holds sentences:
                    assert copy_report.imported == report.imported, fmt  # 200 -> 263 items
                assert _export(copy, fmt, tmp_path / f"{fmt}.b") == first, fmt
                if fmt in NESTED:
                    assert _spans(copy) == original, fmt
