"""Help and the palette show keys as people type them and actions in words."""

from __future__ import annotations

from rich.console import Console

from hanmark.store import Store
from hanmark.tui.screens.help import HelpScreen, bindings_table
from tests.tui.conftest import reader, settle
from tests.tui.screen_text import screen_text


async def test_keys_as_typed_and_actions_in_words(store: Store, seeded: str,
                                                  no_suggestions: None) -> None:
    async with reader(store).run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        app = pilot.app
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, record=True)
        console.print(bindings_table(app.screen.sections, dict(app._keymap),
                                     app.get_key_display))
        rows = console.export_text().splitlines()
        assert any(" . " in row and "Start → morpheme" in row for row in rows)
        assert not any("full_stop" in row or "help_quit" in row for row in rows)
        assert any("help quit" in row for row in rows)  # Textual's own ctrl+c hint, in words
        await pilot.press("escape", "ctrl+p", *"Start → morpheme")
        await pilot.pause()
        palette = screen_text(app)
        assert "keys: ." in palette and "full_stop" not in palette
