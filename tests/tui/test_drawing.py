"""What the text pane draws: the whole range a label key would touch, thin
low-confidence suggestions, and another annotator's labels readable on yours."""

from __future__ import annotations

from rich.style import Style

from hanmark.store import NewSpan, Store
from hanmark.tui.widgets.text_view import CURSOR, key_range_style
from tests.tui.conftest import goto, reader, settle

TEXT = "김민수 회장은 서울에서 삼성전자를 방문했다."


def _styles(view, start: int, end: int) -> list[Style]:
    """The style drawn at each character offset of ``start:end`` (one line)."""
    line = view.line_of(start)
    offsets, styles = view.lines[line][0], []
    for segment in view.render_line(line - view.scroll_offset.y):
        styles += [segment.style] * len(segment.text)
    return styles[start - offsets:end - offsets]


async def test_the_key_range_is_drawn_whole(store: Store, no_suggestions: None) -> None:
    store.articles.add(TEXT)
    async with reader(store).run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = pilot.app.screen.text_view
        start = TEXT.index("삼성전자")
        await goto(pilot, start + 1)  # inside the morpheme, not on its first character
        assert view.key_range() == (start, start + 4)  # 삼성전자, not 삼성전자를
        styles = _styles(view, start, start + 5)
        tint = key_range_style(view.rich_style.bgcolor).bgcolor
        assert styles[1].bgcolor == CURSOR.bgcolor
        assert [s.bgcolor for s in (styles[0], *styles[2:4])] == [tint] * 3
        assert styles[4].bgcolor != tint  # the particle is not part of it


async def test_unsure_suggestions_are_thin_and_overlays_stay_readable(
        store: Store, no_suggestions: None) -> None:
    uid, _ = store.articles.add(TEXT)
    seoul, samsung = TEXT.index("서울"), TEXT.index("삼성전자")
    store.spans.replace_suggestions(uid, [
        NewSpan(seoul, seoul + 2, "LC", "hanmark", origin="suggestion", state="suggested",
                model="crf", confidence=0.3),
        NewSpan(samsung, samsung + 4, "OG", "hanmark", origin="suggestion", state="suggested",
                model="crf", confidence=0.9)], model="crf")
    store.spans.label_range(uid, 0, 3, "PS", annotator="tester")
    store.spans.label_range(uid, 0, 3, "PS", annotator="lee")
    async with reader(store).run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await goto(pilot, len(TEXT) - 1)
        view = screen.text_view
        unsure, sure = _styles(view, seoul, seoul + 1)[0], _styles(view, samsung, samsung + 1)[0]
        assert sure.bold and not unsure.bold  # thin, not dim: dim would not read
        assert unsure.underline
        await pilot.press("o")  # lee's PS over the tester's own PS
        mine = _styles(view, 0, 1)[0]
        assert mine.italic and mine.underline2
        assert mine.color != mine.bgcolor  # the words stay visible
