"""doccano's older shapes and spaCy's ``Doc.to_json()`` lines come in with all
their spans, and a file whose labels would all be lost is refused out loud."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import spacy
from spacy.tokens import Doc, Span

from hanmark.store import Store
from hanmark.store.importer import import_sources

HANMARK = str(Path(sys.executable).with_name("hanmark"))
# Korean without MeCab: spaCy's rule tokenizer (whitespace and punctuation).
NLP = spacy.blank("ko", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}})


def _lines(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def _spans(store: Store) -> dict[str, set[tuple[int, int, str]]]:
    return {a.text: {(s.start, s.end, s.label) for s in store.spans.of(a.uid)}
            for a in store.articles.stream()}


def _docs() -> list[Doc]:
    """Two spaCy docs: entities, and a span group whose spans nest."""
    first = NLP("삼성전자 는 서울 에서 신제품 을 발표했다")
    first.ents = [Span(first, 0, 1, "OG"), Span(first, 2, 3, "LC")]
    first.spans["sc"] = [Span(first, 0, 1, "OG"), Span(first, 4, 6, "TI")]
    second = NLP("이순신 장군 은 한산도 에서 이겼다")
    second.ents = [Span(second, 0, 1, "PS")]
    second.spans["sc"] = [Span(second, 0, 2, "PS"), Span(second, 3, 4, "LC")]
    return [first, second]


def test_spacy_doc_json_lines_import_ents_and_span_groups(store: Store,
                                                          tmp_path: Path) -> None:
    docs = _docs()
    path = _lines(tmp_path / "docs.jsonl", [doc.to_json() for doc in docs])
    report = import_sources(store, [str(path)])  # detected, no --format
    assert report.errors == []
    expected = {doc.text: {(s.start_char, s.end_char, s.label_)
                           for s in [*doc.ents, *doc.spans["sc"]]} for doc in docs}
    assert _spans(store) == expected
    assert report.spans == sum(map(len, expected.values())) == 6  # OG in ents and sc: one


def test_doccano_labels_and_annotations_shapes(store: Store, tmp_path: Path) -> None:
    """doccano <= 1.4 exported ``labels``; 0.x exported ``annotations`` with
    label ids (the file names no labels, so --label-map names them)."""
    path = _lines(tmp_path / "old.jsonl", [
        {"id": 1, "text": "이순신은 한산도에서 이겼다", "meta": {}, "annotation_approver": None,
         "labels": [[0, 3, "PS"], [5, 8, "LC"]]},
        {"id": 15, "text": "세종은 한양에 있었다", "meta": {},
         "annotations": [{"label": 7, "start_offset": 0, "end_offset": 2, "user": 1},
                         {"label": 8, "start_offset": 4, "end_offset": 6, "user": 1}]},
    ])
    report = import_sources(store, [str(path)], label_map={"7": "PS", "8": "LC"})
    assert report.errors == [] and report.spans == 4
    assert _spans(store) == {"이순신은 한산도에서 이겼다": {(0, 3, "PS"), (5, 8, "LC")},
                             "세종은 한양에 있었다": {(0, 2, "PS"), (4, 6, "LC")}}


def test_dropping_every_label_is_said_and_fails(db_path: Path, tmp_path: Path) -> None:
    """Plain JSON lines do not read doccano's labels: the command says so for
    the file and exits non-zero."""
    path = _lines(tmp_path / "doccano.jsonl", [
        {"text": "이순신은 한산도에서 이겼다", "label": [[0, 3, "PS"]]},
        {"text": "세종은 한양에 있었다", "label": [[0, 2, "PS"]]}])
    done = subprocess.run([HANMARK, "import", str(path), "--format", "jsonl", "--db",
                           str(db_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert (f"{path}: not one of the labels in 2 records (under 'label') was imported"
            in done.stderr)
    assert "imported without labels" in done.stderr
    detected = subprocess.run([HANMARK, "import", str(path), "--add-labels", "--db",
                               str(tmp_path / "other.db")], capture_output=True, text=True,
                              timeout=120)
    assert detected.returncode == 0, detected.stderr
    assert "2 spans" in detected.stdout


def test_unlabelled_records_are_not_a_loss(store: Store, tmp_path: Path) -> None:
    path = _lines(tmp_path / "empty.jsonl", [{"text": "라벨 없는 글", "label": []}])
    report = import_sources(store, [str(path)])
    assert report.errors == [] and report.imported == 1
