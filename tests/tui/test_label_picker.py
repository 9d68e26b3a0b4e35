"""The label picker with NIKL's 150 types: few keys for any label, by name,
Korean description or example; recent labels first."""

from __future__ import annotations

import itertools
import re

import pytest
from textual.app import App

from hanmark.store import Label
from hanmark.store.labels import nikl150
from hanmark.tui.label_search import rank
from hanmark.tui.screens.label_picker import LabelPicker
from tests.tui.screen_text import screen_text

LABELS = nikl150()
FINE = [lab for lab in LABELS if lab.parent]


class PickerApp(App):
    """Opens the picker at once and keeps what it was dismissed with."""

    def __init__(self, labels: list[Label], recent: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.labels, self.recent, self.chosen = labels, recent, "not dismissed"

    def on_mount(self) -> None:
        self.push_screen(LabelPicker(self.labels, self.recent), self._chosen)

    def _chosen(self, name: str | None) -> None:
        self.chosen = name


async def pick(*keys: str, recent: tuple[str, ...] = (), labels=LABELS) -> PickerApp:
    app = PickerApp(labels, recent)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
    return app


def short_queries(label: Label):
    """Candidate queries of at most three characters, the likeliest first."""
    name = label.name.lower()
    parts = name.split("_")
    yield from (name[:k] for k in (1, 2, 3))
    for combo in itertools.product(*[[p[:i] for i in range(4)] for p in parts]):
        yield "".join(combo)[:3]
    yield from ("".join(c) for c in itertools.combinations(name.replace("_", ""), 3))


def test_every_one_of_the_150_labels_is_first_after_three_characters() -> None:
    assert len(FINE) == 150
    found = {}
    for label in FINE:
        found[label.name] = next(
            (q for q in short_queries(label) if q and rank(LABELS, q)[0] == label), None)
    assert [name for name, query in found.items() if query is None] == []
    assert max(len(q) for q in found.values()) <= 3


@pytest.mark.parametrize(("keys", "chosen"), [
    (("o", "g", "m", "enter"), "OGG_MEDIA"),        # parts of the name
    (("p", "e", "t", "enter"), "PS_PET"),
    (("아", "이", "유", "enter"), "PS_NAME"),         # an example
    (("반", "려", "enter"), "PS_PET"),               # the Korean description
    (("o", "g", "down", "down", "enter"), "OGG_LAW"),  # arrows move down the list
    (("o", "g", "down", "up", "enter"), "OG"),
])
async def test_typing_and_enter_choose_a_label(keys: tuple[str, ...], chosen: str) -> None:
    assert (await pick(*keys)).chosen == chosen


async def test_recent_labels_come_first_and_escape_cancels() -> None:
    recent = ("LCG_RIVER", "PS_NAME")
    assert (await pick("enter", recent=recent)).chosen == "LCG_RIVER"
    assert (await pick("down", "enter", recent=recent)).chosen == "PS_NAME"
    assert (await pick("l", "c", "enter", recent=recent)).chosen == "LC"  # exact name wins
    assert (await pick("escape")).chosen is None


async def test_picker_shows_names_descriptions_and_a_count() -> None:
    app = PickerApp(LABELS, ("PS_PET",))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert re.search(r" PS_PET +★  반려동물의 이름  뽀삐, 쿠키", text)
        assert re.search(r" PS +\[1\]    사람 ", text)
        assert "165 of 165 labels" in text
        await pilot.press("z", "z", "z")
        await pilot.pause()
        assert "No label matches 'zzz'." in screen_text(app)
        await pilot.press("enter")  # nothing to choose: the picker stays open
        assert isinstance(app.screen, LabelPicker)
