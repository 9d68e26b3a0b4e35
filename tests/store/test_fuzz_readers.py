"""Every format reader, fed random and mutated files, raises nothing but HanmarkError.

Valid files come from exporting a small database in each format; hypothesis
then truncates them, flips and inserts bytes, or replaces them outright.
Whatever a reader accepts must be consistent: spans inside their text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hanmark.store import HanmarkError, NewSpan, Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.formats.records import ArticleRecord, RecordError, Source
from hanmark.store.formats.registry import FORMATS, IMPORT_FORMATS
from hanmark.store.importer import import_sources

TEXTS = ["엔비디아와 삼성전자가 GPU 26만 장을 확보했다.\n이재명 대통령이 말했다.",
         "경주에서 'APEC' 정상회의가 열렸다 <b>[bold]</b> 🎉"]
SPANS = [[(0, 4, "OG"), (6, 10, "OG"), (29, 32, "PS")], [(0, 2, "LC"), (6, 10, "OG")]]
FILE_FORMATS = [f for f in IMPORT_FORMATS if f not in ("brat", "html", "text")]


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, bytes]:
    """One valid exported file per format."""
    folder = tmp_path_factory.mktemp("samples")
    store = Store(folder / "s.db")
    for text, spans in zip(TEXTS, SPANS, strict=True):
        uid, _ = store.articles.add(text, title="제목")
        store.spans.add(uid, [NewSpan(s, e, lab, "kim") for s, e, lab in spans], actor="kim")
    out = {"jsonl": "\n".join(
        json.dumps({"text": t, "spans": sp}, ensure_ascii=False) for t, sp in zip(TEXTS, SPANS,
                                                                               strict=True)
    ).encode()}
    for fmt in FILE_FORMATS:
        if fmt == "jsonl":
            continue
        path = folder / f"sample.{fmt}"
        export(store, ExportOptions(fmt=fmt, out=path, status=None, annotator="kim"))
        out[fmt] = path.read_bytes()
    store.close()
    return out


def _read_all(fmt: str, source: Source) -> list[ArticleRecord]:
    """Run a reader to the end; RecordErrors are its way of naming a bad line."""
    records, _ = FORMATS[fmt].read(source)
    good = []
    for record in records:
        if isinstance(record, RecordError):
            assert record.reason and isinstance(record.line, int | None)
            continue
        good.append(record)
    return good


def _consistent(records: list[ArticleRecord]) -> None:
    for record in records:
        if not hasattr(record, "text"):
            continue  # the native format also yields its label set
        assert isinstance(record.text, str)
        for start, end, label in record.spans:
            assert isinstance(label, str)
            assert isinstance(start, int) and isinstance(end, int)


def _mutate(data: bytes, how: str, at: int, blob: bytes) -> bytes:
    at = at % (len(data) + 1)
    return {
        "truncate": data[:at],
        "insert": data[:at] + blob + data[at:],
        "flip": data[:at] + bytes(b ^ 0xFF for b in blob[:1]) + data[at + 1:],
        "replace": blob,
        "duplicate": data[:at] + data,
    }[how]


mutations = st.tuples(st.sampled_from(["truncate", "insert", "flip", "replace", "duplicate"]),
                      st.integers(min_value=0, max_value=10_000),
                      st.binary(min_size=1, max_size=64) | st.text(max_size=32).map(str.encode))


@pytest.mark.parametrize("fmt", FILE_FORMATS)
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation=mutations)
def test_mutated_files_give_only_clear_errors(samples, fmt: str, mutation) -> None:
    data = _mutate(samples[fmt], *mutation)
    try:
        _consistent(_read_all(fmt, Source(f"fuzz.{fmt}", data=data)))
    except HanmarkError as exc:
        assert str(exc).strip()


def test_valid_samples_read_back(samples) -> None:
    for fmt in FILE_FORMATS:
        records = _read_all(fmt, Source(f"sample.{fmt}", data=samples[fmt]))
        assert records, fmt


@settings(max_examples=40, deadline=None)
@given(ann=st.text(max_size=200), txt=st.text(max_size=100))
def test_brat_folders_with_random_ann_files(tmp_path_factory, ann: str, txt: str) -> None:
    folder = tmp_path_factory.mktemp("brat")
    (folder / "doc.txt").write_text(txt, encoding="utf-8")
    (folder / "doc.ann").write_text(ann, encoding="utf-8")
    try:
        _consistent(_read_all("brat", Source(str(folder), path=folder)))
    except HanmarkError as exc:
        assert str(exc).strip()
    finally:
        shutil.rmtree(folder)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=400))
def test_random_bytes_as_html_and_text(data: bytes) -> None:
    for fmt in ("html", "text"):
        try:
            _consistent(_read_all(fmt, Source(f"fuzz.{fmt}", data=data)))
        except HanmarkError as exc:
            assert str(exc).strip()


def test_every_import_format_is_fuzzed() -> None:
    assert set(IMPORT_FORMATS) == set(FILE_FORMATS) | {"brat", "html", "text"}


def test_samples_import_whole(tmp_path: Path, samples) -> None:
    """The unmutated samples are what hanmark itself writes: each imports without error."""
    with Store(tmp_path / "in.db") as store:
        for fmt, data in samples.items():
            path = tmp_path / f"sample-{fmt}"
            path.write_bytes(data)
            report = import_sources(store, [str(path)], fmt=fmt)
            assert not report.errors, (fmt, report.errors)
            assert report.imported + report.duplicates > 0, fmt
