"""``hanmark export`` and the format options of ``hanmark import``, through click."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.store import NewSpan, Store
from hanmark.tui.cli import main
from tests.conftest import KLUE_FILE

TEXTS = [f"{name}는 {i}일 서울에서 만났다." for i, name in enumerate(
    ["김철수", "이영희", "박민수", "최지우", "정우성", "한지민", "윤아", "강동원", "송강호",
     "전도연", "유재석", "신민아"])]


@pytest.fixture
def run(db_path: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [*args, "--db", str(db_path)])

    return invoke


@pytest.fixture
def filled(store: Store) -> Store:
    """Twelve articles, nine done; kim labeled each, a model suggested more."""
    for i, text in enumerate(TEXTS):
        uid, _ = store.articles.add(text, status="done" if i < 9 else "in_progress")
        name = len(text.split("는")[0])
        store.spans.add(uid, [NewSpan(0, name, "PS", "kim"),
                              NewSpan(0, name + 1, "OG", "kim"),  # overlaps the PS span
                              NewSpan(name + 2, name + 4, "DT", "crf", origin="suggestion",
                                      state="suggested", model="crf")], actor="kim")
    return store


def test_export_done_articles_of_one_annotator(run, filled, tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    result = run("export", "--format", "doccano", "--out", str(out), "--annotator", "kim")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 9
    assert {label for r in rows for _, _, label in r["label"]} == {"PS", "OG"}
    assert "Exported 9 articles with 18 spans" in result.output


def test_suggestions_only_when_asked(run, filled, tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    run("export", "--format", "doccano", "--out", str(out), "--annotator", "kim",
        "--include-suggestions", "--status", "all")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 12 and all(len(r["label"]) == 3 for r in rows)


def test_flat_format_reports_dropped_spans_per_label(run, filled, tmp_path: Path) -> None:
    out = tmp_path / "k.tsv"
    result = run("export", "--format", "klue", "--out", str(out), "--annotator", "kim")
    assert result.exit_code == 0, result.output
    assert "the longest kept" in result.output and "PS 9." in result.output
    assert out.read_text(encoding="utf-8").count("B-OG") == 9


def test_split_is_deterministic_and_complete(run, filled, tmp_path: Path) -> None:
    def parts(folder: Path, seed: str) -> dict[str, list[str]]:
        folder.mkdir()
        out = folder / "data.jsonl"
        result = run("export", "--format", "doccano", "--out", str(out), "--annotator", "kim",
                     "--status", "all", "--split", "train=0.5,dev=0.25,test=0.25",
                     "--seed", seed)
        assert result.exit_code == 0, result.output
        return {p: [json.loads(line)["text"] for line in
                    (folder / f"data.{p}.jsonl").read_text(encoding="utf-8").splitlines()]
                for p in ("train", "dev", "test")}

    first, again, other = (parts(tmp_path / n, s) for n, s in
                           (("a", "7"), ("b", "7"), ("c", "8")))
    assert first == again and first != other
    assert sorted(t for texts in first.values() for t in texts) == sorted(TEXTS)


def test_existing_output_needs_force_and_failures_leave_nothing(run, filled, tmp_path: Path,
                                                                  monkeypatch) -> None:
    out = tmp_path / "d.jsonl"
    out.write_text("keep me", encoding="utf-8")
    result = run("export", "--format", "doccano", "--out", str(out), "--annotator", "kim")
    assert result.exit_code == 1 and "exists; use --force" in result.output
    assert out.read_text(encoding="utf-8") == "keep me"

    from hanmark.store.formats.doccano import DoccanoWriter

    def broken(self, doc):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(DoccanoWriter, "write", broken)
    result = run("export", "--format", "doccano", "--out", str(out), "--annotator", "kim",
                 "--force")
    assert result.exit_code == 1 and "Input/output error; nothing was changed" in result.output
    assert out.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir() if "d.jsonl" in p.name) == ["d.jsonl"]
    monkeypatch.undo()
    assert run("export", "--format", "doccano", "--out", str(out), "--annotator", "kim",
               "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").count("\n") == 9


def test_hf_export_writes_the_label_list(run, filled, tmp_path: Path) -> None:
    out = tmp_path / "hf.jsonl"
    result = run("export", "--format", "hf", "--out", str(out), "--annotator", "kim",
                 "--tokens", "word")
    assert result.exit_code == 0, result.output
    names = json.loads((tmp_path / "hf.labels.json").read_text(encoding="utf-8"))
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["tokens"][:3] == ["김철수는", "0일", "서울에서"]
    assert [names[i] for i in first["ner_tags"][:2]] == ["B-OG", "O"]


def test_import_detects_format_and_maps_labels(run, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": 3, "text": "삼성전자가 발표했다.",
                                "label": [[0, 4, "ORG"], [0, 2, "X-NEW"]]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    refused = run("import", str(path))
    assert refused.exit_code == 1 and f"{path}:1: unknown label" in refused.output
    result = run("import", str(path), "--label-map", "ORG=OG", "--add-labels")
    assert result.exit_code == 0, result.output
    assert "Imported 1 article from 1 file, 2 spans." in result.output
    bad = run("import", str(path), "--label-map", "ORG")
    assert bad.exit_code == 2 and "OLD=NEW" in bad.output


def test_import_named_format_that_does_not_fit(run, tmp_path: Path) -> None:
    path = tmp_path / "x.conll"
    path.write_text("-DOCSTART- O\n\n삼성 B-OG\n전자 I-OG\n\n", encoding="utf-8")
    result = run("import", str(path), "--format", "klue")
    assert result.exit_code == 1
    assert f"{path}:1: expected 'CHAR<TAB>TAG'" in result.output
    assert "--format conll" in result.output
    assert run("import", str(path)).exit_code == 0


def test_klue_through_the_cli(run, tmp_path: Path) -> None:
    if not KLUE_FILE.exists():
        pytest.skip(f"{KLUE_FILE} is absent (the shared data sits beside the repository)")
    assert run("import", str(KLUE_FILE)).exit_code == 0
    out = tmp_path / "klue.tsv"
    result = run("export", "--format", "klue", "--out", str(out), "--status", "all",
                 "--annotator", "import")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == KLUE_FILE.read_bytes()
