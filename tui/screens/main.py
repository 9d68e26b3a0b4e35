"""The reader: article list, text and annotation panes, legend and status line.

The screen owns every write: each key's change goes to the store through
``save`` (which commits before returning and never makes the UI thread wait
on another process's write lock), then the panes are redrawn from what was
saved and the status line says "saved".
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial, wraps
from typing import Any, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState

from hanmark.store import HanmarkError, Store
from hanmark.store.colour import usable_colour
from hanmark.store.models import Article, Label, Span

from ..connections import commit, own_store
from ..messages import ArticleAnalysed, ArticleChosen, CursorMoved, SuggestionsMade
from ..textcells import safe
from ..widgets.article_list import ArticleList
from ..widgets.legend import Legend
from ..widgets.span_table import SpanTable
from ..widgets.status_line import StatusLine
from ..widgets.text_view import Selection, TextView
from ..widgets.virtual_table import VirtualTable
from .note import NoteScreen

T = TypeVar("T")
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
ARTICLE_ACTIONS = {"label", "accept", "accept_all", "remove", "next_span", "undo", "redo",
                   "done", "skip", "copy", "copy_article", "note", "boundary", "pick_label",
                   "overlay", "review"}


def reports_errors(action: Callable[..., Awaitable]) -> Callable[..., Awaitable]:
    """A write the store refuses (read-only file, a locked database, a removed label)
    is said on the status line; the app carries on."""

    @wraps(action)
    async def wrapper(self: MainScreen, *args: Any) -> Any:
        try:
            return await action(self, *args)
        except HanmarkError as exc:
            self.status.say(str(exc), warn=True)
            return None

    return wrapper


def kiwi_in_child_process() -> None:
    """The app's Kiwi runs in a child process: loading it and teaching it words
    would otherwise hold the GIL, and so the screen, for seconds."""
    from hanmark.nlp.analyzer import use_child_process

    use_child_process()


def copy_to_clipboard(app, text: str) -> str:
    """Copy with pyperclip; without a clipboard program, fall back to OSC 52.

    Returns how it was copied, for the status line.
    """
    import pyperclip

    try:
        pyperclip.copy(text)
        return "the system clipboard"
    except pyperclip.PyperclipException:
        app.copy_to_clipboard(text)
        return "OSC 52 (no clipboard program found; the terminal must allow it)"


def keyed_labels(labels: list[Label]) -> dict[int, Label]:
    """The labels the number keys reach: by each label's key, else the first nine."""
    by_key = {int(label.key): label for label in labels
              if label.key and label.key.isdigit() and 1 <= int(label.key) <= 9}
    return by_key or dict(enumerate(labels[:9], start=1))


def split_layers(spans: list[Span], annotator: str) -> tuple[list[Span], list[Span]]:
    """The annotator's own layer (their labels, imported labels and suggestions) and the
    other annotators' labels, which are shown only as an overlay."""
    mine, others = [], []
    for span in spans:
        theirs = (span.state != "suggested" and span.origin != "import"
                  and span.annotator != annotator)
        (others if theirs else mine).append(span)
    return mine, others


def update_span(span_id: int, annotator: str, changes: dict[str, Any], store: Store) -> Span:
    return store.spans.update(span_id, actor=annotator, **changes)


