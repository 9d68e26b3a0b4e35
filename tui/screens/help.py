"""The help screen (``?``): every key of every pane, as currently mapped."""

from __future__ import annotations

import re

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..textcells import safe


def keys_shown(keys: str, key_display) -> str:
    """Keys as people type them (``.`` for ``full_stop``), from a binding's key list
    (which may come from the settings file: drawn ``safe`` by the caller)."""
    return ", ".join(key_display(Binding(k.strip(), "")) for k in keys.split(","))


def described(binding: Binding) -> str:
    """A binding's action in words: its description, else its action's name
    (``help_quit``: "help quit", ``move('page_down')``: "move page down")."""
    if binding.description:
        return binding.description
    return " ".join(re.findall(r"[a-z]+", binding.action.lower()))


def bindings_table(sections: list[tuple[str, list[Binding]]], keymap: dict[str, str],
                   key_display) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, expand=True)
    table.add_column("pane", style="dim")
    table.add_column("keys", style="bold cyan")
    table.add_column("action")
    table.add_column("id", style="dim")
    for pane, bindings in sections:
        for binding in bindings:
            keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
            table.add_row(Text(pane), Text(safe(keys_shown(keys, key_display))),
                          Text(described(binding)), Text(binding.id or ""))
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, sections: list[tuple[str, list[Binding]]]):
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys (escape closes; ctrl+p finds any action by name)"
            yield Static(bindings_table(self.sections, dict(self.app._keymap),
                                        self.app.get_key_display))
