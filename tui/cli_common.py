"""What every ``hanmark`` subcommand shares: printing user data safely, one
sentence for an expected mistake, opening the database, the ``--db`` option
and a progress bar. ``cli.py`` and each ``cli_*.py`` import it.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from hanmark.store import HanmarkError, Store
from hanmark.store.paths import is_database_file

from .settings import resolve_db
from .textcells import safe

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
_NOT_JSON_ESCAPED = re.compile("[\x7f-\x9f]")


def say(message: str, *, err: bool = False, **style: Any) -> None:
    """Print lines that may hold user data (names, titles, paths): every
    character as drawn on screen (``textcells.safe``), so none acts on the terminal."""
    click.secho("\n".join(map(safe, message.split("\n"))), err=err, **style)


def json_text(value: Any, **options: Any) -> str:
    """JSON for printing: non-ASCII text kept readable, and DEL and the C1
    controls escaped too (``json.dumps`` escapes only those below 0x20)."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _NOT_JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def fail(message: str) -> None:
    say(f"hanmark: {message}", fg="red", err=True)
    sys.exit(1)


def friendly(func: Callable) -> Callable:
    """Turn ``HanmarkError`` into one red line and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HanmarkError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            fail("interrupted; the work in progress was rolled back and nothing half-written "
                 "was kept.")

    return wrapper


def seed_paths() -> list[str]:
    return [str(p) for p in sorted(SEEDS_DIR.glob("*.txt"))]


def open_store(db: str | None, *, readonly: bool = False, create: bool = True) -> Store:
    """Open the chosen database; a new default database gets the bundled corpus.

    Commands that only read pass ``create=False``: a mistyped ``--db`` then says
    so instead of reporting an empty database it has just created.
    """
    path, is_default = resolve_db(db)
    if is_default:
        path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not path.exists()
    model = os.environ.get("HANMARK_MODEL")
    if model and is_database_file(model, path):  # loading it would read the database
        raise HanmarkError(f"$HANMARK_MODEL ({model}) is the database {path}; "
                           "point it at a model file.")
    if fresh and not create and not is_default and path.parent.is_dir():
        raise HanmarkError(f"Database {path} does not exist (nothing to read); "
                           "create it with `hanmark import FILES --db PATH`.")
    store = Store(path, readonly=readonly)
    if store.readonly and not readonly:
        say(f"hanmark: {path} is not writable; opened read-only (nothing can be "
            "changed).", fg="yellow", err=True)
    if fresh and is_default:
        from hanmark.store.importer import import_sources

        import_sources(store, seed_paths(), collection="seeds")
    return store


db_option = click.option("--db", "db", metavar="PATH",
                         help="Database file (default: $HANMARK_DB, else the settings file's "
                              "db, else hanmark.db in the user data folder).")


def chosen_db(ctx: click.Context, db: str | None) -> str | None:
    return db or (ctx.obj or {}).get("db")


class progress_bar:
    """A rich progress bar on a terminal; nothing when output is piped."""

    def __init__(self, what: str, total: int | None):
        self.what, self.total, self.bar = what, total, None

    def __enter__(self) -> Callable[..., None]:
        if sys.stdout.isatty():
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.what, total=self.total)
            return lambda *_args, advance=1: self.bar.advance(self.task, advance)
        return lambda *_args, advance=1: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
