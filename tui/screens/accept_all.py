"""Asks once before accepting many suggestions: all of them, or one label's."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from hanmark.store import Label

from ..textcells import safe


class AcceptAllScreen(ModalScreen[str | None]):
    """Dismisses with "" (accept all: A or enter), a label's name (its number key:
    only that label's suggestions) or None (escape, or any other key)."""

    DEFAULT_CSS = """
    AcceptAllScreen { align: center middle; }
    AcceptAllScreen > Static {
        width: auto; max-width: 90%; height: auto; border: round $warning;
        background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("A,enter", "choose", "Accept all", id="accept-all.confirm"),
                Binding("escape", "cancel", "Cancel", id="accept-all.cancel")]

    def __init__(self, counts: dict[str, int], keyed: dict[int, Label]):
        super().__init__()
        self.counts = counts
        self.by_key = {str(key): label.name for key, label in keyed.items()
                       if counts.get(label.name)}

    def compose(self) -> ComposeResult:
        total = sum(self.counts.values())
        text = Text(f"Accept {total} suggestion{'s' * (total != 1)}?\n", style="bold")
        text.append("A or enter: all · esc: cancel")
        if self.by_key:
            text.append("\nonly one label: " + "  ".join(
                f"{key} {safe(name)} ({self.counts[name]})" for key, name in self.by_key.items()))
        yield Static(text)

    def on_key(self, event: events.Key) -> None:
        if event.key in self.by_key:
            event.stop()
            self.dismiss(self.by_key[event.key])
        elif event.key not in ("A", "enter", "escape"):
            event.stop()
            self.dismiss(None)

    def action_choose(self) -> None:
        self.dismiss("")

    def action_cancel(self) -> None:
        self.dismiss(None)
