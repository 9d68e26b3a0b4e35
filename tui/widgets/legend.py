"""The legend: each label's key and colour, and how suggestions differ from labels."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from hanmark.store.models import Label

from ..colours import background_of, label_style
from ..textcells import safe
from .text_view import label_colours, suggested_style


def legend_text(labels: list[Label], background: str, *, compact: bool = False) -> Text:
    """Keys and label colours; a suggestion's sample legible on ``background``."""
    colours = label_colours(labels)
    text = Text()
    for position, label in enumerate(labels[:9], start=1):
        text.append(safe(label.key or f"{position}"), style="bold")
        text.append(" ")
        text.append(f" {safe(label.name)} ", style=label_style(colours[label.name]))
        if label.description and not compact:
            text.append(f" {safe(label.description)}")
        text.append("  ")
    if labels:
        first = colours[labels[0].name]
        text.append("label", style=label_style(first))
        text.append(" accepted ")
        text.append("label", style=suggested_style(first, background))
        text.append(" suggested")
    return text


class Legend(Static):
    """Label descriptions are left out when the terminal is narrow, to keep one line."""

    DEFAULT_CSS = """
    Legend { height: auto; padding: 0 1; background: $panel; }
    """
    labels: reactive[list[Label]] = reactive(list, always_update=True)

    def watch_labels(self) -> None:
        self._show()

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _theme: self._show(), init=False)

    def on_resize(self) -> None:
        self._show()

    def _show(self) -> None:
        background = background_of(self.rich_style, self.app.current_theme.dark)
        self.update(legend_text(self.labels, background, compact=self.size.width < 100))
