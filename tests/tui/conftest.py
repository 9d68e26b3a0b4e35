"""Fixtures for driving the reader: a seeded database file and an app on it."""

from __future__ import annotations

import threading

import pytest
from textual.pilot import Pilot

from hanmark.store import Store
from hanmark.tui.app import HanmarkApp

ANNOTATOR = "tester"


@pytest.fixture
def seeded(store: Store, seed_text: str) -> str:
    """The seed article in the test database; returns its uid."""
    uid, _ = store.articles.add(seed_text, title="APEC seed", date="2025-11-01")
    return uid


def reader(store: Store) -> HanmarkApp:
    return HanmarkApp(store, annotator=ANNOTATOR)


async def settle(pilot: Pilot) -> None:
    """Wait for the workers (Kiwi, suggestions) and the redraw that follows them."""
    app = pilot.app
    for _ in range(10):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            return


async def goto(pilot: Pilot, offset: int) -> None:
    """Put the text cursor on ``offset`` (as many arrow presses would)."""
    pilot.app.screen.text_view.move_to(offset)
    await pilot.pause()


@pytest.fixture
def no_suggestions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the suggester off, so that a test's labels do not depend on its model."""
    monkeypatch.setattr("hanmark.nlp.suggest.suggest_article", lambda *args, **kwargs: 0)
    monkeypatch.setattr("hanmark.nlp.suggest.propagate_label", lambda *args, **kwargs: [])


@pytest.fixture
def analysis_gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Kiwi's analysis of an article arrives only once the test sets this event: keys
    pressed before the morphemes arrive, deterministically."""
    from hanmark.nlp import analyzer

    gate, analyse = threading.Event(), analyzer.analysis_for

    def held(*args, **kwargs):
        gate.wait(60)
        return analyse(*args, **kwargs)

    monkeypatch.setattr(analyzer, "analysis_for", held)
    return gate


async def at_start_without_morphemes(pilot: Pilot):
    """The reader open at the article's start, its morphemes not arrived (with
    ``analysis_gate`` still shut); returns the screen."""
    await pilot.pause(0.5)
    screen = pilot.app.screen
    assert screen.article is not None and screen.text_view.analysis is None
    await goto(pilot, 0)
    return screen
