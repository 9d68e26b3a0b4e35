"""Paths next to a database: which files are SQLite's alone, and outputs that would hit them.

POSIX drops every lock a process holds on a file when *any* descriptor of
that file is closed, so once a connection exists nothing but SQLite may
open, read, copy, rename or delete the database or its ``-wal``/``-shm``.
These checks only ``stat`` paths, which opens no descriptor.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import HanmarkError

SIDE_FILES = ("", "-wal", "-shm", "-journal")


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name one file (links and ``..`` included); False if either is missing."""
    first, second = _identity(Path(a)), _identity(Path(b))
    if first is not None and second is not None:
        return first == second
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


def database_files(db: str | os.PathLike) -> list[Path]:
    """The database and the files SQLite keeps beside it."""
    db = Path(db).expanduser()
    return [db.with_name(db.name + suffix) for suffix in SIDE_FILES]


def is_database_file(path: str | os.PathLike, db: str | os.PathLike) -> bool:
    return any(same_file(path, own) for own in database_files(db))


def holds_database(folder: str | os.PathLike, db: str | os.PathLike) -> bool:
    """Whether ``folder`` is, or is above, the folder the database lives in."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        return False
    home = Path(db).expanduser().resolve().parent
    return any(same_file(folder, above) for above in (home, *home.parents))


def refuse_database_output(out: str | os.PathLike, db: str | os.PathLike,
                           what: str = "output") -> None:
    """Raise if writing ``out`` (a file, or a folder that may be replaced) would touch ``db``."""
    if is_database_file(out, db):
        raise HanmarkError(f"{out} is the database {db} (or one of its -wal/-shm files); "
                           f"choose another {what} path.")
    if holds_database(out, db):
        raise HanmarkError(f"{out} is a folder that holds the database {db}; "
                           f"choose another {what} path.")


def require_regular_file(path: str | os.PathLike, what: str = "database") -> None:
    """Refuse a FIFO, device or socket, which would block or never end; a missing path passes."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if stat.S_ISDIR(mode):
        raise HanmarkError(f"{path} is a folder, not a {what} file.")
    if not stat.S_ISREG(mode):
        raise HanmarkError(f"{path} is not a regular file (a pipe or device?); "
                           f"a {what} must be a file on disk.")
