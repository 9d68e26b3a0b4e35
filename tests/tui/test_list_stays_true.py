"""The article list tells the truth: statuses changed here, and articles other
processes import, show within a second, and the cursor keeps its row."""

from __future__ import annotations

import json
from pathlib import Path

from hanmark.store import Store
from tests.tui.conftest import reader, settle
from tests.tui.test_commands_beside_the_app import hanmark


async def test_done_on_the_last_article_shows_in_the_list(store: Store, no_suggestions: None
                                                          ) -> None:
    store.articles.add("마지막 기사는 서울 이야기다.", title="last")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listed = pilot.app.screen.article_list
        await pilot.press("d")
        assert "no article left" in pilot.app.screen.status.message.plain
        assert listed.cells(0)[0][0] == "done"


async def test_articles_imported_beside_the_app_appear(store: Store, no_suggestions: None,
                                                      tmp_path: Path) -> None:
    for n in range(3):
        store.articles.add(f"{n}번째 기사: 부산에서 축제가 열렸다.", title=f"article {n}")
    incoming = tmp_path / "incoming.jsonl"
    incoming.write_text("".join(json.dumps({"title": f"new {n}", "text": f"새 기사 {n}: 대구."},
                                           ensure_ascii=False) + "\n" for n in range(2)),
                        encoding="utf-8")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listed = pilot.app.screen.article_list
        listed.focus()
        await pilot.press("down")
        assert listed.row_count == 3 and listed.cursor_row == 1
        done = hanmark("import", str(incoming), "--db", str(store.path))
        assert done.returncode == 0, done.stderr
        for _ in range(40):  # within a second or two
            await pilot.pause(0.1)
            if listed.row_count == 5:
                break
        assert listed.row_count == 5 and listed.row(4).title == "new 1"
        assert listed.cursor_row == 1  # the cursor kept its place
        await pilot.press("f", "f")  # status filter: new, then in progress
        assert "wip" in str(listed.border_title) and "in_progress" not in str(
            listed.border_title)
