"""The app stays up on rows it cannot trust: a cursor or times an older import
let in, and an article whose pages are damaged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hanmark.store import Store
from hanmark.tui.screens.stats import StatsScreen
from tests.store.test_untrusted_values import labelled, spoil_rows
from tests.tui.conftest import reader, settle
from tests.tui.screen_text import screen_text


async def test_the_app_and_its_statistics_take_bad_stored_values(db_path: Path,
                                                                no_suggestions) -> None:
    with Store(db_path) as store:
        uid = labelled(store)
    spoil_rows(db_path, uid)
    with Store(db_path) as store:
        async with reader(store).run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert pilot.app.screen.article.uid == uid and pilot.app.screen.text_view.cursor == 0
            await pilot.press("S")
            await settle(pilot)
            assert isinstance(pilot.app.screen, StatsScreen)
            assert "kim" in screen_text(pilot.app)


def damage_long_text(db_path: Path) -> None:
    """Overwrite a page of the one text too long for its row's page (no connection is
    open: the WAL is checkpointed into the file and removed first)."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    page = conn.execute("SELECT min(pageno) FROM dbstat WHERE name = 'articles_fts_content'"
                        " AND pagetype = 'overflow'").fetchone()[0]
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with db_path.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xff" * size)


async def test_an_article_that_cannot_be_read_is_said_and_the_app_stays(
        db_path: Path, no_suggestions) -> None:
    with Store(db_path) as store, store.transaction():
        uids = [store.articles.add(f"{i}번째 기사. " + "삼성전자와 엔비디아가 협력한다. "
                                  * (300 if i == 1 else 3), title=f"기사 {i}")[0]
                for i in range(3)]
    damage_long_text(db_path)
    with Store(db_path) as store:
        async with reader(store).run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = pilot.app.screen
            assert screen.article.uid == uids[0]
            screen.article_list.focus()
            await pilot.press("down", "enter")
            await settle(pilot)
            assert "This article cannot be opened" in screen_text(pilot.app)
            assert "malformed" in screen_text(pilot.app)
            assert screen.article.uid == uids[0]  # still shown
            screen.article_list.focus()
            await pilot.press("down", "enter")
            await settle(pilot)
            assert screen.article.uid == uids[2]
