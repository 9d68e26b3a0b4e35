"""The labels table; the rules for label sets (names, keys, presets) are in labels.py."""

from __future__ import annotations

from .errors import HanmarkError
from .models import Label
from .names import check_name
from .table import Table


class Labels(Table):
    """``store.labels``."""

    def all(self) -> list[Label]:
        rows = self._rows("SELECT name, description, key, colour, sort_order, parent,"
                          " examples FROM labels ORDER BY sort_order, name")
        return [Label(*row) for row in rows]

    def names(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT name FROM labels")}

    def exists(self, name: str) -> bool:
        return self._one("SELECT 1 FROM labels WHERE name = ?", (name,)) is not None

    def key_taken(self, key: str) -> bool:
        return self._one("SELECT 1 FROM labels WHERE key = ?", (key,)) is not None

    def add(self, label: Label) -> None:
        """Insert a checked label (see labels.add_labels); ``order`` 0 puts it last."""
        with self.store.transaction():
            if self.exists(label.name):
                raise HanmarkError(f"A label named {label.name} already exists.")
            if label.key and self.key_taken(label.key):
                raise HanmarkError(f"The key {label.key} is already used by another label.")
            order = label.order or (self._one("SELECT coalesce(max(sort_order), -1) + 1"
                                              " FROM labels")[0])
            self.conn.execute(
                "INSERT INTO labels(name, description, key, colour, sort_order, parent,"
                " examples) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (label.name, label.description, label.key, label.colour, order, label.parent,
                 label.examples),
            )

    def update(self, label: Label) -> None:
        """Write a checked label's description, key, colour, parent and examples."""
        with self.store.transaction():
            self.conn.execute(
                "UPDATE labels SET description = ?, key = ?, colour = ?, parent = ?,"
                " examples = ? WHERE name = ?",
                (label.description, label.key, label.colour, label.parent, label.examples,
                 label.name))

    def rename(self, old: str, new: str) -> int:
        """Rename the label row and move everything that carries ``old`` to ``new``."""
        check_name(new)
        if not self.exists(old):
            raise HanmarkError(f"There is no label named {old}.")
        if self.exists(new):
            raise HanmarkError(f"A label named {new} already exists.")
        with self.store.transaction():
            self.conn.execute("UPDATE labels SET name = ? WHERE name = ?", (new, old))
            return self.move(old, new)

    def move(self, old: str, new: str) -> int:
        """Spans, logged span states and child labels of ``old`` go to ``new``;
        return how many spans moved."""
        with self.store.transaction():
            moved = self.store.spans.relabel(old, new)
            self.store.journal.relabel(old, new)
            self.conn.execute("UPDATE labels SET parent = ? WHERE parent = ?", (new, old))
        return moved

    def delete(self, name: str) -> None:
        """Delete the label with the spans that carry it; its children lose their parent."""
        with self.store.transaction():
            self.store.spans.delete_labeled(name)
            self.conn.execute("UPDATE labels SET parent = NULL WHERE parent = ?", (name,))
            self.conn.execute("DELETE FROM labels WHERE name = ?", (name,))
