"""Atomic outputs: every file hanmark writes (exports, label configurations,
models) is written beside its target under a temporary name of hanmark's
own and renamed into place only when it is complete.

A temporary is ``.NAME.PID.tmp``; a folder being replaced is moved aside as
``.NAME.PID.old`` for the instant of the swap. Whatever fails or is
interrupted removes its temporaries; a process that was killed cannot, so
each write first sweeps the temporaries of its target left by processes
that no longer run. A folder hanmark writes holds a manifest of its
entries, and ``--force`` replaces only such a folder: files hanmark did not
write are never deleted. The database, its -wal/-shm and folders holding
them are refused before anything is written.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import HanmarkError
from ..paths import is_database_file, refuse_database_output

MANIFEST = ".hanmark-export"  # in a folder hanmark wrote: its entries, one a line
DISK_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def temporary(path: Path, kind: str = "tmp") -> Path:
    """This process's temporary (``tmp``) or set-aside (``old``) twin of ``path``."""
    path = Path(os.path.abspath(path))
    return path.with_name(f".{path.name}.{os.getpid()}.{kind}")


def write_failed(exc: OSError, path: Path) -> HanmarkError:
    """One sentence for a write of ``path`` that failed (and changed nothing)."""
    if exc.errno in DISK_FULL:
        return HanmarkError(f"The disk is full (or the file size limit was reached) while "
                            f"writing {path}; nothing was changed.")
    if exc.errno in DENIED:
        return HanmarkError(f"Cannot write {path}: the folder {path.parent} is not writable "
                            f"({exc.strerror}); nothing was changed.")
    return HanmarkError(f"Cannot write {path}: {exc.strerror or exc}; nothing was changed.")


def check_output(path: Path, *, force: bool, database: str | os.PathLike | None = None,
                 folder: bool = False, what: str = "output") -> None:
    """Refuse, before any work, a target that may not be written (or replaced)."""
    if database is not None:
        refuse_database_output(path, database, what)
    present = os.path.lexists(path)
    if path.is_dir() and not folder:
        raise HanmarkError(f"{path} is a folder; give a file path for the {what}.")
    if present and folder and not path.is_dir():
        raise HanmarkError(f"{path} is a file and this format writes a folder; choose a "
                           "folder path (hanmark never deletes files it did not write).")
    if present and not force and not (folder and not any(_entries(path))):
        raise HanmarkError(f"{path} exists; use --force to overwrite it.")
    if present and folder:
        _refuse_foreign(path)
    parent = Path(os.path.abspath(path)).parent
    if not parent.is_dir():
        raise HanmarkError(f"Cannot write {path}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK):
        raise HanmarkError(f"Cannot write {path}: the folder {parent} is not writable.")


def _entries(folder: Path) -> Iterator[str]:
    """Every entry under ``folder`` but the manifest, relative; folders end in ``/``."""
    for root, dirs, files in os.walk(folder):
        here = Path(root).relative_to(folder)
        for name in dirs:
            yield (here / name).as_posix() + "/"
        for name in files:
            entry = (here / name).as_posix()
            if entry != MANIFEST:
                yield entry


def _refuse_foreign(folder: Path) -> None:
    """Refuse to replace a folder holding anything its manifest does not list."""
    try:
        listed = set((folder / MANIFEST).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        listed = set()
    foreign = next((entry for entry in _entries(folder) if entry not in listed), None)
    if foreign is not None:
        raise HanmarkError(f"{folder} holds files hanmark did not write ({foreign}); --force "
                           "replaces only a folder hanmark exported, so choose a new or "
                           "empty folder.")


def _running(pid: int) -> bool:
    if os.name != "posix":
        return True  # no safe way to ask here: sweep nothing
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        with suppress(OSError):
            entry.unlink(missing_ok=True)


def sweep(path: Path, database: str | os.PathLike | None = None) -> None:
    """Remove what killed hanmark processes left beside ``path``; a folder set
    aside by a swap that was cut short goes back in place if nothing replaced it."""
    path = Path(os.path.abspath(path))
    prefix = f".{path.name}."
    for entry in path.parent.glob(glob.escape(prefix) + "*"):
        stale = re.fullmatch(rf"{re.escape(prefix)}(\d+)\.(tmp|old)", entry.name)
        if stale is None or _running(int(stale[1])):
            continue
        if database is not None and is_database_file(entry, database):
            continue
        if stale[2] == "old" and not os.path.lexists(path):
            with suppress(OSError):
                os.replace(entry, path)
            continue
        _remove(entry)


class AtomicOutputs:
    """Claim targets and write their temporaries inside the ``with`` block;
    ``commit`` renames them in. Leaving the block removes every temporary not
    committed, and a failed write becomes one sentence naming ``where``."""

    def __init__(self, force: bool, database: str | os.PathLike | None = None,
                 what: str = "output", where: Path | None = None):
        self.force, self.database, self.what, self.where = force, database, what, where
        self.pending: list[tuple[Path, Path, bool]] = []

    def claim(self, path: Path, *, folder: bool = False) -> Path:
        """Check that ``path`` may be written; return the temporary to write instead."""
        self.where = self.where or path
        sweep(path, self.database)
        check_output(path, force=self.force, database=self.database, folder=folder,
                     what=self.what)
        temp = temporary(path)
        self.pending.append((path, temp, folder))
        _remove(temp)
        if folder:
            temp.mkdir()
        return temp

    def commit(self) -> None:
        while self.pending:
            path, temp, folder = self.pending[0]
            if folder:
                (temp / MANIFEST).write_text("".join(f"{e}\n" for e in _entries(temp)),
                                             encoding="utf-8")
                _swap_folder(path, temp)
            else:
                os.replace(temp, path)
            self.pending.pop(0)

    def __enter__(self) -> AtomicOutputs:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        for _, temp, _ in self.pending:
            _remove(temp)
        self.pending.clear()
        if isinstance(exc, OSError):
            raise write_failed(exc, self.where) from None


def _swap_folder(path: Path, temp: Path) -> None:
    """Replace the folder ``path`` (checked again: files may have arrived) by ``temp``."""
    if not os.path.lexists(path):
        os.replace(temp, path)
        return
    _refuse_foreign(path)
    old = temporary(path, "old")
    os.replace(path, old)
    try:
        os.replace(temp, path)
    except BaseException:
        os.replace(old, path)
        raise
    _remove(old)


@contextmanager
def atomic_file(path: Path, *, force: bool, database: str | os.PathLike | None = None,
                what: str = "output") -> Iterator[Path]:
    """The temporary to write ``path`` through, renamed in when the block ends well."""
    with AtomicOutputs(force, database, what) as outputs:
        yield outputs.claim(Path(path))
        outputs.commit()
