"""Counts and team figures over the whole database: ``hanmark stats``, agreement, speed."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from .table import Table

Labelled = tuple[str, int, int, str]  # annotator, start, end, label


def _moment(stamp: Any) -> datetime | None:
    """A stored time, or None if it is not one (``stats`` crashed on ``not-a-time``)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Stats(Table):
    """``store.stats``."""

    def summary(self) -> dict[str, Any]:
        """Counts shaped as ``hanmark stats --json`` prints them (scripts rely on it)."""

        def grouped(sql: str) -> dict[str, int]:
            return {key: n for key, n in self._rows(sql)}

        return {
            "articles": {
                "total": self.store.articles.count(),
                "by_status": grouped("SELECT status, count(*) FROM articles GROUP BY status"),
                "by_collection": grouped(
                    "SELECT collection, count(*) FROM articles GROUP BY collection"),
            },
            "spans": {
                "total": self._one("SELECT count(*) FROM spans")[0],
                "by_label": grouped("SELECT label, count(*) FROM spans GROUP BY label"),
                "by_state": grouped("SELECT state, count(*) FROM spans GROUP BY state"),
                "by_annotator": grouped(
                    "SELECT annotator, count(*) FROM spans GROUP BY annotator"),
                "by_state_and_label": self._by_state_and_label(),
                "accepted_by_annotator": grouped(
                    "SELECT annotator, count(*) FROM spans WHERE state = 'accepted'"
                    " GROUP BY annotator"),
            },
        }

    def _by_state_and_label(self) -> dict[str, dict[str, int]]:
        """Span counts per state, then per label: a label's human labels apart from
        the suggestions still pending and the ones rejected."""
        table: dict[str, dict[str, int]] = {}
        for state, label, n in self._rows(
                "SELECT state, label, count(*) FROM spans GROUP BY state, label"):
            table.setdefault(state, {})[label] = n
        return table

    def annotators(self) -> list[str]:
        """Every annotator name in spans and events."""
        return [r[0] for r in self._rows(
            "SELECT annotator FROM spans UNION SELECT annotator FROM events")]

    def shared_labels(self, besides: str) -> Iterator[tuple[str, list[Labelled]]]:
        """Each article that two or more annotators (``besides`` not counted) gave
        labels, in import order, with all its accepted spans as ``(annotator,
        start, end, label)``: what a review compares, in one lean query."""
        rows = self._rows(
            "WITH shared AS (SELECT article FROM spans WHERE state = 'accepted'"
            " AND annotator != ? GROUP BY article HAVING count(DISTINCT annotator) >= 2)"
            " SELECT s.article, s.annotator, s.start, s.end, s.label FROM shared"
            " JOIN articles a ON a.uid = shared.article JOIN spans s ON s.article = a.uid"
            " WHERE s.state = 'accepted' ORDER BY a.rowid", (besides,))
        for uid, labels in itertools.groupby(rows, key=operator.itemgetter(0)):
            yield uid, [row[1:] for row in labels]

    def done_by_annotator(self) -> dict[str, set[str]]:
        """For each annotator, the articles they marked done (their latest status says so).

        Labels that came in without a status event (imports) count as done
        when the article itself is done.
        """
        done: dict[str, set[str]] = {}
        decided: set[tuple[str, str]] = set()
        for article, annotator, status in self._rows(
                "SELECT article, annotator, status FROM annotator_status"):
            decided.add((article, annotator))
            if status == "done":
                done.setdefault(annotator, set()).add(article)
        for article, annotator in self._rows(
            "SELECT DISTINCT s.article, s.annotator FROM spans s JOIN articles a"
            " ON a.uid = s.article WHERE a.status = 'done' AND s.state = 'accepted'"
            " AND s.origin = 'import'"):
            if (article, annotator) not in decided:
                done.setdefault(annotator, set()).add(article)
        return done

    def labeling_activity(self, idle_cap: float = 300.0) -> dict[str, dict[str, float]]:
        """Labels per hour per annotator, from the event log.

        Active time is the sum of gaps between an annotator's consecutive
        events, each capped at ``idle_cap`` seconds, so a lunch break does not
        count as labeling time.
        """
        times: dict[str, list[datetime]] = {}
        labels: dict[str, int] = {}
        for who, stamp, action, after in self._rows(
                "SELECT annotator, time, action, CASE WHEN json_valid(after) THEN"
                " json_extract(after, '$.state') END FROM events"
                " WHERE action IN ('create', 'update', 'delete', 'status', 'note') ORDER BY id"):
            moment = _moment(stamp)
            if moment is None:
                continue
            times.setdefault(who, []).append(moment)
            if action == "create" or (action == "update" and after == "accepted"):
                labels[who] = labels.get(who, 0) + 1
        activity = {}
        for who, moments in times.items():
            active = sum(min((b - a).total_seconds(), idle_cap)
                         for a, b in zip(moments, moments[1:], strict=False))
            activity[who] = {
                "labels": labels.get(who, 0),
                "active_seconds": round(active, 3),
                "labels_per_hour": round(labels.get(who, 0) / (active / 3600), 1)
                if active else 0.0,
            }
        return activity
