"""The reader: article list, text and annotation panes, legend and status line.

The screen draws; its ``AnnotationSession`` (``tui/session.py``) decides what a
key means and writes it (committed before it returns, never making the UI
thread wait on another process's write lock). The panes are then redrawn from
what was saved and the status line says "saved".
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input

from hanmark.store import HanmarkError, Store
from hanmark.store.colour import usable_colour
from hanmark.store.models import Article, Label, Span

from ..messages import (
    ArticleAnalysed,
    ArticleChosen,
    CursorMoved,
    ReportsWorkerFailures,
    SuggestionsMade,
)
from ..session import AnnotationSession, Outcome
from ..textcells import safe
from ..widgets.article_list import ArticleList
from ..widgets.legend import Legend
from ..widgets.span_table import SpanTable
from ..widgets.status_line import StatusLine
from ..widgets.text_view import Selection, TextView
from ..widgets.virtual_table import VirtualTable
from .reader_tools import ReaderTools, reports_errors
from .reader_workers import ReaderWorkers, kiwi_child_process_stops, kiwi_in_child_process

CURSOR_SAVE_INTERVAL = 1.0  # seconds; the cursor is also saved on leaving and on quit
BOUNDARY_KEYS = [  # key, side, unit, delta, description
    ("left_square_bracket", "start", "char", -1, "Start ← char"),
    ("right_square_bracket", "start", "char", 1, "Start → char"),
    ("left_curly_bracket", "end", "char", -1, "End ← char"),
    ("right_curly_bracket", "end", "char", 1, "End → char"),
    ("comma", "start", "morpheme", -1, "Start ← morpheme"),
    ("full_stop", "start", "morpheme", 1, "Start → morpheme"),
    ("less_than_sign", "end", "morpheme", -1, "End ← morpheme"),
    ("greater_than_sign", "end", "morpheme", 1, "End → morpheme"),
]
# Actions on the open article: off while the article list or an input has the focus.
ARTICLE_ACTIONS = {"label", "accept", "accept_all", "remove", "reject_everywhere",
                   "next_span", "next_pending",
                   "undo", "redo",
                   "done", "skip", "copy", "copy_article", "note", "boundary", "pick_label",
                   "overlay", "review"}


def keyed_labels(labels: list[Label]) -> dict[int, Label]:
    """The labels the number keys reach: by each label's key, else the first nine."""
    by_key = {int(label.key): label for label in labels
              if label.key and label.key.isdigit() and 1 <= int(label.key) <= 9}
    return by_key or dict(enumerate(labels[:9], start=1))


