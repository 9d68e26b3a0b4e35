"""The store: a hanmark database file, its transactions and its tables.

``Store`` keeps the connection and the write lock; each table has one object
that owns its SQL (``store.articles``, ``store.spans``, ``store.labels``,
``store.journal``, ``store.analyses``, ``store.stats``). Every write runs in a
``BEGIN IMMEDIATE`` transaction that is committed before the method returns,
so a caller may tell the user "saved" as soon as a call comes back.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from .analyses import Analyses
from .articles import Articles
from .db import BUSY_TIMEOUT_MS, open_database
from .errors import DatabaseBusy, HanmarkError
from .journal import Journal
from .label_table import Labels
from .rejected_forms import RejectedForms
from .spans import Spans
from .stats import Stats

T = TypeVar("T")
# Longest hold of the write lock by batched work (imports, merges): the app's label waits it.
BATCH_SECONDS = 0.05
BATCH_PAUSE = 0.003


class Store:
    """A hanmark database file: its connection, transactions and table objects."""

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False):
        self.path = Path(path)
        self.conn, self.readonly = open_database(self.path, create=create, readonly=readonly)
        self.lock = threading.RLock()
        self._depth = 0
        self._waits = True  # for the write lock; see at_once
        self.articles = Articles(self)
        self.spans = Spans(self)
        self.labels = Labels(self)
        self.journal = Journal(self)
        self.analyses = Analyses(self)
        self.stats = Stats(self)
        self.rejected = RejectedForms(self)

    @cached_property
    def db(self):
        """The connection as a ``sqlite_utils.Database``, for introspection and ad hoc use.

        Imported on first use: hot paths use the connection directly, with
        explicit ``BEGIN IMMEDIATE`` transactions that sqlite-utils' own
        ``with conn:`` blocks would commit early.
        """
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic, committed unit of work; nested calls join the outer one."""
        if self.readonly:
            raise HanmarkError(f"{self.path} is open read-only; nothing can be changed.")
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._begin()
            self._depth = 1
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError):
                    raise HanmarkError(self._write_failed(exc)) from None
                raise
            finally:
                self._depth = 0

    def data_version(self) -> int:
        """A number that changes whenever another connection (a worker, another
        process) commits to the file: a cheap way to notice changes."""
        with self.lock:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]

    @contextmanager
    def at_once(self) -> Iterator[None]:
        """Writes in this block raise ``DatabaseBusy`` at once, before changing
        anything, when another process holds the write lock (the app's screen must
        never wait for it; it hands such a write to a thread)."""
        self._waits = False
        try:
            yield
        finally:
            self._waits = True

    def _write_failed(self, exc: sqlite3.DatabaseError) -> str:
        if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
            return (f"The disk is full (or a file size limit was reached) writing {self.path}; "
                    "the change was not saved.")
        return f"{self.path}: the change was not saved ({exc})."

    def write_in_batches(self, items: Iterable[T], write: Callable[[T], None], *,
                         whole: bool = False) -> None:
        """``write`` each item, committing at least every ``BATCH_SECONDS``, so that
        another writer (the app saving a label) waits milliseconds, not a whole import.

        ``whole`` keeps everything in one transaction (all-or-nothing work);
        inside an outer transaction every batch joins it anyway.
        """
        pending = iter(items)
        more = True
        while more:
            deadline = None if whole else time.monotonic() + BATCH_SECONDS
            with self.transaction():
                more = False
                for item in pending:
                    write(item)
                    if deadline is not None and time.monotonic() > deadline:
                        more = True
                        break
            if more:
                time.sleep(BATCH_PAUSE)  # a writer waiting for the lock takes it now

    def _begin(self) -> None:
        """Take the write lock, asking for it every millisecond.

        SQLite's own busy handler sleeps up to 100 ms between tries, so a writer
        that commits and begins again at once (a batched import) would keep the
        lock from it for seconds; batched work pauses ``BATCH_PAUSE`` between
        batches, and this catches the pause.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise HanmarkError(f"{self.path} cannot be written ({exc}).") from None
                    if not self._waits:
                        raise DatabaseBusy(f"{self.path} is being written by another "
                                           "process.") from None
                    if time.monotonic() > deadline:
                        raise HanmarkError(f"{self.path} is busy or locked ({exc}); "
                                           "try again.") from None
                    time.sleep(0.001)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
