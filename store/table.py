"""What every table object shares: its store's connection and typed reads.

Each table of the database has one small object on the ``Store``
(``store.articles``, ``store.spans``, ...) that owns the SQL for that table,
in the manner of sqlite-utils' ``Database`` and ``Table``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .errors import HanmarkError

if TYPE_CHECKING:
    from .store import Store

Params = Sequence[Any] | dict[str, Any]


def now() -> str:
    """UTC time with milliseconds, as stored in every ``created``/``updated``/``time``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Table:
    """One table's operations on a store (transactions are the store's)."""

    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn

    def _rows(self, sql: str, params: Params = ()) -> list[tuple]:
        with self.store.lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise HanmarkError(f"{self.store.path}: database error ({exc}).") from None

    def _one(self, sql: str, params: Params = ()) -> tuple | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None
