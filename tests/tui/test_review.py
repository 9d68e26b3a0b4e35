"""The review screen on a merged database: decisions by key end up as gold spans."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import DataTable

from hanmark.store import Store
from hanmark.store.merge import merge_database
from hanmark.store.review import GOLD, annotators_of
from hanmark.tui.screens.review import ReviewScreen
from hanmark.tui.session import AnnotationSession
from tests.store.test_team import KIM, LEE, _session
from tests.tui.screen_text import screen_text


class ReviewApp(App):
    def __init__(self, store: Store, uid: str):
        super().__init__()
        self.store, self.uid = store, uid

    def on_mount(self) -> None:
        a, b = annotators_of(self.store, self.uid)
        session = AnnotationSession(self.store, "gold", lambda: None)
        self.push_screen(ReviewScreen(session, self.uid, a, b, {"PS": "red"}))


def _merged(tmp_path: Path) -> tuple[Store, str]:
    uid = _session(tmp_path / "kim.db", "kim", KIM)
    _session(tmp_path / "lee.db", "lee", LEE)
    store = Store(tmp_path / "kim.db")
    merge_database(store, tmp_path / "lee.db")
    return store, uid


def _gold(store: Store, uid: str) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in store.spans.of(uid, annotator=GOLD)}


async def test_review_decisions_become_gold(tmp_path: Path) -> None:
    store, uid = _merged(tmp_path)
    async with ReviewApp(store, uid).run_test(size=(120, 30)) as pilot:
        table = pilot.app.screen.query_one(DataTable)
        assert table.row_count == 2
        assert table.cursor_row == 1  # opened on the one disagreement
        assert "1 disagreement of 2" in str(pilot.app.screen.query_one("#review-title")
                                            .render())
        await pilot.press("b")  # lee's 서울 삼성전자 OG
        await pilot.press("g")  # and every agreed span
        await pilot.pause()
    assert _gold(store, uid) == {(0, 3, "PS"), (5, 12, "OG")}
    # one press of undo (as gold) takes back the last step only
    assert store.journal.undo(uid, GOLD)
    assert _gold(store, uid) == {(5, 12, "OG")}
    store.close()


async def test_take_both_and_neither(tmp_path: Path) -> None:
    store, uid = _merged(tmp_path)
    async with ReviewApp(store, uid).run_test(size=(120, 30)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert _gold(store, uid) == {(5, 7, "LC"), (8, 12, "OG"), (5, 12, "OG")}
        await pilot.press("p", "x")
        await pilot.pause()
    assert _gold(store, uid) == set()
    store.close()


class StatsApp(App):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def on_mount(self) -> None:
        from hanmark.tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen(self.store))


async def test_stats_screen_draws_charts(tmp_path: Path) -> None:
    store, _ = _merged(tmp_path)
    async with StatsApp(store).run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        screen = screen_text(pilot.app)
    assert "Accepted spans by label (5: " in screen
    assert "Agreement (character kappa), by pair" in screen
    assert "kim / lee" in screen
    store.close()
