"""The article list: one row per article, fetched a page at a time from the store.

Nothing is built per article, so 100,000 articles scroll as fast as ten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive

from hanmark.store import Store
from hanmark.store.articles import search_scans
from hanmark.store.models import STATUSES, ArticleRow
from hanmark.store.review import needing_review

from ..connections import own_store
from ..messages import ArticleChosen, ReportsWorkerFailures
from ..textcells import safe
from .virtual_table import Cell, Column, VirtualTable

T = TypeVar("T")
PAGE = 200
QUICK_COUNT = 1000  # rows counted before the list shows; an exact total follows
STATUS_SHOWN = {"new": "new", "in_progress": "wip", "done": "done", "skipped": "skip"}
NEEDS_REVIEW = "review"  # the status filter's last choice: not a status, the review queue
CHANGES_INTERVAL = 1.0  # seconds between looks at the file's data_version


class ArticleList(ReportsWorkerFailures, VirtualTable):
    """Filtered by status (or the articles that need review), collection and a search
    in the store's trigram index."""

    BINDINGS = [
        Binding("enter", "choose", "Open", id="list.open"),
        Binding("f", "cycle_status", "Status filter", id="list.status-filter"),
        Binding("g", "cycle_collection", "Collection filter", id="list.collection-filter"),
        Binding("r", "toggle_order", "Least confident first", id="list.order"),
        Binding("R", "screen.next_review", "Next to review", id="list.next-review"),
    ]
    COLUMNS = (Column("st", 4), Column("#", 3, drop=2), Column("title", 0),
               Column("date", 10, drop=3), Column("collection", 12, drop=4))
    MIN_FLEX = 12
    open_uid: reactive[str | None] = reactive(None, init=False, always_update=True)

    def __init__(self, store: Store, **kwargs):
        super().__init__(**kwargs)
        self.store = store
        self.search: str | None = None
        self.status: str | None = None  # or NEEDS_REVIEW
        self._due: list[str] = []  # the articles that need review, when that is the filter
        self.collection: str | None = None
        self.order = "import"  # or "uncertainty": active learning, least confident first
        self._pages: dict[int, list[ArticleRow]] = {}
        self._count = 0
        self._seen_version: int | None = None  # the store's data_version last shown

    def on_mount(self) -> None:
        self.set_interval(CHANGES_INTERVAL, self.notice_changes)

    def notice_changes(self) -> None:
        """Show what other connections committed (imports, suggestions, teammates'
        processes) within a second, keeping the cursor's row."""
        if self.store.data_version() != self._seen_version:
            self.reload()

    @property
    def row_count(self) -> int:
        return self._count

    def reload(self) -> None:
        """Counts or filters changed: forget the cached pages and redraw.

        The list shows at once with up to ``QUICK_COUNT`` rows counted; when more
        match, the exact total (which costs more as the corpus grows) follows
        from a worker. A search too short for the trigram index reads the texts
        (0.7 s at 100,000 articles for a rare one), so its first page comes from
        a worker too, and the screen never waits for it. So is the review queue
        (it reads every article two annotators labeled); its rows stay meanwhile.
        """
        self._seen_version = self.store.data_version()  # what this reload shows
        if self.status == NEEDS_REVIEW:
            self._find_due()
            return
        self._pages.clear()
        filters = self._filters()
        if search_scans(self.search):
            self._count = 0
            self._show_title("searching")
            self._read_first_page_apart(filters)
        else:
            self._show_first_page(filters, *self.store.articles.first_page(
                limit=PAGE, at_most=QUICK_COUNT + 1, order=self.order, **filters))

    def refresh_rows(self) -> None:
        """Rows changed but not their number (other articles' counts): refetch pages."""
        if search_scans(self.search):  # the rows stay until their update arrives
            self._read_first_page_apart(self._filters())
            return
        self._seen_version = self.store.data_version()
        self._pages.clear()
        self.refresh()

    def _find_due(self) -> None:
        """The articles that need review and their first page, read apart."""
        wanted = {"search": self.search, "collection": self.collection}
        order = self.order

        def read(store: Store) -> tuple[list[str], tuple[list[ArticleRow], int]]:
            due = needing_review(store)
            return due, store.articles.first_page(limit=PAGE, at_most=QUICK_COUNT + 1,
                                                  order=order, only=due, **wanted)

        def found(result: tuple[list[str], tuple[list[ArticleRow], int]]) -> None:
            due, (rows, count) = result
            if (self.status == NEEDS_REVIEW and order == self.order
                    and wanted == {"search": self.search, "collection": self.collection}):
                self._due, self._pages = due, {}
                self._show_first_page(self._filters(), rows, count)

        self._apart("first-page", "find the articles that need review", read, found)

    def _filters(self) -> dict[str, Any]:
        review = self.status == NEEDS_REVIEW
        return {"search": self.search, "status": None if review else self.status,
                "collection": self.collection, "only": self._due if review else None}

    def _read_first_page_apart(self, filters: dict[str, Any]) -> None:
        order = self.order
        self._apart("first-page", "search articles",
                    lambda store: store.articles.first_page(limit=PAGE, at_most=QUICK_COUNT + 1,
                                                   order=order, **filters),
                    lambda page: self._first_page_read(filters, order, *page))

    def _first_page_read(self, filters: dict[str, Any], order: str,
                         rows: list[ArticleRow], count: int) -> None:
        if filters == self._filters() and order == self.order:  # not since changed
            self._pages = {}
            self._show_first_page(filters, rows, count)

    def _show_first_page(self, filters: dict[str, Any], rows: list[ArticleRow],
                         count: int) -> None:
        self._pages[0], self._count = rows, count
        exact = count <= QUICK_COUNT
        if not exact:
            self._apart("count", "count articles",
                        lambda store: store.articles.count(**filters),
                        lambda total: self._counted(filters, total))
        self._show_title(f"{count:,}" if exact else f"{QUICK_COUNT:,}+, counting")

    def _counted(self, filters: dict[str, Any], total: int) -> None:
        if filters == self._filters():  # not a count for filters since changed
            self._count = total
            self._show_title(f"{total:,}")

    def _apart(self, group: str, description: str, read: Callable[[Store], T],
               then: Callable[[T], None]) -> None:
        """``read`` on a worker thread's own connection, then ``then`` with its
        result back on the screen's thread (the newest read of a group wins)."""
        def work() -> None:
            with own_store(self.store) as store:
                result = read(store)
            self.app.call_from_thread(then, result)

        self.run_worker(work, thread=True, exclusive=True, group=group,
                        description=description, exit_on_error=False)

    def _show_title(self, count: str) -> None:
        title = Text(f"Articles ({count})")  # then the filters: /search status @collection
        status = ("needs review" if self.status == NEEDS_REVIEW  # else the column's name
                  else STATUS_SHOWN.get(self.status, self.status))
        for prefix, value in (("/", self.search), ("", status), ("@", self.collection)):
            if value:
                title.append(f" {prefix}{safe(value)}", style="bold")  # a collection is data
        if self.order == "uncertainty":
            title.append(" unsure first", style="bold")
        self.border_title = title
        self.reset()

    def set_label_count(self, uid: str, n_labels: int) -> None:
        """The open article's label count changed: update its row without a query."""
        for page, rows in self._pages.items():
            for i, row in enumerate(rows):
                if row.uid == uid and row.n_labels != n_labels:
                    rows[i] = replace(row, n_labels=n_labels)
                    self.refresh_row(page * PAGE + i)

    def set_filter(self, **changes: str | None) -> None:
        for name, value in changes.items():
            setattr(self, name, value or None)
        self.set_cursor(0, quiet=True)
        if self.status == NEEDS_REVIEW:  # no rows until the queue is found
            self._pages, self._count = {}, 0
            self._show_title("finding")
        self.reload()

    def row(self, index: int) -> ArticleRow | None:
        if not 0 <= index < self._count:
            return None
        rows = self._page(index // PAGE)
        return rows[index % PAGE] if index % PAGE < len(rows) else None

    def _page(self, page: int) -> list[ArticleRow]:
        if page not in self._pages:
            previous = self._pages.get(page - 1)  # scrolling on: continue from its last row
            self._pages[page] = self.store.articles.page(
                **self._filters(), order=self.order, offset=page * PAGE, limit=PAGE,
                after=previous[-1].rowid if previous and len(previous) == PAGE else None)
        return self._pages[page]

    def cells(self, index: int) -> list[Cell]:
        row = self.row(index)
        if row is None:
            return [("", None)] * len(self.COLUMNS)
        return [(STATUS_SHOWN.get(row.status, row.status), None),
                (str(row.n_labels).rjust(3), None), (row.title or "(untitled)", None),
                (row.date or "", None), (row.collection, None)]

    def row_style(self, index: int) -> Style:
        row = self.row(index)
        if row is not None and row.uid == self.open_uid:  # bold and underlined: no colour
            return Style(bold=True, underline=True)  # to fail on a light theme
        return Style(dim=True) if row is not None and row.status == "done" else Style()

    def watch_open_uid(self, uid: str | None) -> None:
        """Mark the open article (bound to the reader's), and put the cursor on it
        when its row is loaded."""
        for page, rows in self._pages.items():
            for i, row in enumerate(rows):
                if row.uid == uid:
                    self.set_cursor(page * PAGE + i, quiet=True)
                    return
        self.refresh()

    def action_choose(self) -> None:
        row = self.row(self.cursor_row)
        if row is not None:
            self.post_message(ArticleChosen(row.uid))

    def action_cycle_status(self) -> None:
        options = [None, *STATUSES, NEEDS_REVIEW]
        self.set_filter(status=options[(options.index(self.status) + 1) % len(options)])

    def action_toggle_order(self) -> None:
        """Active learning: the articles the model is least sure of (from ``hanmark
        suggest``) first, so the next label teaches it the most."""
        self.set_filter(order="uncertainty" if self.order == "import" else "import")

    def action_cycle_collection(self) -> None:
        options = [None, *self.store.articles.collections()]
        current = options.index(self.collection) if self.collection in options else 0
        self.set_filter(collection=options[(current + 1) % len(options)])
