"""The hanmark command through click's runner: import, stats, articles, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.tui.cli import main
from tests.conftest import SEED_FILE


@pytest.fixture
def run(db_path: Path):
    runner = CliRunner()

    def invoke(*args: str, input: bytes | str | None = None):
        return runner.invoke(main, [*args, "--db", str(db_path)], input=input)

    return invoke


def test_import_then_stats_json(run) -> None:
    result = run("import", str(SEED_FILE), "--collection", "news")
    assert result.exit_code == 0, result.output
    assert "Imported 1 article from 1 file." in result.output
    stats = json.loads(run("stats", "--json").output)
    assert stats["articles"] == {"total": 1, "by_status": {"new": 1},
                                 "by_collection": {"news": 1}}
    assert stats["spans"] == {"total": 0, "by_label": {}, "by_state": {}, "by_annotator": {},
                              "by_state_and_label": {}, "accepted_by_annotator": {}}


def test_articles_search_json(run, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("전혀 다른 기사입니다.", encoding="utf-8")
    run("import", str(SEED_FILE), str(other))
    result = run("articles", "--search", "비디아", "--json")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["date"] for r in rows] == ["2025-11-01"]
    assert run("articles").output.count("\n") > 3


def test_import_from_stdin(run) -> None:
    result = run("import", "-", input="표준 입력 기사입니다.".encode())
    assert "Imported 1 article" in result.output
    assert "표준 입력" in run("articles").output


def test_bad_paths_are_one_sentence(run, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert result.output.strip() == f"hanmark: {tmp_path / 'missing.txt'}: no such file or folder."


def test_database_in_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--db", str(tmp_path / "no" / "x.db")])
    assert result.exit_code == 1
    assert "the folder" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(main, ["stats", "--db", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"hanmark: {path} is not a hanmark database (not an SQLite file).")
    assert path.read_text(encoding="utf-8") == "hello"


def test_all_files_bad_exits_nonzero(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert "looks like a binary file" in result.output


def test_default_database_gets_the_bundled_corpus(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("HANMARK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["articles"]["by_collection"] == {"seeds": 1}


def test_hanmark_db_environment_variable(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "env.db"
    monkeypatch.setenv("HANMARK_DB", str(path))
    result = CliRunner().invoke(main, ["import", str(SEED_FILE)])
    assert result.exit_code == 0
    assert path.exists()


def test_an_undecodable_argument_is_one_line(tmp_path) -> None:
    db = tmp_path / "x.db"
    bad = b"\xed\xa0\x80".decode("utf-8", "surrogateescape")  # as Python reads such argv
    result = CliRunner().invoke(main, ["labels", "add", bad, "--db", str(db)])
    assert result.exit_code == 1
    assert "is not valid UTF-8 text" in result.output and "Traceback" not in result.output
    assert not db.exists()  # nothing was opened or written
