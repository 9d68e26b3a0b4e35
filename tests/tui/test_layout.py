"""Readable at 80 columns: the article gets the room, z zooms to it alone, and
table columns size to their content instead of cutting names to 5 cells."""

from __future__ import annotations

import os
import subprocess
import sys

from hanmark.store import Label, Store
from hanmark.tui.textcells import fit
from tests.conftest import REPO
from tests.tui.conftest import reader, settle
from tests.tui.screen_text import screen_text

CITIES = ["LCP_CAPITALCITY", "LCP_CITY", "LCP_COUNTRY", "LCP_COUNTY"]
TEXT = "서울과 부산과 한국과 군위군은 모두 지명이다. 2025년 11월 1일에 적었다."


def _labelled(store: Store) -> str:
    for name in CITIES:
        store.labels.add(Label(name))
    uid, _ = store.articles.add(TEXT, title="지명 기사", date="2025-11-01")
    for form, name in zip(["서울", "부산", "한국", "군위군"], CITIES, strict=True):
        start = TEXT.index(form)
        store.spans.label_range(uid, start, start + len(form), name, annotator="tester")
    return uid


def test_fit_cuts_with_an_ellipsis_where_the_names_differ() -> None:
    assert fit("LCP_CAPITALCITY", 9, "middle") == "LCP_…CITY"
    assert fit("LCP_COUNTRY", 9, "middle") != fit("LCP_COUNTY", 9, "middle")
    assert fit("도널드 트럼프", 10) == "도널드 트…"  # 9 cells and the ellipsis
    assert fit("PS", 5) == "PS   "


async def test_at_80_columns_the_article_has_the_room_and_z_zooms(store: Store,
                                                                 no_suggestions: None) -> None:
    _labelled(store)
    async with reader(store).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        text, listed, spans = (screen.text_view.size.width, screen.article_list.size.width,
                               screen.table.size.width)
        assert text > listed and text > spans and text >= 34
        await pilot.press("z")
        await pilot.pause()
        assert not screen.query_one("#list-pane").display and not screen.table.display
        assert screen.text_view.size.width >= 74 and screen.text_view.has_focus
        assert "Zoom" in screen.status.message.plain
        await pilot.press("z")
        await pilot.pause()
        assert screen.query_one("#list-pane").display and screen.table.display


async def test_columns_size_to_their_content(store: Store, no_suggestions: None) -> None:
    _labelled(store)
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = screen_text(pilot.app)
        assert all(name in shown for name in CITIES)  # they read apart, in full
        assert "지명 기사" in shown
        listed = pilot.app.screen.article_list
        date = listed._widths(listed.scrollable_content_region.width)[3]
        assert date in (0, len("2025-11-01"))  # a full date, or none: never "202"


def test_cli_articles_keeps_every_column_at_80(store: Store) -> None:
    _labelled(store)
    store.articles.add("아주 긴 제목의 기사 " * 3, title="아주 긴 제목 " * 10, date="2025-11-02")
    code = ("import sys; from hanmark.tui.cli import main; sys.argv[0] = 'hanmark'; main()")
    out = subprocess.run([sys.executable, "-c", code, "articles", "--db", str(store.path)],
                         cwd=REPO, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "COLUMNS": "80"}).stdout
    header = next(line for line in out.splitlines() if line.strip().startswith("id"))
    assert header.split() == ["id", "date", "collection", "status", "labels", "title"]
    assert "2025-11-02" in out and "default" in out and "new" in out
    assert max(len(line) for line in out.splitlines()) <= 80
