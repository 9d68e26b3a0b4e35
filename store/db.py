"""Opening a hanmark database: checks, pragmas and migrations.

Every way a file can be wrong (missing folder, not SQLite, not hanmark,
newer schema, read-only, damaged) becomes one ``HanmarkError`` sentence,
and none of them modifies the file.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from .errors import HanmarkError
from .migrations import SCHEMA_VERSION, migrate
from .paths import require_regular_file

APPLICATION_ID = 0x484D4B31  # "HMK1": marks a file as a hanmark database
BUSY_TIMEOUT_MS = 15_000


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    """Connect through SQLite alone: hanmark never opens the file itself, because
    closing any descriptor of it would drop the locks of this process's other
    connections (POSIX), and another process would then delete their WAL."""
    if readonly:
        uri = f"file:{quote(path.resolve().as_posix())}?mode=ro"
        if not _may_write_beside(path):
            uri += _readonly_without_shm(path)
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _may_write_beside(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _readonly_without_shm(path: Path) -> str:
    """How to read a file whose ``-shm`` we may not create or write.

    With no ``-wal`` everything committed is in the file itself, and it can be
    read as immutable (no locks, so no ``-shm`` needed). Committed changes in a
    ``-wal`` would be invisible to an immutable reader, so then SQLite reads
    the ``-wal`` through an existing ``-shm``, or we refuse.
    """
    wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    if not wal.exists():
        return "&immutable=1"
    if shm.exists() and os.access(shm, os.R_OK):
        return ""
    raise HanmarkError(
        f"{path} has committed changes in {wal.name} that cannot be read without write "
        f"access to {path.parent}; open it once with write access (or from its owner's account)."
    )


def _check_identity(conn: sqlite3.Connection, path: Path) -> int:
    """Return the schema version, or raise if the file is not ours."""
    try:
        # One statement, so one snapshot: another process may be migrating the
        # file meanwhile, and tables read after its commit beside an id read
        # before it would look like somebody else's database.
        app_id, version, n_tables = conn.execute(
            "SELECT (SELECT * FROM pragma_application_id), (SELECT * FROM pragma_user_version),"
            " (SELECT count(*) FROM sqlite_master)"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        if "file is not a database" in str(exc):
            raise HanmarkError(f"{path} is not a hanmark database (not an SQLite file).") from None
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
    require_regular_file(path)
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
        if not os.access(path, os.R_OK):
            raise HanmarkError(f"{path} cannot be read: permission denied.")
        if not readonly and not os.access(path, os.W_OK):
            readonly = True
        if not readonly and not os.access(path.parent, os.W_OK):
            # SQLite needs to create -wal and -shm files beside the database.
            readonly = True
    conn = None
    try:
        conn = _connect(path, readonly)
        _prepare(conn, path, readonly)
    except BaseException as exc:
        if conn is not None:
            conn.close()  # SQLite keeps the descriptor while this process holds locks
        if not isinstance(exc, sqlite3.DatabaseError):
            raise
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc)
                                                          or "busy" in str(exc)):
            raise HanmarkError(f"{path} is locked by another program; try again.") from None
        if isinstance(exc, sqlite3.OperationalError):
            raise HanmarkError(f"{path} cannot be opened: {exc}.") from None
        raise HanmarkError(f"{path} is damaged or not a database ({exc}).") from None
    return conn, readonly


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """Ask for WAL mode; return the journal mode the file is in.

    When two processes switch the same new file at once, SQLite refuses one
    of them at once rather than wait (waiting could deadlock), so the refused
    one retries until the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _prepare(conn: sqlite3.Connection, path: Path, readonly: bool) -> None:
    """Check the file is ours; a writable one is switched to WAL and migrated."""
    version = _check_identity(conn, path)
    if readonly:
        if version < SCHEMA_VERSION:
            raise HanmarkError(
                f"{path} is read-only and uses an older schema ({version}); "
                "open it once with write access to upgrade it."
            )
        return
    if _switch_to_wal(conn).lower() != "wal":
        raise HanmarkError(f"{path} cannot be switched to WAL mode.")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    if version < SCHEMA_VERSION:
        migrate(conn, APPLICATION_ID)
