"""Connections for worker threads, and the screens' one way to write."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from hanmark.store import Store
from hanmark.store.errors import DatabaseBusy

T = TypeVar("T")


def own_store(store: Store) -> Store:
    """A second connection for a worker thread: a long query there never makes the
    screen wait for the shared connection's lock (WAL lets both read at once)."""
    return Store(store.path, readonly=store.readonly)


async def commit(store: Store, change: Callable[[Store], T],
                waiting: Callable[[], object]) -> T:
    """Apply ``change`` to the database without the screen ever waiting on a lock.

    When the write lock is free (nearly always) the change commits here and now.
    When another process holds it (an import's batch, a merge), ``waiting`` says so
    and the change waits on a thread with a connection of its own, while the screen
    keeps drawing. Keys stay in order: the app handles the next key only after this
    one's action returns.
    """
    try:
        with store.at_once():
            return change(store)
    except DatabaseBusy:
        waiting()
        return await asyncio.to_thread(_write_beside, store, change)


def _write_beside(store: Store, change: Callable[[Store], T]) -> T:
    with own_store(store) as mine:
        return change(mine)
