"""The reader's tools around annotating: copying, notes, zoom, another
annotator's overlay, review, statistics, the label picker, warnings about the
keymap and the key sections of the help."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial, wraps
from typing import Any

from textual import events
from textual.binding import Binding

from hanmark.store import HanmarkError, Store
from hanmark.store.models import Span

from ..connections import own_store
from ..textcells import safe
from ..widgets.article_list import ArticleList
from ..widgets.text_view import TextView
from ..widgets.virtual_table import VirtualTable
from .note import NoteScreen

NARROW = 100  # columns: below this the list starts narrow


def reports_errors(action: Callable[..., Awaitable]) -> Callable[..., Awaitable]:
    """A write the store refuses (read-only file, a locked database, a removed label)
    is said on the status line; the app carries on."""

    @wraps(action)
    async def wrapper(self: Any, *args: Any) -> Any:
        try:
            return await action(self, *args)
        except HanmarkError as exc:
            self.status.say(str(exc), warn=True)
            return None

    return wrapper


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


def review_queue(store: Store) -> list[str]:
    """The articles that need review, read on a connection of the caller's thread."""
    from hanmark.store.review import needing_review

    with own_store(store) as own:
        return needing_review(own)


class ReaderTools:
    """Mixed into ``MainScreen``: its actions besides labeling (``self`` is the screen)."""

    def warn_about_keymap(self) -> None:
        """The settings' [keymap] ids that bind nothing, or keys it takes from another
        binding, said at start (all of them: ``hanmark config show``)."""
        from ..keymap import keymap_problems

        problems = keymap_problems(dict(self.app._keymap),  # as set_keymap got it
                                   self.app.binding_chains())
        if problems:
            more = len(problems) - 1
            self.status.say(problems[0] + (f" (and {more} more: hanmark config show)"
                                           if more else ""), warn=True)

    def action_pick_label(self) -> None:
        """Choose any label by typing part of its name, description or an example."""
        from .label_picker import LabelPicker

        span, where = target = self.key_target()
        if span is None and where is None:
            self.status.say("Nothing to label here: move onto a word.", warn=True)
            return
        start, end = (span.start, span.end) if span is not None else where
        about = (f"Relabel {self.article.text[start:end]} ({span.label}, {start}–{end})"
                 if span is not None else f"Label {self.article.text[start:end]} ({start}–{end})")
        recent = self.store.journal.recent_labels(self.annotator)
        self.app.push_screen(LabelPicker(self.labels, recent, self.colours, target=about),
                             partial(self._picked, target))

    async def _picked(self, target: tuple, name: str | None) -> None:
        if name is not None:
            await self.apply_label(name, target)

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
        if note is not None and note != span.note:
            self.show(await self.session.note(span, note))

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def action_zoom(self) -> None:
        """The article alone, or the three panes again."""
        zoomed = not self.has_class("-zoomed")
        self.set_class(zoomed, "-zoomed")
        if zoomed:
            self.text_view.focus()
        self.status.say("Zoom: the article alone (z: the panes again)." if zoomed
                        else "The panes are back.")

    def action_overlay(self) -> None:
        """Show the next other annotator's labels over the text (then none again)."""
        names = sorted({s.annotator for s in self.session.others})
        if not names:
            self.overlaid = None
            self.status.say("No other annotator has labeled this article.")
            return
        at = names.index(self.overlaid) + 1 if self.overlaid in names else 0
        self.overlaid = names[at] if at < len(names) else None
        shown = [s for s in self.session.others if s.annotator == self.overlaid]
        self.text_view.set_overlay(shown)
        self.status.say(f"Overlay: {self.overlaid}'s {len(shown)} labels (italic, double underline)"
                        if self.overlaid else "Overlay off.")

    def action_review(self) -> None:
        """Adjudicate between you and the other annotator with the most labels here (or
        the two with the most, when you have none)."""
        from hanmark.store.review import annotators_of

        names = annotators_of(self.store, self.article.uid)
        if len(names) < 2:
            self.status.say("Review needs labels from two annotators on this article "
                            "(merge their databases with `hanmark merge`).", warn=True)
            return
        if self.annotator in names:  # you on the left, the busiest other annotator right
            names.remove(self.annotator)
            names.insert(0, self.annotator)
        self._review(names[0], names[1])

    async def action_next_review(self) -> None:
        """Open the next article that needs review (the open one while it does, else
        the next in list order) in the review screen, between its two busiest
        annotators (you on the left). The queue is found on a thread (it reads
        every article two annotators labeled), so the screen keeps drawing."""
        from hanmark.store.review import annotators_of

        due = await asyncio.to_thread(review_queue, self.store)
        here = self.article.uid if self.article is not None else None
        following = here if here in due else self.store.articles.next_after(
            here, skip_done=False, only=due)
        if following is None:
            self.status.say("No article needs review: every disagreement has a decision.")
            return
        from_list = self.article_list.has_focus
        self.open_article(following)
        if self.article is None or self.article.uid != following:
            return  # it could not be opened; the status line says why
        if from_list:  # back from the review, R on the list goes on to the next
            self.article_list.focus()
        a, b = annotators_of(self.store, following)[:2]
        self.status.say(f"review of {self.article.title or '(untitled)'}, one of {len(due)} "
                        f"article{'s' * (len(due) != 1)} that needed it")
        self._review(*((b, a) if b == self.annotator else (a, b)))

    def _review(self, a: str, b: str) -> None:
        from .review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.session, self.article.uid, a, b, self.colours),
                             self._reviewed)

    def _reviewed(self, _result: None = None) -> None:
        """Back from a review: gold may have changed, and with it the review queue."""
        self.refresh_spans()
        self.article_list.reload()

    def action_statistics(self) -> None:
        from .stats import StatsScreen

        self.app.push_screen(StatsScreen(self.store))

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
