"""Triage in the reader: pending suggestions one key apart, accept-all that asks,
a picker that names its target, a spans pane that points where the text cursor
does, and a label key that never glues a particle to a name."""

from __future__ import annotations

import threading

import pytest

from hanmark.store import NewSpan, Store
from tests.tui.conftest import ANNOTATOR, at_start_without_morphemes, goto, reader, settle
from tests.tui.screen_text import screen_text

TEXT = "MBC는 오늘 서울에서 김민수 회장과 삼성전자 사장을 만났다고 보도했다."


def _suggest(store: Store, uid: str, *names: tuple[str, str, float]) -> None:
    store.spans.replace_suggestions(uid, [
        NewSpan(TEXT.index(form), TEXT.index(form) + len(form), label, "hanmark",
                origin="suggestion", state="suggested", model="crf", confidence=confidence)
        for form, label, confidence in names], model="crf")


@pytest.fixture
def article(store: Store, no_suggestions: None) -> str:
    uid, _ = store.articles.add(TEXT, title="triage")
    _suggest(store, uid, ("서울", "LC", 0.91), ("김민수", "PS", 0.42), ("삼성전자", "OG", 0.77))
    return uid


def _states(store: Store, uid: str) -> dict[str, str]:
    return {TEXT[s.start:s.end]: s.state for s in store.spans.of(uid)}


async def test_next_pending_visits_only_undecided_suggestions(store: Store, article: str
                                                              ) -> None:
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await goto(pilot, 0)
        await pilot.press("N")
        assert screen.text_view.cursor == TEXT.index("서울")
        assert "confidence 0.91" in screen.status.message.plain
        await pilot.press("enter", "N")  # 서울 accepted: N now skips nothing decided
        assert screen.text_view.cursor == TEXT.index("김민수")
        await pilot.press("N", "P")
        assert screen.text_view.cursor == TEXT.index("김민수")
        await pilot.press("P")  # 서울 is decided: nothing pending before 김민수
        assert screen.text_view.cursor == TEXT.index("김민수")
        assert "No pending suggestion that way" in screen.status.message.plain


async def test_accept_all_asks_and_can_take_one_label(store: Store, article: str) -> None:
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        shown = screen_text(pilot.app)
        assert "Accept 3 suggestions?" in shown and "PS (1)" in shown
        await pilot.press("escape")
        assert set(_states(store, article).values()) == {"suggested"}
        keyed = {label.name: key for key, label in pilot.app.screen.keyed.items()}
        await pilot.press("A", str(keyed["OG"]))  # only the OG suggestions
        assert _states(store, article) == {"서울": "suggested", "김민수": "suggested",
                                           "삼성전자": "accepted"}
        await pilot.press("A", "enter")
        assert set(_states(store, article).values()) == {"accepted"}
        assert pilot.app.screen.status.message.plain == "saved accepted 2 suggestions"


async def test_the_picker_names_what_it_will_label(store: Store, article: str) -> None:
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, TEXT.index("서울"))
        await pilot.press("n", "l")  # n moved on: the picker says to 김민수
        start = TEXT.index("김민수")
        assert f"Relabel 김민수 (PS, {start}–{start + 3})" in screen_text(pilot.app)
        await pilot.press(*"LC", "enter")
        assert _states(store, article)["김민수"] == "accepted"
        assert {TEXT[s.start:s.end]: s.label for s in store.spans.of(article)}["김민수"] == "LC"


async def test_spans_pane_and_text_cursor_point_at_one_span(store: Store, article: str
                                                            ) -> None:
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await goto(pilot, TEXT.index("서울"))
        await pilot.press("tab")  # into the spans pane: its row is the span under the cursor
        assert screen.focused is screen.table
        assert screen.table.current_span().start == TEXT.index("서울")
        await pilot.press("x")  # the pane moves on to 김민수, and so does the text cursor
        assert screen.text_view.cursor == TEXT.index("김민수")
        await pilot.press("enter")  # accepts what both point at
        assert _states(store, article)["김민수"] == "accepted"
        await pilot.press("shift+tab")
        await goto(pilot, TEXT.index("오늘"))  # on no span: no row is current
        assert screen.table.current_span() is None


async def test_done_leaves_no_row_of_the_last_article(store: Store, article: str) -> None:
    store.articles.add("다음 기사는 부산 이야기다.", title="next")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await goto(pilot, TEXT.index("삼성전자"))
        assert screen.table.current_span() is not None
        await pilot.press("d")
        await settle(pilot)
        assert screen.article.title == "next"
        assert screen.table.current_span() is None


async def test_a_label_key_before_the_morphemes_waits_for_them(
        store: Store, no_suggestions: None, analysis_gate: threading.Event) -> None:
    uid, _ = store.articles.add(TEXT)
    async with reader(store).run_test(size=(120, 40)) as pilot:
        screen = await at_start_without_morphemes(pilot)
        await pilot.press("1")
        assert "waiting for the morphemes" in screen.status.message.plain
        assert store.spans.of(uid) == []
        analysis_gate.set()
        await settle(pilot)
        [span] = store.spans.of(uid)
        assert (TEXT[span.start:span.end], span.annotator) == ("MBC", ANNOTATOR)  # not MBC는


async def test_next_pending_goes_on_to_the_next_article_that_has_one(
        store: Store, article: str) -> None:
    store.articles.add("결정할 것이 없는 기사.", title="nothing pending")
    later, _ = store.articles.add("부산에서 열린 행사.", title="later")
    store.spans.replace_suggestions(later, [NewSpan(0, 2, "LC", "hanmark", origin="suggestion",
                                                    state="suggested", model="crf")],
                                    model="crf")
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await goto(pilot, TEXT.index("삼성전자"))
        await pilot.press("N")  # nothing after 삼성전자 here: on to "later", past the other
        assert screen.article.uid == later and screen.text_view.cursor == 0
        assert screen.status.message.plain.startswith("next article, later: suggested LC")