class MainScreen(Screen):
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
        Binding("n", "next_span(1)", "Next span", id="next-span"),
        Binding("p", "next_span(-1)", "Prev span", show=False, id="previous-span"),
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
        Binding("S", "statistics", "Statistics", show=False, id="statistics"),
        *(Binding(key, f"boundary('{side}', '{unit}', {delta})", text, show=False,
                  id=f"boundary-{side}-{unit}-{'left' if delta < 0 else 'right'}")
          for key, side, unit, delta, text in BOUNDARY_KEYS),
    ]

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
        self.article: Article | None = None
        self._unsaved_cursors: dict[str, int] = {}  # article -> cursor, for write_cursors
        self._cursor_lock = threading.Lock()
        self.spans: list[Span] = []  # the layer being edited: mine, imports, suggestions
        self.others: list[Span] = []  # other annotators' labels, drawn only as an overlay
        self.overlaid: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield Input(placeholder="search titles and text", id="search")
                yield ArticleList(self.store, id="articles")
            yield TextView(id="text")
            yield SpanTable(id="spans")
        yield Legend(id="legend")
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

    def on_mount(self) -> None:
        self.call_after_refresh(kiwi_in_child_process)  # before any worker asks for Kiwi
        self.set_interval(CURSOR_SAVE_INTERVAL, self.save_cursor)
        self.set_timer(0.25, self.prepare)
        self.query_one(Legend).labels = [self.keyed[k] for k in sorted(self.keyed)]
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

    def warn_about_keymap(self) -> None:
        """The settings' [keymap] ids that bind nothing, or keys it takes from another
        binding, said at start (all of them: ``hanmark config show``)."""
        from ..config import keymap_problems

        problems = keymap_problems(dict(self.app._keymap))  # as set_keymap got it
        if problems:
            more = len(problems) - 1
            self.status.say(problems[0] + (f" (and {more} more: hanmark config show)"
                                           if more else ""), warn=True)

    # -- opening articles -----------------------------------------------------

    def open_article(self, uid: str) -> None:
        """Show an article at once; its morphemes and suggestions follow from workers.
        One that cannot be read (damaged pages) is said on the status line, and the
        article shown before stays."""
        self.save_cursor()
        try:
            article = self.store.articles.get(uid)
            spans = self.store.spans.of(uid)
        except HanmarkError as exc:  # the one database needs no naming on the status line
            self.status.say("This article cannot be opened: "
                            + str(exc).removeprefix(f"{self.store.path}: "), warn=True)
            return
        self.article = article
        self.spans, self.others = split_layers(spans, self.annotator)
        self.overlaid = None
        view = self.text_view
        view.load(article.text, self.spans, self.labels, cursor=article.cursor)
        view.border_title = Text(safe(article.title or "(untitled)"))  # data, not markup
        self.table.set_spans(self.spans, article.text, self.colours)
        self.article_list.show_open(uid)
        view.focus()
        self.status.set_info(f"analysing morphemes (moving by character) · {self.annotator}")
        self.call_after_refresh(self.analyse, uid)  # paint first: parsing holds the GIL

    @work(thread=True, exit_on_error=False, description="load Kiwi and the model")
    def prepare(self) -> None:
        """Off the UI thread, once: Kiwi learns the forms people labeled before (it
        forgets them between runs, and they stop particles gluing to names), and the
        suggestion model loads before the first article needs it."""
        from hanmark.nlp.crf import default_model
        from hanmark.nlp.suggest import teach_analyzer

        # What exists now (Textual, then the model and its word clusters) lives as
        # long as the app: keep the collector from walking it, 40-60 ms a pass,
        # mid key press. Frozen before loading too: loading allocates enough to
        # start a full pass, which would walk the whole app once more.
        gc.freeze()
        with own_store(self.store) as store:
            teach_analyzer(store)
        default_model()
        gc.freeze()

    # Workers get a fixed description: the default one is the repr of the
    # arguments, and the repr of an analysis of a long article takes 0.1 s.
    @work(thread=True, exclusive=True, group="analysis", exit_on_error=False,
          description="analyse article")
    def analyse(self, uid: str) -> None:
        """Load Kiwi (first time only) and analyse the article off the UI thread."""
        from hanmark.nlp.analyzer import analysis_for  # Kiwi's module: not at start-up

        try:
            with own_store(self.store) as store:
                analysis = analysis_for(store, uid)
        except HanmarkError as exc:
            self.post_message(ArticleAnalysed(uid, None, str(exc)))
            return
        self.post_message(ArticleAnalysed(uid, analysis))

    def on_article_analysed(self, message: ArticleAnalysed) -> None:
        if self.article is None or message.uid != self.article.uid:
            return
        if message.analysis is None:
            self.status.say(f"No morphemes ({message.error}); the cursor moves by character.",
                            warn=True)
            self.status.set_info(f"no morphemes · {self.annotator}")
            return
        view = self.text_view
        view.set_analysis(message.analysis)
        tokens = message.analysis.tokens
        if self.article.cursor == 0 and tokens and view.cursor < tokens[0].start:
            view.move_to(tokens[0].start)  # a fresh article: start on its first morpheme
        self.status.set_info(f"morphemes ready · {self.annotator}")
        self.suggest(message.uid, message.analysis)

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False,
          description="suggest entities")
    def suggest(self, uid: str, analysis) -> None:
        from hanmark.nlp.suggest import suggest_article  # loads rules and the CRF: not at start-up

        with own_store(self.store) as store:
            suggest_article(store, uid, analysis=analysis)
        self.post_message(SuggestionsMade([uid]))

    @work(thread=True, group="propagate", exit_on_error=False, description="propagate label")
    def propagate(self, span: Span, analysis) -> None:
        from hanmark.nlp.suggest import propagate_label

        with own_store(self.store) as store:
            uids = propagate_label(store, span, analysis=analysis)
        self.post_message(SuggestionsMade(uids))

    def on_suggestions_made(self, message: SuggestionsMade) -> None:
        if self.article is not None and self.article.uid in message.uids:
            self.refresh_spans()
        if message.uids:
            self.article_list.refresh_rows()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place for worker failures: say so and carry on (labels are unaffected)."""
        if event.state == WorkerState.ERROR:
            self.status.say(f"{event.worker.description} failed: {event.worker.error}",
                            warn=True)

    @on(ArticleChosen)
    def chosen(self, message: ArticleChosen) -> None:
        self.open_article(message.uid)

    # -- cursor and table sync ------------------------------------------------

    def on_cursor_moved(self, message: CursorMoved) -> None:
        span = self.text_view.span_at(message.offset)
        if span is not None:
            self.table.select_span(span.id)

    @on(VirtualTable.RowHighlighted, "#spans")
    def row_highlighted(self, message: VirtualTable.RowHighlighted) -> None:
        span = self.table.current_span()
        if span is not None and self.table.has_focus:
            self.text_view.move_to(span.start, quiet=True)

    def save_cursor(self, *, wait: bool = False) -> None:
        """Remember the cursor so reopening the article (even after a restart) returns there.

        Written from a worker: an import in another process may hold the write
        lock for a batch, and the screen must not wait for it. ``wait`` (on
        quit) writes here and now, since no worker outlives the app.
        """
        if self.article is not None and not self.store.readonly:
            if self.text_view.cursor != self.article.cursor:
                self.article = replace(self.article, cursor=self.text_view.cursor)
                if wait:
                    self.store.articles.set_cursor(self.article.uid, self.article.cursor)
                else:
                    self._unsaved_cursors[self.article.uid] = self.article.cursor
                    self.write_cursors()

    @work(thread=True, group="cursor", exit_on_error=False, description="save the cursor")
    def write_cursors(self) -> None:
        """Write the latest cursor of each article; one worker at a time, so an older
        position never lands after a newer one."""
        with self._cursor_lock, own_store(self.store) as store:
            while self._unsaved_cursors:
                store.articles.set_cursor(*self._unsaved_cursors.popitem())

    # -- after every write ----------------------------------------------------

    def refresh_spans(self, where: tuple[int, int] | None = None) -> None:
        """Re-read the spans from the store: all of them, or only those overlapping
        ``where`` (one edit's reach), which keeps a key press quick on long articles."""
        uid = self.article.uid
        if where is None:
            self.spans, self.others = split_layers(self.store.spans.of(uid), self.annotator)
        else:
            start, end = where
            kept = [s for s in self.spans if not (s.start < end and s.end > start)]
            fresh, _ = split_layers(self.store.spans.overlapping(uid, start, end),
                                    self.annotator)
            self.spans = sorted(kept + fresh, key=lambda s: (s.start, s.end, s.id))
        self.text_view.set_spans(self.spans, where)
        self.table.set_spans(self.spans, self.article.text, self.colours)
        pending = sum(s.state == "suggested" for s in self.spans)
        self.status.set_info(f"{pending} suggestion{'s' * (pending != 1)} · {self.annotator}")
        span = self.text_view.span_at(self.text_view.cursor)
        if span is not None:
            self.table.select_span(span.id)

    def committed(self, message: str, where: tuple[int, int] | None = None) -> None:
        """The store has committed a change: redraw from it and say so."""
        self.refresh_spans(where)
        accepted = sum(s.state == "accepted" for s in self.spans)
        self.article_list.set_label_count(self.article.uid, accepted)
        self.status.say(message, saved=True)

    @work(thread=True, exclusive=True, group="teach", exit_on_error=False,
          description="teach Kiwi the labeled forms")
    def relearn(self) -> None:
        """A label removed, moved, undone or redone changes which forms Kiwi should
        know as words (``teach_analyzer``; a new label is taught by ``propagate``);
        its calls stay off the UI thread."""
        from hanmark.nlp.suggest import teach_analyzer

        with own_store(self.store) as store:
            teach_analyzer(store)

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

    async def save(self, change: Callable[[Store], T]) -> T:
        """Apply one change to the database; never waits on a lock on the UI thread."""
        return await commit(self.store, change, partial(
            self.status.say, "Waiting for another hanmark process to finish writing…"))

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

    @reports_errors
    async def apply_label(self, label: str) -> None:
        """Label the selection (or the morpheme under the cursor), or relabel the span there."""
        view, uid = self.text_view, self.article.uid
        span = self.target_span() if view.selection is None else None
        if span is not None:
            where = (span.start, span.end)
            changes = {"label": label}
            if span.state == "suggested":
                changes.update(state="accepted", annotator=self.annotator)
            span = await self.save(partial(update_span, span.id, self.annotator, changes))
        else:
            where = view.labelled_range()
            if where is None:
                self.status.say("Nothing to label here: move onto a word.", warn=True)
                return
            span = await self.save(lambda store: store.spans.label_range(
                uid, *where, label, annotator=self.annotator))
        view.set_selection(None)
        self.committed(f"{self.surface(span.start, span.end)} → {label}", where)
        self.call_after_refresh(self.propagate, span, view.analysis)  # after the repaint

    @reports_errors
    async def action_accept(self) -> None:
        span = self.target_span()
        if span is None or span.state != "suggested":
            self.status.say("No suggestion under the cursor.", warn=True)
            return
        await self.save(lambda store: store.spans.accept([span.id], annotator=self.annotator))
        self.committed(f"accepted {self.surface(span.start, span.end)} as {span.label}",
                       (span.start, span.end))

    @reports_errors
    async def action_accept_all(self) -> None:
        pending = [s.id for s in self.text_view.spans if s.state == "suggested"]
        accepted = await self.save(
            lambda store: store.spans.accept(pending, annotator=self.annotator))
        self.committed(f"accepted {len(accepted)} suggestions")

    @reports_errors
    async def action_remove(self) -> None:
        span = self.target_span()
        if span is None:
            self.status.say("No span under the cursor.", warn=True)
            return
        rejected = await self.save(lambda store: store.spans.remove(span.id, actor=self.annotator))
        verb = "rejected" if rejected is not None else "removed"
        self.committed(f"{verb} {self.surface(span.start, span.end)} ({span.label})",
                       (span.start, span.end))
        if rejected is None:
            self.call_after_refresh(self.relearn)

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
    async def _replay(self, redo: bool) -> None:
        uid = self.article.uid
        replayed = await self.save(
            lambda store: (store.journal.redo if redo else store.journal.undo)(uid, self.annotator))
        if replayed is None:
            self.status.say(f"Nothing to {'redo' if redo else 'undo'}.")
            return
        self.committed("redo done" if redo else "undone", replayed.where)
        self.call_after_refresh(self.relearn)

    async def action_undo(self) -> None:
        await self._replay(False)

    async def action_redo(self) -> None:
        await self._replay(True)

    @reports_errors
    async def _finish(self, status: str) -> None:
        uid = self.article.uid
        self.save_cursor()
        await self.save(lambda store: store.articles.set_status(uid, status, self.annotator))
        following = self.store.articles.next_after(uid)
        if following is None or following == uid:
            self.article = self.store.articles.get(uid)
            self.committed(f"marked {status}; no article left that is not done or skipped")
            return
        self.open_article(following)
        self.article_list.reload()  # the status column and a status filter changed
        self.status.say(f"marked the last article {status}; opened the next", saved=True)

    async def action_done(self) -> None:
        await self._finish("done")

    async def action_skip(self) -> None:
        await self._finish("skipped")

    def action_copy(self) -> None:
        view = self.text_view
        span = self.target_span()
        if view.selection is not None:
            rng = (view.selection.start, view.selection.end)
        elif span is not None:
            rng = (span.start, span.end)
        else:
            rng = view.unit_at(view.cursor)
        if rng is None:
            self.status.say("Nothing to copy here.", warn=True)
            return
        text = self.article.text[rng[0]:rng[1]]
        how = copy_to_clipboard(self.app, text)
        self.status.say(f"copied {len(text)} characters via {how}")

    def action_copy_article(self) -> None:
        record = {
            "id": self.article.uid, "title": self.article.title, "text": self.article.text,
            "spans": [{"start": s.start, "end": s.end, "label": s.label, "state": s.state,
                       "annotator": s.annotator} for s in self.text_view.spans],
        }
        how = copy_to_clipboard(self.app, json.dumps(record, ensure_ascii=False))
        self.status.say(f"copied the article as JSON via {how}")

    def action_note(self) -> None:
        span = self.target_span()
        if span is None:
            self.status.say("No span under the cursor to write a note on.", warn=True)
            return
        about = f"Note on {self.article.text[span.start:span.end]} ({span.label})"
        self.app.push_screen(NoteScreen(about, span.note), partial(self._save_note, span))

    @reports_errors
    async def _save_note(self, span: Span, note: str | None) -> None:
        if note is None or note == span.note:
            return
        await self.save(partial(update_span, span.id, self.annotator, {"note": note}))
        self.committed(f"note on {self.surface(span.start, span.end)}", (span.start, span.end))

    @reports_errors
    async def action_boundary(self, side: str, unit: str, delta: int) -> None:
        view = self.text_view
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
        changes = {"start": start, "end": end}
        if span.state == "suggested":  # a corrected suggestion is the person's label now
            changes.update(state="accepted", annotator=self.annotator)
        await self.save(partial(update_span, span.id, self.annotator, changes))
        self.committed(f"{span.label} is now {self.surface(start, end)}",
                       (min(start, span.start), max(end, span.end)))
        self.call_after_refresh(self.relearn)

    # -- label picker, other annotators, review, statistics -----------------------

    def action_pick_label(self) -> None:
        """Choose any label by typing part of its name, description or an example."""
        from .label_picker import LabelPicker

        recent = self.store.journal.recent_labels(self.annotator)
        self.app.push_screen(LabelPicker(self.labels, recent, self.colours), self._picked)

    async def _picked(self, name: str | None) -> None:
        if name is not None:
            await self.apply_label(name)

    def action_overlay(self) -> None:
        """Show the next other annotator's labels over the text (then none again)."""
        names = sorted({s.annotator for s in self.others})
        if not names:
            self.overlaid = None
            self.status.say("No other annotator has labeled this article.")
            return
        at = names.index(self.overlaid) + 1 if self.overlaid in names else 0
        self.overlaid = names[at] if at < len(names) else None
        shown = [s for s in self.others if s.annotator == self.overlaid]
        self.text_view.set_overlay(shown)
        self.status.say(f"Overlay: {self.overlaid}'s {len(shown)} labels (italic, double underline)"
                        if self.overlaid else "Overlay off.")

    def action_review(self) -> None:
        """Adjudicate between you and the other annotator with the most labels here (or
        the two with the most, when you have none)."""
        from .review import ReviewScreen, annotators_of

        names = annotators_of(self.store, self.article.uid)
        if len(names) < 2:
            self.status.say("Review needs labels from two annotators on this article "
                            "(merge their databases with `hanmark merge`).", warn=True)
            return
        if self.annotator in names:  # you on the left, the busiest other annotator right
            names.remove(self.annotator)
            names.insert(0, self.annotator)
        self.app.push_screen(ReviewScreen(self.store, self.article.uid, names[0], names[1],
                                          self.colours), lambda _: self.refresh_spans())

    def action_statistics(self) -> None:
        from .stats import StatsScreen

        self.app.push_screen(StatsScreen(self.store))

    # -- the command palette and the help screen --------------------------------

    def binding_sections(self) -> list[tuple[str, object, list[Binding]]]:
        """Each pane's name, the node its actions run on, and its bindings."""
        named = {f"label-{n}": safe(f"Label {label.name} {label.description}".strip())
                 for n, label in self.keyed.items()}
        mine = [replace(b, description=named[b.id]) if b.id in named else b
                for b in self.BINDINGS]
        return [
            ("app", self.app, self.app.BINDINGS),
            ("reader", self, mine),
            ("text", self.text_view, TextView.BINDINGS),
            ("list", self.article_list, ArticleList.BINDINGS),
            ("tables", self.table, VirtualTable.BINDINGS),
        ]
