"""Messages between workers, widgets and the screen, named for what already happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:  # Kiwi's module loads in a worker, not at start-up
    from hanmark.nlp.analyzer import Analysis


class ArticleAnalysed(Message):
    """Kiwi's morphemes for ``uid`` arrived (``analysis`` is None if Kiwi failed)."""

    def __init__(self, uid: str, analysis: Analysis | None, error: str = ""):
        super().__init__()
        self.uid, self.analysis, self.error = uid, analysis, error


class ArticleChosen(Message):
    """The user picked an article in the list."""

    def __init__(self, uid: str):
        super().__init__()
        self.uid = uid


class CursorMoved(Message):
    """The text cursor moved to character ``offset``."""

    def __init__(self, offset: int):
        super().__init__()
        self.offset = offset


class SuggestionsMade(Message):
    """The suggester wrote new suggestions for the articles ``uids``."""

    def __init__(self, uids: list[str]):
        super().__init__()
        self.uids = uids


class ReportsWorkerFailures:
    """Mixed into every node that runs workers (Textual does not bubble their
    state): a failed worker goes to the app's one handler, ``worker_failed``."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.app.worker_failed(event.worker)
