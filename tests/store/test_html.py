"""Saved Korean news pages: the article and its metadata come in, the page
around it (menus, ads, comments, footers) does not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.store import Store
from hanmark.tui.cli import main

PAGES = Path(__file__).parent / "html_pages"
ARTICLE = PAGES / "hankook_ai.html"      # og/article meta tags, ads, comments, sidebar
WEATHER = PAGES / "seoul_weather.htm"    # JSON-LD, <br> paragraphs, Naver-style comments
PORTAL = PAGES / "portal_index.html"     # a front page: links and an ad, no article
NOT_ARTICLE = ("로그인", "회원가입", "[광고]", "관련 기사", "반도체개미", "댓글", "많이 본 뉴스",
               "무단전재", "Copyright", "카카오톡 공유", "추천뉴스", "더위싫어")


@pytest.fixture
def run(db_path: Path):
    runner = CliRunner()

    def invoke(*args: str, input: bytes | None = None):
        return runner.invoke(main, [*args, "--db", str(db_path)], input=input)

    return invoke


def articles(db_path: Path) -> list:
    with Store(db_path) as store:
        return list(store.articles.stream())


def test_news_page_becomes_one_article_with_its_metadata(run, db_path: Path) -> None:
    result = run("import", str(ARTICLE))
    assert result.exit_code == 0, result.output
    assert "Imported 1 article from 1 file." in result.output
    [article] = articles(db_path)
    assert article.title == "엔비디아, 서울에 AI 연구소 연다"
    assert article.date == "2025-03-14"
    assert article.source == "한빛경제"
    assert article.url == "https://www.hanbit-econ.example/article/2025/03/14/0001"
    assert article.meta["author"] == "김민지 기자"
    paragraphs = article.text.split("\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("미국 반도체 기업 엔비디아가 서울 강남구에")
    assert paragraphs[-1].endswith("채용할 계획이라고 설명했다.")
    assert not [junk for junk in NOT_ARTICLE if junk in article.text]


def test_folder_of_saved_pages_and_a_page_without_an_article(run, db_path: Path,
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    for page in (ARTICLE, WEATHER, PORTAL):
        shutil.copy(page, folder)
    (folder / "logo.png").write_bytes(b"\x89PNG not an article")
    result = run("import", str(folder))
    assert result.exit_code == 1  # something was refused: scripts can tell
    assert "Imported 2 articles from 2 files, 1 refused (see above)." in result.output
    assert f"{folder / PORTAL.name}: no article text found." in result.output
    weather = next(a for a in articles(db_path) if a.source == "누리일보")
    assert (weather.title, weather.date, weather.meta["author"]) == (
        "서울 낮 최고 35도…올여름 첫 폭염경보", "2025-07-02", "박준호")
    assert weather.text.startswith('기상청 "이번 주 내내 무더위…온열질환 주의"\n서울에 올여름')
    assert not [junk for junk in NOT_ARTICLE if junk in weather.text]


def test_page_with_no_article_text_writes_nothing(run, db_path: Path) -> None:
    result = run("import", str(PORTAL))
    assert result.exit_code == 1
    assert f"{PORTAL}: no article text found." in result.output
    assert articles(db_path) == []


def test_euc_kr_page_and_page_from_stdin(run, db_path: Path, tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.html"
    page = ARTICLE.read_text("utf-8").replace('charset="utf-8"', 'charset="euc-kr"')
    legacy.write_bytes(page.encode("cp949", errors="xmlcharrefreplace"))  # &#169; for ©
    assert "Imported 1 article" in run("import", str(legacy)).output
    assert "Imported 1 article" in run("import", "-", input=WEATHER.read_bytes()).output
    titles = sorted(a.title for a in articles(db_path))
    assert titles == ["서울 낮 최고 35도…올여름 첫 폭염경보", "엔비디아, 서울에 AI 연구소 연다"]
    assert "젠슨 황" in articles(db_path)[0].text
