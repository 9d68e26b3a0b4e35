"""The review queue on a real database with two annotators: the review header
counts resolved and open disagreements, the gold column shows every decision,
the list finds the articles that still need review, R opens the next one, and
`hanmark agreement` says how many are left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import DataTable

from hanmark.store import Store
from hanmark.store.merge import merge_database
from hanmark.store.review import GOLD, article_clusters, decide, needing_review
from hanmark.tui.app import HanmarkApp
from hanmark.tui.cli import main
from hanmark.tui.screens.review import ReviewScreen
from tests.tui.conftest import settle
from tests.tui.test_review import ReviewApp

#       0123456789012345678901
TEXT = "김철수가 어제 서울 삼성전자에 갔다."
KIM = [(0, 3, "PS"), (5, 7, "DT"), (8, 10, "LC"), (11, 15, "OG")]
LEE = [(0, 3, "PS"), (8, 15, "OG")]  # no 어제: that row's right side is empty


def _label(store: Store, text: str, title: str, **layers: list[tuple[int, int, str]]) -> str:
    """An article labeled by each annotator named, as their app sessions would."""
    uid, _ = store.articles.add(text, title=title)
    for who, spans in layers.items():
        for start, end, label in spans:
            store.spans.label_range(uid, start, end, label, annotator=who)
    return uid


def _gold(store: Store, uid: str) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in store.spans.of(uid, annotator=GOLD)}


def _title(screen: ReviewScreen) -> str:
    return str(screen.query_one("#review-title").render())


def _gold_column(screen: ReviewScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(i)[4]) for i in range(table.row_count)]


async def test_header_and_gold_column_follow_decisions_and_undo(store: Store) -> None:
    uid = _label(store, TEXT, "만남", kim=KIM, lee=LEE)
    async with ReviewApp(store, uid).run_test(size=(140, 30)) as pilot:
        screen = pilot.app.screen
        assert "2 disagreements of 3: 0 resolved, 2 open" in _title(screen)
        assert _gold_column(screen) == ["", "", ""]
        await pilot.press("b")  # row 2: lee's side is empty
        assert _gold_column(screen) == ["", "none", ""]
        assert "1 resolved, 1 open" in _title(screen)
        await pilot.press("x")  # row 3: neither
        assert _gold_column(screen) == ["", "none", "none"]
        assert "2 resolved, 0 open" in _title(screen)
        assert needing_review(store) == []
        await pilot.press("u")  # undo takes back row 3's decision only
        assert _gold_column(screen) == ["", "none", ""]
        assert "1 resolved, 1 open" in _title(screen)
        assert needing_review(store) == [uid]
        await pilot.press("U")  # and redo brings it again
        assert _gold_column(screen) == ["", "none", "none"]
        await pilot.press("u", "n")  # row 3 open again, the cursor on it
        await pilot.press("a")
        assert _gold_column(screen) == ["", "none", "took kim"]
        assert _gold(store, uid) == {(8, 10, "LC"), (11, 15, "OG")}
        await pilot.press("g")  # the agreed row says so, not whose side it took
        assert _gold_column(screen) == ["agreed", "none", "took kim"]
        assert "2 resolved, 0 open" in _title(screen)
    assert _gold(store, uid) == {(0, 3, "PS"), (8, 10, "LC"), (11, 15, "OG")}


@pytest.fixture
def team(store: Store, no_suggestions: None) -> dict[str, str]:
    """Four articles: two with a disagreement, one agreed, one labeled by kim alone."""
    return {
        "open 1": _label(store, TEXT, "open 1", kim=KIM, lee=LEE),
        "agreed": _label(store, "이영희는 부산에 산다.", "agreed",
                         kim=[(0, 3, "PS")], lee=[(0, 3, "PS")]),
        "alone": _label(store, "박민수는 대구에 산다.", "alone", kim=[(0, 3, "PS")]),
        "open 2": _label(store, "최지훈은 광주에 산다.", "open 2",
                         kim=[(0, 3, "PS")], lee=[(5, 7, "LC")]),
    }


async def test_list_filter_and_R_walk_the_review_queue(store: Store, team: dict[str, str]
                                                       ) -> None:
    async with HanmarkApp(store, annotator="kim").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reader = pilot.app.screen
        listed = reader.article_list
        listed.focus()
        await pilot.press(*"f" * 5)  # all, new, wip, done, skip, then needs review
        await settle(pilot)  # the queue is found apart
        assert "needs review" in str(listed.border_title)
        assert [listed.row(i).title for i in range(listed.row_count)] == ["open 1", "open 2"]
        await pilot.press("R")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen) and review.uid == team["open 1"]
        assert (review.a, review.b) == ("kim", "lee")
        assert "0 resolved, 2 open" in _title(review)
        await pilot.press("x", "x", "escape")  # both rows decided: neither
        await settle(pilot)
        assert pilot.app.screen is reader and reader.article.uid == team["open 1"]
        assert [listed.row(i).title for i in range(listed.row_count)] == ["open 2"]
        assert listed.has_focus  # so R goes on to the next
        await pilot.press("R")
        assert pilot.app.screen.uid == team["open 2"]
        await pilot.press("t", "t", "escape")  # two rows, each one-sided: took both
        await settle(pilot)
        assert listed.row_count == 0
        await pilot.press("R")
        assert pilot.app.screen is reader
        assert "No article needs review" in reader.status.message.plain
    assert _gold(store, team["open 2"]) == {(0, 3, "PS"), (5, 7, "LC")}


def test_agreement_says_how_many_articles_need_review(store: Store,
                                                      team: dict[str, str]) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["agreement", "--db", str(store.path)])
    assert shown.exit_code == 0, shown.output
    assert "2 articles still need review" in shown.output
    # gold written without a review (an older hanmark): rows gold holds spans in are decided
    store.spans.set_layer(team["open 2"], GOLD, 0, 7, [(0, 3, "PS"), (5, 7, "LC")])
    data = json.loads(runner.invoke(main, ["agreement", "--db", str(store.path),
                                           "--json"]).output)
    assert data["needs_review"] == 1


def test_a_neither_decision_survives_a_merge(tmp_path: Path) -> None:
    """Decisions are journal events, so a reviewer's database merged into another
    brings its 'neither' rows as decided (gold holds no span to say so)."""
    with Store(tmp_path / "reviewer.db") as reviewer:
        uid = _label(reviewer, "최지훈은 광주에 산다.", "open", kim=[(0, 3, "PS")],
                     lee=[(5, 7, "LC")])
        assert needing_review(reviewer) == [uid]
        decide(reviewer, uid, article_clusters(reviewer, uid, "kim", "lee"), "neither",
               ("kim", "lee"))
        assert needing_review(reviewer) == [] and _gold(reviewer, uid) == set()
    with Store(tmp_path / "team.db") as team_db:
        merge_database(team_db, tmp_path / "reviewer.db")
        assert [uid for uid, _ in team_db.stats.shared_labels(besides=GOLD)] == [uid]
        assert needing_review(team_db) == []
