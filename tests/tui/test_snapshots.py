"""Snapshots of the reader at two terminal sizes, on fixed database contents.

The suggester is switched off so that changes to its rules do not move these
pictures; the spans shown are written here, two accepted and one suggested.
"""

from __future__ import annotations

import pytest

from hanmark.store.models import NewSpan
from tests.tui.conftest import reader, settle


@pytest.fixture
def fixed_app(store, seeded, seed_text, monkeypatch):
    monkeypatch.setattr("hanmark.nlp.suggest.suggest_article", lambda *a, **k: 0)
    at = seed_text.index
    store.spans.add(seeded, [
        NewSpan(at("이재명"), at("이재명") + 3, "PS", "tester"),
        NewSpan(at("경북"), at("경북") + 2, "LC", "tester"),
        NewSpan(at("APEC"), at("APEC") + 4, "OG", "rules", origin="suggestion",
                state="suggested", model="rules"),
    ], actor="tester")
    store.articles.add("네이버는 성남에 있다.", title="second", date="2025-11-02")
    return reader(store)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_main_screen(snap_compare, fixed_app, size):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("right", "right", "shift+right")

    assert snap_compare(fixed_app, terminal_size=size, run_before=ready)


def test_main_screen_in_a_light_theme(snap_compare, fixed_app):
    async def ready(pilot):
        await settle(pilot)
        pilot.app.theme = "textual-light"
        await pilot.press("right", "right", "shift+right")

    assert snap_compare(fixed_app, terminal_size=(120, 40), run_before=ready)
