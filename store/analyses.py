"""The analyses table: a cache of Kiwi's analysis of each article, per version."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .table import Table


class Analyses(Table):
    """``store.analyses``; the cached data is opaque to the store."""

    def get(self, article: str, version: str) -> str | None:
        row = self._one("SELECT data FROM analyses WHERE article = ? AND version = ?",
                        (article, version))
        return row[0] if row else None

    def put(self, items: Iterable[tuple[str, str, str]]) -> None:
        """Cache ``(article, version, data)`` analyses."""
        with self.store.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO analyses(article, version, data) VALUES (?, ?, ?)",
                list(items))

    def missing(self, version: str, *, collection: str | None = None) -> list[str]:
        """Uids of articles that have no cached analysis of ``version``."""
        sql = ("SELECT a.uid FROM articles a WHERE NOT EXISTS (SELECT 1 FROM analyses n"
               " WHERE n.article = a.uid AND n.version = ?)")
        params: list[Any] = [version]
        if collection:
            sql += " AND a.collection = ?"
            params.append(collection)
        return [r[0] for r in self._rows(sql + " ORDER BY a.rowid", params)]
