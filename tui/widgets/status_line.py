"""One line: what just happened (with "saved" once the store has committed it) on
the left, the reader's state (analysis, annotator) on the right."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..textcells import safe


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $boost; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.message = Text()
        self.info = Text()

    def say(self, message: str, *, saved: bool = False, warn: bool = False) -> None:
        """Show ``message`` (plain text, never markup; names and text in it drawn
        as ``safe`` shows them), after a green "saved" when committed."""
        self.message = Text(no_wrap=True, overflow="ellipsis")
        if saved:
            self.message.append("saved ", style="bold green")
        self.message.append(safe(message), style="yellow" if warn else "")
        self._show()

    def set_info(self, info: str) -> None:
        self.info = Text(safe(info), style="dim", no_wrap=True, overflow="ellipsis")
        self._show()

    def _show(self) -> None:
        room = max(self.content_region.width - self.info.cell_len - 1, 0)
        line = self.message.copy()
        line.truncate(room, overflow="ellipsis", pad=True)
        line.append(" ")
        line.append_text(self.info)
        self.update(line, layout=False)  # one line, always: a relayout of the screen
        # on every message was the costliest part of a label key's repaint

    def on_resize(self) -> None:
        self._show()
