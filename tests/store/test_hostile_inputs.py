"""Inputs that used to end in a traceback, a hang or a misleading count: each is
now one sentence naming the file (and line), and the rest of the input imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.store import Store
from hanmark.store.html import MAX_PAGE_MB
from hanmark.tui.cli import main
from tests.conftest import REPO

DEEP = "[" * 100_000
HANMARK = "import sys; from hanmark.tui.cli import main; sys.argv[0] = 'hanmark'; main()"


def hanmark(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", HANMARK, *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def run(*args: str):
    """The command's result; anything but a clean exit (a traceback) fails the test."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def article_line(i: int) -> bytes:
    return json.dumps({"text": f"삼성전자가 {i}번째 발표를 했다."}, ensure_ascii=False).encode()


def count(db: Path) -> int:
    with Store(db) as store:
        return store.articles.count()


def test_deeply_nested_json_is_one_sentence(tmp_path: Path, db_path: Path) -> None:
    lines = tmp_path / "deep.jsonl"
    lines.write_bytes(article_line(1) + b"\n" + DEEP.encode() + b"\n" + article_line(3) + b"\n")
    tasks = tmp_path / "deep.json"
    tasks.write_text(DEEP, encoding="utf-8")
    result = run("import", str(lines), "--db", str(db_path))
    assert f"{lines}:2: JSON nested too deeply to read" in result.output
    assert "Imported 2 articles" in result.output
    result = run("import", str(tasks), "--db", str(db_path))
    assert f"{tasks}:1: JSON nested too deeply to read" in result.output
    result = run("labels", "import", str(tasks), "--db", str(db_path))
    assert result.exit_code == 1 and "is not a doccano label configuration" in result.output


@pytest.mark.parametrize("bad_line", [6, 1901])
def test_an_undecodable_byte_costs_its_line_wherever_it_is(tmp_path: Path, db_path: Path,
                                                           bad_line: int) -> None:
    path = tmp_path / "news.jsonl"
    path.write_bytes(b"".join(
        (article_line(i)[:-2] + b"\xff" + article_line(i)[-2:] if i == bad_line
         else article_line(i)) + b"\n" for i in range(1, 2001)))
    result = run("import", str(path), "--db", str(db_path))
    assert f"{path}:{bad_line}: not valid utf-8 text" in result.output
    assert "Imported 1999 articles" in result.output
    assert count(db_path) == 1999


def test_a_bad_line_in_a_cp949_file_costs_that_line(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "euckr.jsonl"
    path.write_bytes(b"".join(
        (b'{"text": "\xff\xfe"}' if i == 3 else article_line(i).decode().encode("cp949"))
        + b"\n" for i in range(1, 21)))
    result = run("import", str(path), "--db", str(db_path))
    assert f"{path}:3: not valid cp949 text" in result.output
    assert "Imported 19 articles" in result.output and "1 from cp949" in result.output


def test_spans_left_empty_by_cleaning_are_counted(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "escapes.jsonl"
    path.write_text(json.dumps({"text": "\x1b[31m  삼성전자가 발표했다.",
                                "spans": [[0, 5, "OG"], [5, 7, "OG"], [7, 11, "OG"]]}) + "\n",
                    encoding="utf-8")
    result = run("import", str(path), "--db", str(db_path), "--add-labels")
    assert "1 spans, 2 spans dropped (covering only removed control characters or spaces)" \
        in result.output


def test_an_html_page_over_the_cap_is_refused_in_one_sentence(tmp_path: Path,
                                                              db_path: Path) -> None:
    page = tmp_path / "huge.html"
    paragraph = "<p>" + "삼성전자가 새 반도체 공장을 짓는다고 밝혔다. " * 20 + "</p>\n"
    with page.open("w", encoding="utf-8") as handle:
        handle.write("<!doctype html><html><body>\n")
        handle.write(paragraph * (MAX_PAGE_MB * 1024 * 1024 // len(paragraph.encode()) + 10))
    result = hanmark("import", str(page), "--db", str(db_path))
    assert f"{page}: larger than {MAX_PAGE_MB} MB, which no saved news page is" in result.stderr
    assert "Traceback" not in result.stderr and "Imported 0 articles" in result.stdout


def test_a_limit_too_large_for_sqlite_is_one_sentence(db_path: Path) -> None:
    with Store(db_path) as store:
        store.articles.add("삼성전자가 발표했다.")
    result = run("articles", "--limit", "99999999999999999999", "--db", str(db_path))
    assert result.exit_code == 2
    assert "Invalid value for '--limit': 99999999999999999999 is not in the range" \
        in result.output
