"""Connections for worker threads."""

from __future__ import annotations

from hanmark.store import Store


def own_store(store: Store) -> Store:
    """A second connection for a worker thread: a long query there never makes the
    screen wait for the shared connection's lock (WAL lets both read at once)."""
    return Store(store.path, readonly=store.readonly)
