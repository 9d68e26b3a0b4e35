"""The hanmark Textual app: wiring, app-wide keys and the command palette."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.worker import Worker

from hanmark.store import Store

from .screens.help import HelpScreen, keys_shown
from .screens.main import MainScreen
from .textcells import safe


class HanmarkApp(App):
    TITLE = "hanmark"
    CSS_PATH = "hanmark.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="quit"),
        Binding("q", "quit", "Quit", id="quit-q"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="help-quit"),
    ]

    def __init__(self, store: Store, annotator: str,
                 label_colours: dict[str, str] | None = None):
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.label_colours = label_colours or {}
        self.remember_theme = False  # set by the CLI, so a theme picked in ctrl+p persists

    def get_default_screen(self) -> Screen:
        return MainScreen(self.store, self.annotator, self.label_colours)

    def watch_theme(self, theme: str) -> None:
        if self.remember_theme:
            from .config import save_theme

            save_theme(theme)

    @property
    def main(self) -> MainScreen:
        return self.screen_stack[0]

    @staticmethod
    def binding_chains() -> list[list[list]]:
        """Bindings that answer one key press together, innermost first: a pane of
        the reader, the reader and the app; or another screen and the app."""
        from textual.binding import Binding

        from .screens.accept_all import AcceptAllScreen
        from .screens.label_picker import LabelPicker
        from .screens.note import NoteScreen
        from .screens.review import ReviewScreen
        from .screens.stats import StatsScreen
        from .widgets.article_list import ArticleList
        from .widgets.span_table import SpanTable
        from .widgets.text_view import TextView

        def of(cls: type) -> list[Binding]:  # with inherited ones; ours all have ids
            return [b for b in Binding.make_bindings(
                b for klass in reversed(cls.__mro__) for b in vars(klass).get("BINDINGS", []))
                if b.id]

        app, reader = of(HanmarkApp), of(MainScreen)
        return ([[of(pane), reader, app] for pane in (TextView, ArticleList, SpanTable)]
                + [[of(screen), app] for screen in (StatsScreen, HelpScreen, ReviewScreen,
                                                    LabelPicker, NoteScreen, AcceptAllScreen)])

    def worker_failed(self, worker: Worker) -> None:
        """The one place for every worker's failure (``ReportsWorkerFailures``): the
        reader's status line says it, and the app carries on (a label is saved by
        its key's action, never by a worker, so none is lost)."""
        message = f"{worker.description} failed: {worker.error}"
        self.main.status.say(message, warn=True)
        if self.screen is not self.main:
            self.notify(safe(message), severity="error", markup=False)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            sections = [(name, bindings) for name, _node, bindings in self.main.binding_sections()]
            self.push_screen(HelpScreen(sections))

    async def action_quit(self) -> None:
        self.main.save_cursor(wait=True)
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers every key's action by name, run on the pane it belongs to."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for pane, node, bindings in screen.binding_sections():
            for binding in bindings:
                if binding.system or not binding.description:
                    continue
                keys = keys_shown(self._keymap.get(binding.id, binding.key),
                                  self.get_key_display)
                # the palette reads these as markup; descriptions name labels (data)
                yield SystemCommand(escape(f"{binding.description} ({pane})"),
                                    escape(f"keys: {safe(keys)}"),
                                    partial(node.run_action, binding.action))
