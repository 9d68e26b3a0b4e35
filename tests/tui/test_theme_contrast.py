"""Every built-in theme: each text the app colours itself reads at WCAG 4.5:1
(labels, suggestions sure and unsure, another annotator's overlay, the
selection, the cursor and the range a key would touch, current table rows with
and without the focus), and the focused pane looks different from the others."""

from __future__ import annotations

from rich.style import Style

from hanmark.store import NewSpan, Store
from hanmark.store.colour import contrast
from hanmark.tui.colours import hex_of
from tests.tui.conftest import goto, reader, settle

TEXT = "김민수 회장은 서울에서 삼성전자를 방문했다. 내일 부산으로 간다."


def _pairs(widget, lines: int) -> list[tuple[str, str, str]]:
    """(text, foreground, background) of every drawn piece of text, as a terminal
    shows it: unset colours are the widget's, the terminal's default is taken as
    white on black in a dark theme and black on white in a light one."""
    dark = widget.app.current_theme.dark
    base = widget.rich_style

    def resolved(colour, default: str) -> str:
        return default if colour is None or colour.is_default else hex_of(colour)

    fg = resolved(base.color, "#ffffff" if dark else "#000000")
    bg = resolved(base.bgcolor, "#000000" if dark else "#ffffff")
    found = []
    for y in range(lines):
        for segment in widget.render_line(y):
            style = segment.style or Style()
            if segment.text.strip():
                pair = (resolved(style.color, fg), resolved(style.bgcolor, bg))
                found.append((segment.text.strip(), *(pair[::-1] if style.reverse else pair)))
    return found


async def test_every_theme_reads_at_4_5_to_1(store: Store, no_suggestions: None) -> None:
    uid, _ = store.articles.add(TEXT)
    store.spans.label_range(uid, 0, 3, "PS", annotator="tester")
    store.spans.label_range(uid, 0, 3, "PS", annotator="lee")  # lee's overlay on the tester's label
    at = TEXT.index
    store.spans.label_range(uid, at("부산"), at("부산") + 2, "LC", annotator="lee")  # on plain text
    store.spans.replace_suggestions(uid, [
        NewSpan(at("서울"), at("서울") + 2, "LC", "hanmark", origin="suggestion",
                state="suggested", model="crf", confidence=0.9),
        NewSpan(at("삼성전자"), at("삼성전자") + 4, "OG", "hanmark", origin="suggestion",
                state="suggested", model="crf", confidence=0.3)], model="crf")
    app = reader(store)
    failures: list[str] = []
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("o")  # lee's labels overlaid
        for theme in sorted(app.available_themes):
            app.theme = theme
            await goto(pilot, at("삼성전자") + 1)
            await pilot.press("shift+right")  # a selection beside the key's range
            await goto(pilot, at("서울"))
            seen = _pairs(screen.text_view, 3) + _pairs(screen.article_list, 2)
            screen.table.focus()  # the spans pane, focused; the list not
            await pilot.pause()
            seen += _pairs(screen.table, 4) + _pairs(screen.article_list, 2)
            screen.text_view.focus()  # the text again: the spans row without focus
            await pilot.pause()
            seen += _pairs(screen.table, 4)
            failures += [f"{theme}: {text!r} {fg} on {bg} ({contrast(fg, bg):.2f}:1)"
                         for text, fg, bg in seen if contrast(fg, bg) < 4.5]
            focused = screen.text_view.styles.border_top
            assert focused != screen.table.styles.border_top, theme
            assert focused != screen.article_list.styles.border_top, theme
    assert failures == [], "\n".join(failures)
