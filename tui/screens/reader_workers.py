"""The reader's work off the UI thread: Kiwi, suggestions, propagation, relearning
and saving the cursor, each in a worker with a connection of its own."""

from __future__ import annotations

import gc

from textual import work
from textual.worker import get_current_worker

from hanmark.store import HanmarkError
from hanmark.store.models import Edit

from ..connections import own_store
from ..messages import ArticleAnalysed, SuggestionsMade


def kiwi_in_child_process() -> None:
    """The app's Kiwi runs in a child process: loading it and teaching it words
    would otherwise hold the GIL, and so the screen, for seconds."""
    from hanmark.nlp.analyzer import use_child_process

    use_child_process()


def kiwi_child_process_stops() -> None:
    """The app is ending: an analysis in progress is not waited for."""
    from hanmark.nlp.analyzer import stop_child_process

    stop_child_process()


class ReaderWorkers:
    """Mixed into ``MainScreen``: its workers (``self`` is the screen)."""

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

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False,
          description="suggest entities")
    def suggest(self, uid: str, analysis) -> None:
        """Suggestions for the article; they stop unwritten when the worker is
        cancelled (another article opened, or the app ending, which would wait
        for them: half a minute for a megabyte article)."""
        from hanmark.nlp.crf import Stopped
        from hanmark.nlp.suggest import suggest_article  # loads rules and the CRF: not at start-up

        worker = get_current_worker()
        try:
            with own_store(self.store) as store:
                suggest_article(store, uid, analysis=analysis, stop=lambda: worker.is_cancelled)
        except Stopped:
            return
        self.post_message(SuggestionsMade([uid]))

    @work(thread=True, group="propagate", exit_on_error=False, description="propagate label")
    def propagate(self, edits: tuple[Edit, ...], analysis) -> None:
        """Labels changed: suggestions of their forms follow them (``follow_edits``)."""
        from hanmark.nlp.suggest import follow_edits

        with own_store(self.store) as store:
            uids = follow_edits(store, edits, analysis=analysis)
        self.post_message(SuggestionsMade(uids))

    def save_cursor(self, *, wait: bool = False) -> None:
        """Remember the cursor so reopening the article (even after a restart) returns there.

        Written from a worker: an import in another process may hold the write
        lock for a batch, and the screen must not wait for it. ``wait`` (on
        quit) writes here and now, since no worker outlives the app.
        """
        if not self.store.readonly and self.session.remember_cursor(self.text_view.cursor):
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

    @work(thread=True, exclusive=True, group="teach", exit_on_error=False,
          description="teach Kiwi the labeled forms")
    def relearn(self) -> None:
        """An undo or redo may change which forms Kiwi should know as words
        (``teach_analyzer``; labels changed are taught by ``propagate``); its
        calls stay off the UI thread."""
        from hanmark.nlp.suggest import teach_analyzer

        with own_store(self.store) as store:
            teach_analyzer(store)
