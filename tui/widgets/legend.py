"""The legend: each label's key and colour, and how suggestions differ from labels."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from hanmark.store.models import Label

from ..textcells import safe
from .text_view import label_styles


def legend_text(labels: list[Label], *, compact: bool = False) -> Text:
    styles = label_styles(labels)
    text = Text()
    for position, label in enumerate(labels[:9], start=1):
        accepted, _ = styles[label.name]
        text.append(safe(label.key or f"{position}"), style="bold")
        text.append(" ")
        text.append(f" {safe(label.name)} ", style=accepted)
        if label.description and not compact:
            text.append(f" {safe(label.description)}")
        text.append("  ")
    if labels:
        _, suggested = styles[labels[0].name]
        text.append("label", style=styles[labels[0].name][0])
        text.append(" accepted ")
        text.append("label", style=suggested)
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

    def on_resize(self) -> None:
        self._show()

    def _show(self) -> None:
        self.update(legend_text(self.labels, compact=self.size.width < 100))
