"""``store.rejected``: the negative gazetteer, forms rejected with a label everywhere.

A row means "never suggest FORM as LABEL". The reader's ``X`` adds one (with
the pending suggestions it rejects, one undoable step); ``hanmark labels
rejected`` lists them and ``hanmark labels unreject`` takes one back.
"""

from __future__ import annotations

from typing import Any

from .models import Change
from .table import Table, now

Entry = dict[str, Any]  # form, label, annotator, created
COLUMNS = ("form", "label", "annotator", "created")
SELECT = "SELECT form, label, annotator, created FROM rejected_forms"


class RejectedForms(Table):
    """``store.rejected``."""

    def all(self) -> list[Entry]:
        return [dict(zip(COLUMNS, row, strict=True))
                for row in self._rows(SELECT + " ORDER BY label, form")]

    def pairs(self) -> set[tuple[str, str]]:
        """Every rejected ``(form, label)``: what suggestions must leave out."""
        return {(form, label) for form, label in self._rows(
            "SELECT form, label FROM rejected_forms")}

    def add(self, form: str, label: str, annotator: str) -> Change:
        """Record ``form`` as never ``label`` (inside the caller's transaction);
        the change for the journal."""
        entry = {"form": form, "label": label, "annotator": annotator, "created": now()}
        return Change("rejected_form", None, self.put(entry, form, label), entry)

    def take_back(self, form: str, label: str, annotator: str) -> bool:
        """Let ``form`` be suggested as ``label`` again (one journal step); False if
        it was not rejected."""
        with self.store.transaction():
            before = self.put(None, form, label)
            if before is not None:
                self.store.journal.log([Change("rejected_form", None, before, None)],
                                       annotator, None)
        return before is not None

    def add_copies(self, entries: list[Entry]) -> int:
        """Entries from another database or a backup, as they were (who, when): those
        missing here (by form and label) are added; returns how many. Not a step of
        the journal: merging and importing are not undone."""
        have = self.pairs()
        added = 0
        with self.store.transaction():
            for entry in entries:
                if (entry["form"], entry["label"]) not in have:
                    self.put(entry, entry["form"], entry["label"])
                    have.add((entry["form"], entry["label"]))
                    added += 1
        return added

    def put(self, entry: Entry | None, form: str, label: str) -> Entry | None:
        """Make the row of ``(form, label)`` exactly ``entry`` (None: no row), for
        the journal's undo and redo; return what it was."""
        row = self._one(SELECT + " WHERE form = ? AND label = ?", (form, label))
        before = dict(zip(COLUMNS, row, strict=True)) if row else None
        self.conn.execute("DELETE FROM rejected_forms WHERE form = ? AND label = ?",
                          (form, label))
        if entry is not None:
            self.conn.execute("INSERT INTO rejected_forms(form, label, annotator, created)"
                              " VALUES (?, ?, ?, ?)", (entry["form"], entry["label"],
                                                       entry["annotator"], entry["created"]))
        return before
