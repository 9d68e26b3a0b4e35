"""brat folders whose .txt files have CRLF line endings (Windows, git's autocrlf)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from hanmark.store import Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.importer import import_sources

LINES = ["첫 줄에 서울", "부산의 김철수", "", "셋째 줄 삼성전자"]
WANTED = [("서울\n부산", "LC"), ("김철수", "PS"), ("삼성전자", "OG")]


def _folder(tmp_path: Path, *, bom: bool, counted_on_lf: bool) -> Path:
    """A real brat folder: CRLF .txt and .ann; offsets counted on the file as it
    is (brat's way: CR and BOM are characters) or on LF text (a checkout made CRLF)."""
    folder = tmp_path / "brat"
    folder.mkdir()
    crlf = "\r\n".join(LINES) + "\r\n"
    counted = ("\ufeff" * bom) + ("\n".join(LINES) + "\n" if counted_on_lf else crlf)
    seoul, busan = counted.index("서울"), counted.index("부산")
    lines = [f"T1\tLC {seoul} {seoul + 2};{busan} {busan + 2}\t서울 부산"]
    for n, (surface, label) in enumerate(WANTED[1:], start=2):
        at = counted.index(surface)
        lines.append(f"T{n}\t{label} {at} {at + len(surface)}\t{surface}")
    (folder / "doc.txt").write_bytes(codecs.BOM_UTF8 * bom + crlf.encode())
    (folder / "doc.ann").write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return folder


def _surfaces(store: Store) -> list[tuple[str, str]]:
    article = next(store.articles.stream())
    assert "\r" not in article.text
    return [(article.text[s.start:s.end], s.label) for s in store.spans.of(article.uid)]


@pytest.mark.parametrize(("bom", "counted_on_lf"), [(False, False), (True, False),
                                                    (False, True), (True, True)])
def test_crlf_brat_folder_imports_every_span_on_the_right_characters(tmp_path, bom,
                                                                   counted_on_lf):
    folder = _folder(tmp_path, bom=bom, counted_on_lf=counted_on_lf)
    with Store(tmp_path / "a.db") as store:
        report = import_sources(store, [str(folder)], fmt="brat")
        assert report.errors == []
        assert _surfaces(store) == WANTED
        assert report.changes.counts["crlf"] == 4 * (not counted_on_lf)


def test_crlf_brat_folder_exports_and_reimports_the_same_spans(tmp_path):
    folder = _folder(tmp_path, bom=False, counted_on_lf=False)
    out = tmp_path / "out"
    with Store(tmp_path / "a.db") as store:
        import_sources(store, [str(folder)], fmt="brat")
        export(store, ExportOptions("brat", out, status=None, annotator="import"))
    with Store(tmp_path / "b.db") as again:
        assert import_sources(again, [str(out)], fmt="brat").errors == []
        assert _surfaces(again) == WANTED


def test_offsets_that_fit_no_reading_are_refused_naming_the_line(tmp_path):
    folder = _folder(tmp_path, bom=False, counted_on_lf=False)
    ann = folder / "doc.ann"
    ann.write_bytes(ann.read_bytes().replace(b"PS ", b"PS 1", 1))
    with Store(tmp_path / "a.db") as store:
        report = import_sources(store, [str(folder)], fmt="brat")
    assert len(report.errors) == 1 and "doc.ann:2:" in report.errors[0]
