"""Importing real and awkward inputs: what is stored, and what the user is told."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest

from hanmark.store import HanmarkError, Store
from hanmark.store.importer import import_sources
from tests.conftest import SEED_FILE

KOREAN = "엔비디아와 삼성전자가 26만 장의 GPU를 확보했다.\n이재명 대통령이 말했다."


def _only(store: Store):
    [row] = store.articles.page()
    return store.articles.get(row.uid)


def test_seed_article_date_prefix_is_metadata(store: Store) -> None:
    report = import_sources(store, [str(SEED_FILE)])
    article = _only(store)
    assert report.imported == 1 and report.errors == []
    assert article.date == "2025-11-01"
    assert article.text.startswith("'아시아태평양경제협력체(APEC)' 의장국")
    assert "date 2025" not in article.text
    assert article.title.startswith("'아시아태평양경제협력체(APEC)'")
    assert len(article.title) <= 80


def test_same_file_twice_is_counted_as_duplicate(store: Store) -> None:
    import_sources(store, [str(SEED_FILE)])
    report = import_sources(store, [str(SEED_FILE)])
    assert (report.imported, report.duplicates) == (0, 1)
    assert "1 duplicates skipped" in report.summary()
    assert store.articles.count() == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp949", "euc-kr"])
def test_korean_encodings_are_detected(store: Store, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(KOREAN.encode(encoding))
    report = import_sources(store, [str(path)])
    assert _only(store).text == KOREAN
    if encoding in ("cp949", "euc-kr"):
        assert "from cp949" in report.summary()


def test_nfd_and_crlf_are_normalised_and_reported(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mac.txt"
    path.write_bytes(unicodedata.normalize("NFD", KOREAN).replace("\n", "\r\n").encode())
    report = import_sources(store, [str(path)])
    assert _only(store).text == KOREAN
    summary = report.summary()
    assert "characters composed to NFC" in summary
    assert "1 CRLF/CR line endings" in summary


def test_conjoining_jamo_compose(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "jamo.txt"
    path.write_text("\u1100\u1161\u11a8 기사", encoding="utf-8")  # ᄀ ᅡ ᆨ = 각
    import_sources(store, [str(path)])
    assert _only(store).text == "각 기사"


def test_escape_sequences_and_controls_are_removed(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text("\x1b[31m빨강\x1b[0m \x1b]0;title\x07제목 \x1b]52;c;aGk=\x07복사\x07\x08끝",
                    encoding="utf-8")
    report = import_sources(store, [str(path)])
    assert _only(store).text == "빨강 제목 복사끝"
    assert "4 terminal escape sequences removed" in report.summary()
    assert "2 control characters removed" in report.summary()


def test_markup_is_kept_as_text(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "markup.txt"
    path.write_text("[bold red]굵게[/] [link=file:///etc/passwd]x[/link]", encoding="utf-8")
    import_sources(store, [str(path)])
    assert _only(store).text == "[bold red]굵게[/] [link=file:///etc/passwd]x[/link]"


def test_binary_and_empty_files_are_reported_and_the_rest_imports(
        store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(KOREAN, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "c.txt").write_text("", encoding="utf-8")
    report = import_sources(store, [str(tmp_path)])
    assert report.imported == 1
    assert sorted(report.errors) == [
        f"{tmp_path / 'b.txt'}: looks like a binary file, not text.",
        f"{tmp_path / 'c.txt'}: file is empty.",
    ]


def test_undecodable_file_names_the_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("first line\nsecond \xff\xfe\xfa\xfb line".encode("latin-1"))
    report = import_sources(store, [str(path)])
    assert report.imported == 0
    [error] = report.errors
    assert error.startswith(f"{path}:2: not UTF-8, UTF-16 or CP949/EUC-KR text")
    assert store.articles.count() == 0


def test_folder_is_recursive(store: Store, tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "one.txt").write_text("첫 번째 기사.", encoding="utf-8")
    (tmp_path / "sub" / "two.md").write_text("# 두 번째\n\n본문.", encoding="utf-8")
    (tmp_path / "sub" / "deeper" / "three.txt").write_text("세 번째 기사.", encoding="utf-8")
    (tmp_path / "sub" / "skip.png").write_bytes(b"\x89PNG")
    report = import_sources(store, [str(tmp_path)], collection="folder")
    assert report.imported == 3 and report.errors == []
    assert store.articles.count(collection="folder") == 3
    assert "# 두 번째" in {r.title for r in store.articles.page()}


def test_missing_path_and_empty_folder(store: Store, tmp_path: Path) -> None:
    with pytest.raises(HanmarkError, match="no such file or folder"):
        import_sources(store, [str(tmp_path / "missing.txt")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(HanmarkError, match="folder has no .txt, .md, .jsonl or .html files"):
        import_sources(store, [str(tmp_path / "empty")])


def _jsonl(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_fields_and_spans(store: Store, tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [json.dumps({
        "id": "a1", "title": "제목", "date": "2025-11-01", "source": "연합", "url": "https://x",
        "text": "이재명 대통령이 경주에서.", "spans": [[0, 3, "PS"], {"start": 9, "end": 11,
                                                          "label": "LC"}],
    }, ensure_ascii=False)])
    report = import_sources(store, [str(path)], annotator="kim")
    article = _only(store)
    assert (article.title, article.date, article.source, article.url, article.meta) == (
        "제목", "2025-11-01", "연합", "https://x", {"id": "a1"})
    spans = store.spans.of(article.uid)
    assert [(article.text[s.start:s.end], s.label, s.origin, s.annotator, s.state)
            for s in spans] == [("이재명", "PS", "import", "kim", "accepted"),
                                ("경주", "LC", "import", "kim", "accepted")]
    assert report.spans == 2


def test_jsonl_span_offsets_follow_cleaning(store: Store, tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "이재명 대통령")
    start = len(unicodedata.normalize("NFD", "이재명 "))
    path = _jsonl(tmp_path, [json.dumps({"text": nfd, "spans": [[start, len(nfd), "PS"]]})])
    import_sources(store, [str(path)])
    article = _only(store)
    [span] = store.spans.of(article.uid)
    assert article.text[span.start:span.end] == "대통령"


def test_jsonl_bad_lines_are_reported_and_the_rest_imports(store: Store,
                                                            tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [
        json.dumps({"text": "좋은 첫 줄."}, ensure_ascii=False),
        '{"text": "잘린 줄',
        json.dumps({"title": "본문 없음"}, ensure_ascii=False),
        json.dumps({"text": "범위 밖 span.", "spans": [[0, 99, "PS"]]}, ensure_ascii=False),
        json.dumps({"text": "모르는 label.", "spans": [[0, 2, "XX"]]}, ensure_ascii=False),
        json.dumps({"text": "좋은 마지막 줄."}, ensure_ascii=False),
    ])
    report = import_sources(store, [str(path)])
    assert report.imported == 2
    assert [e.split(": ", 1)[0] for e in report.errors] == [
        f"{path}:2", f"{path}:3", f"{path}:4", f"{path}:5"]
    assert "not valid JSON" in report.errors[0]
    assert "missing or empty 'text'" in report.errors[1]
    assert "outside the text" in report.errors[2]
    assert "unknown label 'XX'" in report.errors[3]


def test_a_lone_surrogate_escape_is_a_bad_line_not_a_crash(store: Store,
                                                           tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [
        '{"text": "\\uc774\\ubaa8\\uc9c0 \\ud83d\\ude00 \\uc88b\\uc544\\uc694."}',  # a pair: 😀
        '{"text": "\\ud800 \\ud55c\\uc950 \\ub0a8\\uc740 \\uae00\\uc790."}',
        '{"text": "\\uc81c\\ubaa9 \\uc774\\uc0c1.", "title": "\\udc00"}',
    ])
    report = import_sources(store, [str(path)])
    assert report.imported == 1
    assert [row.title for row in store.articles.page()] == ["이모지 😀 좋아요."]
    assert [e.split(": ", 1) for e in report.errors] == [
        [f"{path}:2", "contains \\ud800, half of a UTF-16 surrogate pair without its other "
                      "half: not a character"],
        [f"{path}:3", "contains \\udc00, half of a UTF-16 surrogate pair without its other "
                      "half: not a character"]]


def test_strict_writes_nothing_on_error(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("좋은 기사.", encoding="utf-8")
    path = _jsonl(tmp_path, [json.dumps({"text": "좋은 줄."}, ensure_ascii=False), "{oops"])
    with pytest.raises(HanmarkError, match=r"articles.jsonl:2: not valid JSON.*nothing was"):
        import_sources(store, [str(good), str(path)], strict=True)
    assert store.articles.count() == 0


def test_stdin(store: Store) -> None:
    data = "표준 입력으로 들어온 기사.".encode()
    import_sources(store, ["-"], stdin=io.BytesIO(data))
    assert _only(store).text == "표준 입력으로 들어온 기사."
