"""Statistics: progress, labels, speed and agreement, as bar charts."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hanmark.nlp.versions import active_summary
from hanmark.store import Store
from hanmark.store.agreement import agreement

from ..charts import stats_charts
from ..textcells import safe


class StatsScreen(Screen[None]):
    DEFAULT_CSS = """
    StatsScreen VerticalScroll { padding: 0 2; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Back", id="stats.close"),
        Binding("r", "refresh_stats", "Refresh", id="stats.refresh"),
    ]

    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="stats-charts")
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh_stats()

    def action_refresh_stats(self) -> None:
        colours = {label.name: label.colour for label in self.store.labels.all()}
        charts = stats_charts(self.store.stats.summary(), self.store.stats.labeling_activity(),
                              agreement(self.store), colours)
        model = Text(safe(active_summary()), style="bold")  # plain text: paths are data
        self.query_one("#stats-charts", Static).update(Group(model, Text(), *charts))

    def action_close(self) -> None:
        self.dismiss(None)
