"""One line that says what just happened, and "saved" once the store has committed it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $boost; }
    """

    def say(self, message: str, *, saved: bool = False, warn: bool = False) -> None:
        """Show ``message`` (plain text, never markup), after a green "saved" when committed."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if saved:
            text.append("saved ", style="bold green")
        text.append(message, style="yellow" if warn else "")
        self.update(text)
