"""KLUE -> brat -> hanmark -> KLUE keeps every sentence, its id and its bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hanmark.store import Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.importer import import_sources
from tests.conftest import KLUE_FILE, KONNE_FILE


def _export(store: Store, fmt: str, out: Path) -> None:
    export(store, ExportOptions(fmt, out, status=None, annotator="import"))


SLICE = 800  # sentences of the KLUE sample: the whole 4,000 take 8 s here (same result)


def test_klue_through_brat_comes_back_byte_for_byte(tmp_path):
    if not KLUE_FILE.exists():
        pytest.skip(f"{KLUE_FILE} is absent (the shared data sits beside the repository)")
    klue, brat, back = tmp_path / "klue.tsv", tmp_path / "brat", tmp_path / "back.tsv"
    blocks = KLUE_FILE.read_text(encoding="utf-8").split("\n\n")  # the header is in the first
    klue.write_text("\n\n".join(blocks[:SLICE]) + "\n\n", encoding="utf-8", newline="\n")
    with Store(tmp_path / "a.db") as first:
        import_sources(first, [str(klue)])
        _export(first, "brat", brat)
    ids = [line[3:].split("\t")[0] for line in klue.read_text(encoding="utf-8").split("\n")
           if line.startswith("## klue-ner")]
    assert sorted(p.stem for p in brat.glob("*.ann")) == sorted(ids)  # pairs named by id
    with Store(tmp_path / "b.db") as second:
        assert import_sources(second, [str(brat)]).errors == []
        assert second.articles.count() == len(ids) == SLICE
        _export(second, "klue", back)
    assert back.read_bytes() == klue.read_bytes()


def test_pairs_without_a_usable_id_are_named_by_uid_and_a_foreign_folder_reads_as_before(
        tmp_path):
    lines = [{"text": "김철수는 서울에 산다.", "id": "../escape"},
             {"text": "삼성전자는 수원에 있다.", "id": "Same"},
             {"text": "부산은 항구다.", "id": "same"}]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in lines),
                      encoding="utf-8")
    brat = tmp_path / "brat"
    with Store(tmp_path / "a.db") as store:
        import_sources(store, [str(source)])
        uids = {a.meta["id"]: a.uid for a in store.articles.stream()}
        _export(store, "brat", brat)
    assert sorted(p.stem for p in brat.glob("*.txt")) == sorted(
        ["Same", uids["../escape"], uids["same"]])
    with Store(tmp_path / "b.db") as again:
        import_sources(again, [str(brat)])
        assert sorted(a.meta["id"] for a in again.articles.stream()) == ["../escape", "Same",
                                                                      "same"]
    (brat / "hanmark-meta.jsonl").unlink()  # brat from elsewhere: the file name is the id
    with Store(tmp_path / "c.db") as foreign:
        import_sources(foreign, [str(brat)])
        assert "Same" in {a.meta["id"] for a in foreign.articles.stream()}


def test_a_broken_side_file_is_one_sentence_naming_its_line(tmp_path):
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "a.txt").write_text("김철수", encoding="utf-8")
    (brat / "a.ann").write_text("T1\tPS 0 3\t김철수\n", encoding="utf-8")
    (brat / "hanmark-meta.jsonl").write_text('{"file": "a"}\n{"file": 3}\n', encoding="utf-8")
    with Store(tmp_path / "a.db") as store:
        report = import_sources(store, [str(brat)])
    assert len(report.errors) == 1 and "hanmark-meta.jsonl:2:" in report.errors[0]


def test_konnec_through_brat_comes_back_byte_for_byte_nested_spans_and_ids_included(tmp_path):
    if not KONNE_FILE.exists():
        pytest.skip(f"{KONNE_FILE} is absent (the shared data sits beside the repository)")
    brat, back = tmp_path / "brat", tmp_path / "back.jsonl"
    with Store(tmp_path / "a.db") as first:
        import_sources(first, [str(KONNE_FILE)], add_labels=True)
        _export(first, "brat", brat)
    with Store(tmp_path / "b.db") as second:
        assert import_sources(second, [str(brat)], add_labels=True).errors == []
        _export(second, "doccano", back)
    assert back.read_bytes() == KONNE_FILE.read_bytes()
