"""Morpheme-wise edge moves never take punctuation, and land the same whether the
article's morphemes had arrived when the key was pressed or not (real Kiwi)."""

from __future__ import annotations

import threading

from hanmark.store import NewSpan, Store
from tests.tui.conftest import ANNOTATOR, at_start_without_morphemes, goto, reader, settle

TEXT = "LG 트윈스, 두산 베어스와 경기했다. LG 트윈스가 이겼다."


def _lg(store: Store) -> str:
    uid, _ = store.articles.add(TEXT, title="baseball")
    store.spans.add(uid, [NewSpan(0, 2, "OG", ANNOTATOR)], actor=ANNOTATOR)
    return uid


def _forms(store: Store, uid: str) -> list[str]:
    return [TEXT[s.start:s.end] for s in store.spans.of(uid, states=("accepted",))]


async def test_end_by_morpheme_stops_before_the_comma(store: Store, no_suggestions: None
                                                      ) -> None:
    uid = _lg(store)
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, 0)
        await pilot.press("greater_than_sign")
        assert _forms(store, uid) == ["LG 트윈스"]
        await pilot.press("greater_than_sign")  # past the comma to the next word
        assert _forms(store, uid) == ["LG 트윈스, 두산"]
        await pilot.press("less_than_sign")
        assert _forms(store, uid) == ["LG 트윈스"]
        await pilot.press("right_curly_bracket")  # a character move may take the comma
        assert _forms(store, uid) == ["LG 트윈스,"]
        await pilot.press("less_than_sign")  # and a morpheme move leaves it again
        assert _forms(store, uid) == ["LG 트윈스"]
        await pilot.press("full_stop")  # start: past LG onto 트윈스, no space or comma
        await settle(pilot)
    assert _forms(store, uid) == ["트윈스"]


async def test_a_morpheme_move_before_the_morphemes_waits_for_them(
        store: Store, no_suggestions: None, analysis_gate: threading.Event) -> None:
    uid = _lg(store)
    async with reader(store).run_test(size=(120, 40)) as pilot:
        screen = await at_start_without_morphemes(pilot)
        await pilot.press("greater_than_sign", "greater_than_sign")
        assert "waiting for the morphemes" in screen.status.message.plain
        assert _forms(store, uid) == ["LG"]
        analysis_gate.set()
        await settle(pilot)
    # as after the analysis: LG 트윈스, then past the comma to the next word
    assert _forms(store, uid) == ["LG 트윈스, 두산"]
