"""The label picker: a popup that finds one label among many as you type.

Number keys reach nine labels; sets like NIKL's 150 types need this. Type
a few characters of a name, a Korean description or an example, move with
the arrows, choose with ``enter``; ``escape`` cancels. Dismisses with the
label's name, or None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from hanmark.store import Label

from ..colours import label_style
from ..label_search import rank
from ..textcells import safe


class LabelPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    LabelPicker { align: center middle; }
    LabelPicker > #picker {
        width: 90%; max-width: 100; height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    LabelPicker #picker-options {
        height: 1fr; border: none; text-wrap: nowrap; text-overflow: ellipsis;
    }
    LabelPicker #picker-count { color: $text-muted; height: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker-cancel"),
        Binding("down", "move('cursor_down')", "Next", show=False, id="picker-next"),
        Binding("up", "move('cursor_up')", "Previous", show=False, id="picker-previous"),
        Binding("pagedown", "move('page_down')", show=False, id="picker-page-down"),
        Binding("pageup", "move('page_up')", show=False, id="picker-page-up"),
    ]

    def __init__(self, labels: Sequence[Label], recent: Sequence[str] = (),
                 colours: Mapping[str, str] | None = None, target: str = "") -> None:
        """``recent``: label names, most recent first; ``colours``: overrides
        (the config file's ``[label_colours]``); ``target``: what the label goes
        on (text and offsets), the picker's title."""
        super().__init__()
        self.target = target
        self.labels, self.recent = list(labels), list(recent)
        self.colours = {lab.name: lab.colour for lab in self.labels} | dict(colours or {})
        self.matches: list[Label] = []
        self.name_width = max((len(lab.name) for lab in self.labels), default=0)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Input(placeholder="Label name, 설명 or example…", id="picker-query")
            options = OptionList(id="picker-options")
            options.can_focus = False  # typing stays in the query; arrows move the list
            yield options
            yield Static(id="picker-count")

    def on_mount(self) -> None:
        self.query_one("#picker").border_title = Text(safe(self.target))  # text is data
        self._refill("")

    @on(Input.Changed)
    def _query_changed(self, event: Input.Changed) -> None:
        self._refill(event.value)

    def _refill(self, query: str) -> None:
        self.matches = rank(self.labels, query, self.recent)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(self._prompt(lab), id=lab.name) for lab in self.matches)
        if self.matches:
            options.highlighted = 0
        shown = f"{len(self.matches)} of {len(self.labels)} labels"
        self.query_one("#picker-count", Static).update(
            Text(shown if self.matches else safe(f"No label matches {query.strip()!r}.")))

    def _prompt(self, label: Label) -> Text:
        """Labels are data, never markup: built as ``Text`` pieces, drawn as ``safe`` shows them."""
        prompt = Text.assemble(
            (f" {safe(label.name)} ", label_style(self.colours[label.name])),
            " " * (self.name_width - len(label.name)),
            (f" [{safe(label.key)}]" if label.key else "    ", "bold"),
            (" ★" if label.name in self.recent else "  ", "bold"),
            "  ", safe(label.description))
        if label.examples:
            prompt.append(f"  {safe(label.examples)}", style="dim")
        return prompt

    def action_move(self, how: str) -> None:
        getattr(self.query_one(OptionList), f"action_{how}")()

    @on(Input.Submitted)
    def _choose_highlighted(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None:
            self.app.bell()
            return
        self.dismiss(self.matches[index].name)

    @on(OptionList.OptionSelected)
    def _choose_clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