class MainScreen(ReaderWorkers, ReaderTools, ReportsWorkerFailures, Screen):
    BINDINGS = [
        Binding("tab", "app.focus_next", "Next pane", show=False, id="focus-next"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False,
                id="focus-previous"),
        Binding("slash", "search", "Search", id="search"),
        *(Binding(str(n), f"label({n})", "Label" if n == 1 else f"Label {n}",
                  show=n == 1, key_display="1-9" if n == 1 else None, id=f"label-{n}")
          for n in range(1, 10)),
        Binding("enter,space", "accept", "Accept", id="accept"),
        Binding("A", "accept_all", "Accept all", id="accept-all"),
        Binding("x,delete", "remove", "Remove", id="remove"),
        Binding("X", "reject_everywhere", "Reject form everywhere", show=False,
                id="reject-everywhere"),
        Binding("n", "next_span(1)", "Next span", id="next-span"),
        Binding("p", "next_span(-1)", "Prev span", show=False, id="previous-span"),
        Binding("N", "next_pending(1)", "Next pending", id="next-pending"),
        Binding("P", "next_pending(-1)", "Prev pending", show=False, id="previous-pending"),
        Binding("ctrl+z,u", "undo", "Undo", id="undo"),
        Binding("ctrl+y,U", "redo", "Redo", show=False, id="redo"),
        Binding("d", "done", "Done", id="done"),
        Binding("s", "skip", "Skip", id="skip"),
        Binding("c", "copy", "Copy", show=False, id="copy"),
        Binding("C", "copy_article", "Copy JSON", show=False, id="copy-article"),
        Binding("e", "note", "Note", show=False, id="note"),
        Binding("l", "pick_label", "Pick label", id="pick-label"),
        Binding("o", "overlay", "Overlay annotator", show=False, id="overlay"),
        Binding("R", "review", "Review", show=False, id="review"),
        Binding("z", "zoom", "Zoom text", show=False, id="zoom"),
        Binding("S", "statistics", "Statistics", show=False, id="statistics"),
        *(Binding(key, f"boundary('{side}', '{unit}', {delta})", text, show=False,
                  id=f"boundary-{side}-{unit}-{'left' if delta < 0 else 'right'}")
          for key, side, unit, delta, text in BOUNDARY_KEYS),
    ]

    # State the screen holds and its children show (bound in compose, as toolong's
    # LogView does): the open article, and the labels on the number keys.
    open_uid: reactive[str | None] = reactive(None, init=False, always_update=True)
    key_labels: reactive[list[Label]] = reactive(list, init=False)

    def __init__(self, store: Store, annotator: str,
                 label_colours: dict[str, str] | None = None):
        super().__init__()
        self.store, self.annotator = store, annotator
        overrides = label_colours or {}
        self.labels: list[Label] = [  # a stored colour may not be one: drawn grey then
            replace(label, colour=usable_colour(overrides.get(label.name, label.colour)))
            for label in store.labels.all()]
        self.colours = {label.name: label.colour for label in self.labels}
        self.keyed = keyed_labels(self.labels)
        self.set_reactive(MainScreen.key_labels, [self.keyed[k] for k in sorted(self.keyed)])
        self.session = AnnotationSession(store, annotator, lambda: self.status.say(
            "Waiting for another hanmark process to finish writing…"))
        self._unsaved_cursors: dict[str, int] = {}  # article -> cursor, for write_cursors
        self._cursor_lock = threading.Lock()
        self.overlaid: str | None = None
        self._analysing = False  # the open article's morphemes have not arrived yet
        self._held: list[tuple[int, Callable[[], Awaitable]]] = []  # keys that wait for them

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield Input(placeholder="search titles and text", id="search")
                yield ArticleList(self.store, id="articles").data_bind(MainScreen.open_uid)
            yield TextView(id="text")
            yield SpanTable(id="spans")
        yield Legend(id="legend").data_bind(labels=MainScreen.key_labels)
        yield StatusLine(id="status")
        yield Footer()

    @property
    def text_view(self) -> TextView:
        return self.query_one(TextView)

    @property
    def table(self) -> SpanTable:
        return self.query_one(SpanTable)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def article(self) -> Article | None:
        return self.session.article

    def on_mount(self) -> None:
        self.call_after_refresh(kiwi_in_child_process)  # before any worker asks for Kiwi
        self.set_interval(CURSOR_SAVE_INTERVAL, self.save_cursor)
        self.set_timer(0.25, self.prepare)
        self.article_list.reload()
        self.warn_about_keymap()
        first = self.store.articles.next_after(None) or self.article_list.row(0)
        if first is None:
            self.status.say("No articles yet: import some with `hanmark import FILES`.")
            self.article_list.focus()
            return
        # Paint the panes first; the article fills in on the next frame (start-up
        # reaches a usable screen sooner, and nothing waits on the text's layout).
        self.call_after_refresh(self.open_article,
                                first if isinstance(first, str) else first.uid)

    def on_unmount(self) -> None:
        kiwi_child_process_stops()  # workers are cancelled as the app ends; Kiwi's too

    # -- opening articles -----------------------------------------------------

    def open_article(self, uid: str) -> None:
        """Show an article at once; its morphemes and suggestions follow from workers.
        One that cannot be read (damaged pages) is said on the status line, and the
        article shown before stays."""
        self.save_cursor()
        try:
            article = self.session.open(uid)
        except HanmarkError as exc:  # the one database needs no naming on the status line
            self.status.say("This article cannot be opened: "
                            + str(exc).removeprefix(f"{self.store.path}: "), warn=True)
            return
        self.overlaid, self._analysing, self._held = None, True, []
        view = self.text_view
        view.load(article.text, self.session.spans, self.labels, cursor=article.cursor)
        view.border_title = Text(safe(article.title or "(untitled)"))  # data, not markup
        self.table.set_spans(self.session.spans, article.text, self.colours)
        self.open_uid = uid
        view.focus()
        self.status.set_info(f"analysing morphemes (moving by character) · {self.annotator}")
        self.call_after_refresh(self.analyse, uid)  # paint first: parsing holds the GIL

    async def on_article_analysed(self, message: ArticleAnalysed) -> None:
        if self.article is None or message.uid != self.article.uid:
            return
        self._analysing = False
        if message.analysis is None:
            self.status.say(f"No morphemes ({message.error}); the cursor moves by character.",
                            warn=True)
            self.status.set_info(f"no morphemes · {self.annotator}")
            await self.release_held()  # the whole word, then
            return
        view = self.text_view
        view.set_analysis(message.analysis)
        tokens = message.analysis.tokens
        if self.article.cursor == 0 and tokens and view.cursor < tokens[0].start:
            view.move_to(tokens[0].start)  # a fresh article: start on its first morpheme
        self.status.set_info(f"morphemes ready · {self.annotator}")
        await self.release_held()
        self.suggest(message.uid, message.analysis)

    def on_suggestions_made(self, message: SuggestionsMade) -> None:
        if self.article is not None and self.article.uid in message.uids:
            self.refresh_spans()
        if message.uids:
            self.article_list.refresh_rows()

    @on(ArticleChosen)
    def chosen(self, message: ArticleChosen) -> None:
        self.open_article(message.uid)

    # -- cursor and table sync ------------------------------------------------

    def on_cursor_moved(self, message: CursorMoved) -> None:
        self.table.select_span(self.text_view.span_at(message.offset))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Entering the spans pane: its row is the span under the text cursor, or
        the next one; the article stays where it is."""
        if event.widget is self.table:
            self.table.select_span(self.text_view.span_at(self.text_view.cursor))
            self.table.select_from(self.text_view.cursor)

    @on(VirtualTable.RowHighlighted, "#spans")
    def row_highlighted(self, message: VirtualTable.RowHighlighted) -> None:
        span = self.table.current_span()
        if span is not None and self.table.has_focus:
            self.text_view.move_to(span.start, quiet=True)

    # -- after every write ----------------------------------------------------

    def refresh_spans(self, where: tuple[int, int] | None = None) -> None:
        """Re-read the spans (all, or those overlapping ``where``) and redraw them."""
        self.session.reload(where)
        self.draw_spans(where)

    def draw_spans(self, where: tuple[int, int] | None = None) -> None:
        """Draw the session's spans: the lines of ``where`` (or all), the spans pane,
        the count of pending suggestions."""
        session = self.session
        self.text_view.set_spans(session.spans, where)
        self.table.set_spans(session.spans, session.article.text, self.colours)
        pending = session.pending
        self.status.set_info(f"{pending} suggestion{'s' * (pending != 1)} · {self.annotator}")
        self.sync_cursors()

    def sync_cursors(self) -> None:
        """The text cursor and the spans pane point at the same span: after a change
        in the pane (x moves its row to the next span) the text follows the pane,
        else the pane follows the text (no row when the cursor is on no span)."""
        if self.table.has_focus and self.table.current_span() is not None:
            self.text_view.move_to(self.table.current_span().start, quiet=True)
        else:
            self.table.select_span(self.text_view.span_at(self.text_view.cursor))

    def show(self, outcome: Outcome) -> None:
        """Draw what a change did: the spans it touched, the counts, the status line,
        then its follow-ups (after the repaint)."""
        if not outcome.saved:
            self.status.say(outcome.message)
            return
        self.draw_spans(outcome.where)
        self.article_list.set_label_count(self.article.uid, self.session.accepted)
        self.status.say(outcome.message, saved=True)
        if outcome.edits:
            self.call_after_refresh(self.propagate, outcome.edits, self.text_view.analysis)
        elif outcome.relearn:
            self.call_after_refresh(self.relearn)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ARTICLE_ACTIONS:
            if isinstance(self.focused, ArticleList | Input):
                return False
            if self.article is None:
                return None
        return True

    def target_span(self) -> Span | None:
        """The span a key acts on: the table's row when it has the focus, else the cursor's."""
        if self.focused is self.table:
            return self.table.current_span()
        return self.text_view.span_at(self.text_view.cursor)

    def surface(self, start: int, end: int) -> str:
        return safe(self.article.text[start:end])

    # -- actions --------------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#search")
    def searched(self, event: Input.Submitted) -> None:
        event.input.display = bool(event.value)
        self.article_list.set_filter(search=event.value.strip())
        self.article_list.focus()

    async def action_label(self, key: int) -> None:
        label = self.keyed.get(key)
        if label is None:
            self.status.say(f"No label on key {key}; press l to pick one by name.", warn=True)
            return
        await self.apply_label(label.name)

    def key_target(self) -> tuple[Span | None, tuple[int, int] | None]:
        """What a label key acts on: the span to relabel, else the range to label
        (the selection, or the morpheme under the cursor); both None: nothing."""
        view = self.text_view
        span = self.target_span() if view.selection is None else None
        return span, None if span is not None else view.labelled_range()

    @reports_errors
    async def apply_label(self, label: str, target: tuple | None = None) -> None:
        """Label the selection (or the morpheme under the cursor), or relabel the
        span there. Before the article's morphemes arrive, a word's particle cannot
        be told apart: the key waits for them (``on_article_analysed``)."""
        view = self.text_view
        if target is None and self._analysing and view.selection is None \
                and self.target_span() is None:
            self.hold(partial(self.apply_label, label),
                      f"{label}: waiting for the morphemes, so that no particle is labeled "
                      "with the word…")
            return
        span, where = target or self.key_target()
        if span is None and where is None:
            self.status.say("Nothing to label here: move onto a word.", warn=True)
            return
        outcome = await self.session.label(label, span=span, where=where)
        view.set_selection(None)
        self.show(outcome)

    def hold(self, action: Callable[[], Awaitable], message: str) -> None:
        """Keep a key that needs the morphemes until they arrive (``release_held``)."""
        self._held.append((self.text_view.cursor, action))
        self.status.say(message)

    async def release_held(self) -> None:
        """The keys held for the morphemes, in order, each where it was pressed."""
        held, self._held = self._held, []
        for offset, action in held:
            self.text_view.move_to(offset)
            await action()

    @reports_errors
    async def action_accept(self) -> None:
        span = self.target_span()
        if span is None or span.state != "suggested":
            self.status.say("No suggestion under the cursor.", warn=True)
            return
        self.show(await self.session.accept(span))

    def action_accept_all(self) -> None:
        """Ask once, saying how many, before accepting every pending suggestion
        (or every one of a label)."""
        from .accept_all import AcceptAllScreen

        counts: dict[str, int] = {}
        for span in self.session.spans:
            if span.state == "suggested":
                counts[span.label] = counts.get(span.label, 0) + 1
        if not counts:
            self.status.say("No suggestions to accept in this article.")
            return
        self.app.push_screen(AcceptAllScreen(counts, self.keyed), self._accept_all)

    @reports_errors
    async def _accept_all(self, label: str | None) -> None:
        if label is None:
            self.status.say("Nothing accepted.")
            return
        self.show(await self.session.accept_all(label or None))

    def action_next_pending(self, direction: int) -> None:
        """Move to the next (or previous) suggestion still waiting for a decision."""
        span = self.session.pending_from(self.text_view.cursor, direction)
        wrapped = ""
        if span is None and direction > 0:  # on to the next article that has one
            following = self.store.articles.next_after(self.article.uid, skip_done=False,
                                                       pending=True)
            if following is not None and following != self.article.uid:
                self.open_article(following)
                span = self.session.pending_from(-1, 1)
                wrapped = f"next article, {self.article.title or '(untitled)'}: "
        if span is None:
            self.status.say("No pending suggestion that way.")
            return
        self.text_view.move_to(span.start)
        confidence = "" if span.confidence is None else f", confidence {span.confidence:.2f}"
        self.status.say(f"{wrapped}suggested {span.label} for "
                        f"{self.surface(span.start, span.end)}{confidence} "
                        f"({self.session.pending} pending)")

    @reports_errors
    async def action_reject_everywhere(self) -> None:
        span = self.target_span()
        if span is None or span.state != "suggested":
            self.status.say("X rejects a suggestion's form everywhere: move onto a suggestion.",
                            warn=True)
            return
        self.show(await self.session.reject_everywhere(span))
        self.article_list.refresh_rows()  # other articles lost suggestions too

    @reports_errors
    async def action_remove(self) -> None:
        span = self.target_span()
        if span is None:
            self.status.say("No span under the cursor.", warn=True)
            return
        self.show(await self.session.remove(span))

    def action_next_span(self, direction: int) -> None:
        view = self.text_view
        starts = [s.start for s in view.spans]
        if direction > 0:
            later = [s for s in starts if s > view.cursor]
            target = later[0] if later else None
        else:
            earlier = [s for s in starts if s < view.cursor]
            target = earlier[-1] if earlier else None
        if target is None:
            self.status.say("No more spans that way.")
            return
        view.move_to(target)

    @reports_errors
    async def action_undo(self) -> None:
        self.show(await self.session.replay("undo"))

    @reports_errors
    async def action_redo(self) -> None:
        self.show(await self.session.replay("redo"))

    @reports_errors
    async def _finish(self, status: str) -> None:
        self.save_cursor()
        outcome, following = await self.session.finish(status)
        self.article_list.reload()  # the status column and a status filter changed
        if following is None:
            self.show(outcome)
            return
        self.open_article(following)
        self.status.say(outcome.message, saved=True)

    async def action_done(self) -> None:
        await self._finish("done")

    async def action_skip(self) -> None:
        await self._finish("skipped")

    @reports_errors
    async def action_boundary(self, side: str, unit: str, delta: int) -> None:
        """Move an edge of the selection or of the span under the cursor. A morpheme
        move waits for the morphemes: it lands where it will on any later visit."""
        view = self.text_view
        if unit == "morpheme" and self._analysing:
            self.hold(partial(self.action_boundary, side, unit, delta),
                      "waiting for the morphemes to move the edge by one…")
            return
        sel = view.selection
        if sel is not None and self.focused is view:
            start, end = view.nudged((sel.start, sel.end), side, unit, delta)
            view.set_selection(Selection(start, end, sel.by_morpheme and unit == "morpheme"))
            self.status.say(f"selection: {self.surface(start, end)}")
            return
        span = self.target_span()
        if span is None:
            self.status.say("Select something, or move onto a span, to move its edge.",
                            warn=True)
            return
        start, end = view.nudged((span.start, span.end), side, unit, delta)
        if (start, end) == (span.start, span.end):
            return
        self.show(await self.session.move_edges(span, start, end))

    # -- the command palette and the help screen --------------------------------
