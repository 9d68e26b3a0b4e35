"""A one-line prompt for a span's note."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from hanmark.store.textclean import clean_field

from ..textcells import safe


class NoteScreen(ModalScreen[str | None]):
    """Dismisses with the note (enter) or None (escape)."""

    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    NoteScreen > Vertical {
        width: 70; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, about: str, note: str):
        super().__init__()
        self.about, self.note = about, note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(safe(self.about)))
            # a stored note may hold escapes (an older or hostile hanmark): edited clean
            yield Input(value=clean_field(self.note)[0],
                        placeholder="note (enter saves, escape cancels)")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(clean_field(event.value)[0])  # pasted text too

    def action_cancel(self) -> None:
        self.dismiss(None)
