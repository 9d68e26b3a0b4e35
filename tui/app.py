"""The hanmark Textual app (minimal until the reader lands)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from store import Store


class HanmarkApp(App):
    TITLE = "hanmark"

    def __init__(self, store: Store, annotator: str):
        super().__init__()
        self.store = store
        self.annotator = annotator

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{self.store.count_articles()} articles in {self.store.path}")
        yield Footer()
