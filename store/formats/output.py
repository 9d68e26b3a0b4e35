"""Atomic outputs: everything is written beside its target under a
temporary name and renamed into place only when the whole export worked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import HanmarkError


class AtomicOutputs:
    """Temporary twins of the target files/folders; ``commit`` renames them in."""

    def __init__(self, force: bool):
        self.force = force
        self.pending: list[tuple[Path, Path, bool]] = []

    def claim(self, path: Path, *, folder: bool = False) -> Path:
        """Check that ``path`` may be written; return the temporary path to write."""
        if path.exists() and not self.force:
            raise HanmarkError(f"{path} exists; use --force to overwrite it.")
        if not path.parent.is_dir():
            raise HanmarkError(f"Cannot write {path}: the folder {path.parent} does not exist.")
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        if folder:
            shutil.rmtree(temp, ignore_errors=True)
            temp.mkdir()
        self.pending.append((path, temp, folder))
        return temp

    def commit(self) -> None:
        for path, temp, folder in self.pending:
            if folder and path.exists():
                old = path.with_name(f".{path.name}.{os.getpid()}.old")
                os.replace(path, old)
                os.replace(temp, path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(temp, path)
        self.pending.clear()

    def abort(self) -> None:
        for _, temp, folder in self.pending:
            if folder:
                shutil.rmtree(temp, ignore_errors=True)
            else:
                temp.unlink(missing_ok=True)
        self.pending.clear()
