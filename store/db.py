"""Opening a hanmark database: checks, pragmas and migrations.

Every way a file can be wrong (missing folder, not SQLite, not hanmark,
newer schema, read-only, damaged) becomes one ``HanmarkError`` sentence,
and none of them modifies the file.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .errors import HanmarkError
from .migrations import SCHEMA_VERSION, migrate

APPLICATION_ID = 0x484D4B31  # "HMK1": marks a file as a hanmark database
BUSY_TIMEOUT_MS = 15_000
SQLITE_MAGIC = b"SQLite format 3\x00"


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    return head == SQLITE_MAGIC or head == b""


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        uri = f"file:{path.resolve().as_posix()}?mode=ro"
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            # WAL readers must write the -shm file; a file we may not change is
            # read as immutable instead (no locks, so no -shm needed).
            uri += "&immutable=1"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _check_identity(conn: sqlite3.Connection, path: Path) -> int:
    """Return the schema version, or raise if the file is not ours."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        n_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise HanmarkError(f"{path} is damaged or not a database ({exc}).") from None
    if app_id != APPLICATION_ID and n_tables:
        import sqlite_utils  # only here: importing it costs a tenth of a second at start

        tables = ", ".join(sqlite_utils.Database(conn).table_names()[:5])
        raise HanmarkError(f"{path} is an SQLite database but not a hanmark one "
                           f"(its tables: {tables}).")
    if version > SCHEMA_VERSION:
        raise HanmarkError(
            f"{path} was written by a newer hanmark (schema {version}; "
            f"this version reads up to {SCHEMA_VERSION}); upgrade hanmark to open it."
        )
    return version


def open_database(path: str | os.PathLike, *, create: bool = True,
                  readonly: bool = False) -> tuple[sqlite3.Connection, bool]:
    """Open (or create) the database at ``path``; return it and whether it is read-only.

    A file the process cannot write is opened read-only rather than refused.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise HanmarkError(f"{path} is a folder, not a database file.")
    exists = path.exists()
    if not exists:
        if not path.parent.is_dir():
            raise HanmarkError(
                f"Cannot create database {path}: the folder {path.parent} does not exist."
            )
        if not create:
            raise HanmarkError(f"Database {path} does not exist.")
        if readonly:
            raise HanmarkError(f"Database {path} does not exist, so it cannot be opened read-only.")
    else:
        try:
            if not _looks_like_sqlite(path):
                raise HanmarkError(f"{path} is not a hanmark database (not an SQLite file).")
        except PermissionError:
            raise HanmarkError(f"{path} cannot be read: permission denied.") from None
        if not readonly and not os.access(path, os.W_OK):
            readonly = True
        if not readonly and not os.access(path.parent, os.W_OK):
            # SQLite needs to create -wal and -shm files beside the database.
            readonly = True
    try:
        conn = _connect(path, readonly)
        version = _check_identity(conn, path)
        if readonly:
            if version < SCHEMA_VERSION:
                raise HanmarkError(
                    f"{path} is read-only and uses an older schema ({version}); "
                    "open it once with write access to upgrade it."
                )
        else:
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise HanmarkError(f"{path} cannot be switched to WAL mode.")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if version == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrate(conn)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise HanmarkError(f"{path} is locked by another program; try again.") from None
        raise HanmarkError(f"{path} cannot be opened: {exc}.") from None
    except sqlite3.DatabaseError as exc:
        raise HanmarkError(f"{path} is damaged or not a database ({exc}).") from None
    return conn, readonly
