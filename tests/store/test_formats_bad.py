"""Bad input: every problem is ``path:line: reason`` and nothing of a bad
file is imported unless the user keeps the good part."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hanmark.store import HanmarkError, Store
from hanmark.store.formats.registry import detect
from hanmark.store.importer import import_sources

TEXT = "삼성전자가 경주에서 발표했다."
GOOD = json.dumps({"text": TEXT, "label": [[0, 4, "OG"], [6, 8, "LC"]]}, ensure_ascii=False)


def _write(path: Path, *lines: str) -> str:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def _second(text: str) -> str:
    return json.dumps({"text": text, "label": [[0, 2, "PS"]]}, ensure_ascii=False)


def test_wrong_format_names_the_line_and_the_likely_format(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path / "x.tsv", "## s1\t<가:PS>나", "가\tB-PS", "나\tO", "")
    report = import_sources(store, [path], fmt="doccano")
    [error] = report.errors
    assert error.startswith(f"{path}:1: not valid JSON")
    assert "is this doccano JSONL?" in error and "try --format klue" in error
    assert "nothing from this file was imported" in error
    assert store.articles.count() == 0


def test_span_outside_the_text_rejects_the_whole_file(store: Store, tmp_path: Path) -> None:
    bad = json.dumps({"text": "짧다", "label": [[0, 99, "PS"]]}, ensure_ascii=False)
    path = _write(tmp_path / "d.jsonl", GOOD, bad)
    report = import_sources(store, [path])
    assert report.errors[0].startswith(f"{path}:2: span 0-99 is outside the text (length 2)")
    assert (store.articles.count(), report.imported, report.spans) == (0, 0, 0)
    kept = import_sources(store, [path], keep_good=True)
    assert kept.imported == 1 and store.articles.count() == 1


def test_unknown_label_offers_add_or_map(store: Store, tmp_path: Path) -> None:
    line = json.dumps({"text": TEXT, "label": [[0, 4, "ORG"]]}, ensure_ascii=False)
    path = _write(tmp_path / "d.jsonl", line)
    [error] = import_sources(store, [path]).errors
    assert error.startswith(f"{path}:1: unknown label 'ORG'")
    assert "--add-labels" in error and "--label-map" in error
    report = import_sources(store, [path], label_map={"ORG": "OG"})
    assert report.errors == []
    [article] = store.articles.stream()
    assert [(s.label, s.origin, s.annotator) for s in store.spans.of(article.uid)] == [
        ("OG", "import", "import")]


@pytest.mark.parametrize("name, content, line, reason", [
    ("t.jsonl", GOOD + "\n" + _second("둘째 문장") + "\n" + GOOD[:25], 3, "not valid JSON"),
    ("t.tsv", "## s1\t가나\n가\tO\n나\tO\n\n## s2\t다\n다\tO\n", 5, "ends inside this sentence"),
    ("t.tsv", "## s1\t가나\n가\tO\n나\t", 3, "expected 'CHAR<TAB>TAG'"),
    ("t.json", '[{"data": {"text": "가나"}, "annotations": []},\n{"data": {"te', 2,
     "truncated?"),
    ("t.conll", "-DOCSTART- O\n\n가 B-PS\n나 I-", 4, "expected 'TOKEN TAG'"),
])
def test_truncated_files_import_nothing(store: Store, tmp_path: Path, name: str, content: str,
                                        line: int, reason: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [error] = import_sources(store, [str(path)]).errors
    assert error.startswith(f"{path}:{line}: ") and reason in error
    assert store.articles.count() == 0


def test_brat_errors_name_the_ann_file(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.ann").write_text("T1\tOG 0 4\t삼성전자\nT2\tLC 6 8\t부산\n", encoding="utf-8")
    [error] = import_sources(store, [str(folder)]).errors
    assert error.startswith(f"{folder / 'a.ann'}:2: span 6-8 reads '경주'")
    assert store.articles.count() == 0


def test_strict_raises_with_the_line(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path / "d.jsonl", GOOD, '{"text": "가", "label": [[0, 1]]}')
    with pytest.raises(HanmarkError, match=r"d\.jsonl:2: span .* is not \[start, end"):
        import_sources(store, [path], strict=True)
    assert store.articles.count() == 0


def test_hugging_face_files_are_export_only(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path / "h.jsonl", '{"id": "1", "tokens": ["가"], "ner_tags": [0]}')
    [error] = import_sources(store, [path]).errors
    assert error == f"{path}: Hugging Face token classification JSONL is export-only; " \
                    "hanmark cannot import it."


def test_plain_jsonl_keeps_its_line_by_line_behaviour(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path / "p.jsonl", json.dumps({"text": TEXT}, ensure_ascii=False),
                  "not json")
    report = import_sources(store, [path])
    assert report.imported == 1 and report.errors[0].startswith(f"{path}:2: not valid JSON")


@pytest.mark.parametrize("name, head, expected", [
    ("a.jsonl", b'{"hanmark": 1, "labels": []}', "hanmark"),
    ("a.jsonl", b'{"text": "x", "tokens": [], "spans": []}', "spacy"),
    ("a.jsonl", b'{"id": 1, "text": "x", "label": []}', "doccano"),
    ("a.jsonl", b'{"text": "x", "spans": []}', "jsonl"),
    ("a.jsonl", b'{"id": "1", "tokens": ["x"], "ner_tags": [0]}', "hf"),
    ("export.json", b'[{"data": {"text": "x"}}]', "labelstudio"),
    ("klue.tsv", b"## a\n", "klue"),
    ("-", "## 주석\n## s1\t가\n가\tO\n".encode(), "klue"),
    ("-", b"-DOCSTART- O\n\nx O\n", "conll"),
    ("train.iob2", b"x O\n", "conll"),
    ("-", '[{"data": {"text": "가"}}]'.encode(), "labelstudio"),
    ("news.txt", b'{"looks": "like json"}', "text"),
])
def test_detection(name: str, head: bytes, expected: str) -> None:
    assert detect(name, head) == expected
