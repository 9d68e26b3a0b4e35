"""The ``hanmark`` command: opens the app, or runs a subcommand.

Expected mistakes (``HanmarkError``) print one sentence and exit 1; they
never show a traceback.
"""

from __future__ import annotations

import functools
import importlib
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

from .settings import resolve_annotator, resolve_db
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


# Subcommands that live in their own modules, imported only when run (or listed):
# ``hanmark`` alone opens the app without paying for the formats, training or labels.
LAZY_COMMANDS = {
    "import": "cli_import:import_command",
    "export": "cli_export:export_command",
    "merge": "cli_team:merge_command",
    "agreement": "cli_team:agreement_command",
    "train": "cli_nlp:train_command",
    "suggest": "cli_nlp:suggest_command",
    "evaluate": "cli_nlp:evaluate_command",
    "models": "cli_models:models_group",
    "labels": "cli_labels:labels_group",
    "config": "cli_config:config_group",
}


class LazyGroup(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Refuse undecodable bytes in any argument (Python keeps them as lone
        surrogates, which no UTF-8 text and no SQLite file can hold)."""
        if not all(arg.isascii() for arg in args):
            from hanmark.store.textclean import lone_surrogate

            bad = next((arg for arg in args if lone_surrogate(arg)), None)
            if bad is not None:
                fail(f"the argument {bad!r} is not valid UTF-8 text.")
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, attr = LAZY_COMMANDS[name].split(":")
            return getattr(importlib.import_module(f"{__package__}.{module}"), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, invoke_without_command=True)
@db_option
@click.option("--annotator", metavar="NAME",
              help="Who is labeling (default: $HANMARK_ANNOTATOR, else the settings file's "
                   "annotator, else the login name).")
@click.version_option(package_name="hanmark")
@click.pass_context
@friendly
def main(ctx: click.Context, db: str | None, annotator: str | None) -> None:
    """hanmark: read Korean news in the terminal and tag named entities by keyboard.

    With no command, opens the app on the database.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    ctx.obj["annotator"] = annotator
    if ctx.invoked_subcommand is None:
        from .app import HanmarkApp
        from .config import apply_config, load_config

        config = load_config()
        store = open_store(db)
        app = HanmarkApp(store, annotator=resolve_annotator(annotator),
                         label_colours=config.label_colours)
        apply_config(app, config)
        app.remember_theme = True
        app.run()


def _db(ctx: click.Context, db: str | None) -> str | None:
    return db or (ctx.obj or {}).get("db")


class _progress:
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


@main.command("stats")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@friendly
def stats_command(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Progress, spans by label and state, labels per hour, agreement: as charts."""
    store = open_store(_db(ctx, db), create=False)
    stats = store.stats.summary()
    if as_json:
        click.echo(json_text(stats))
        return
    from rich.console import Console

    from hanmark.store.agreement import agreement

    from .charts import stats_charts

    console = Console()
    colours = {label.name: label.colour for label in store.labels.all()}
    for chart in stats_charts(stats, store.stats.labeling_activity(), agreement(store), colours):
        console.print(chart)
        console.print()


@main.command("articles")
@db_option
@click.option("--search", metavar="TEXT", help="Only articles whose title or text contain TEXT.")
@click.option("--status", type=click.Choice(["new", "in_progress", "done", "skipped"]))
@click.option("--collection", metavar="NAME")
@click.option("--limit", default=50, show_default=True, help="At most this many rows.",
              type=click.IntRange(1, 2**63 - 1))  # SQLite's largest integer
@click.option("--order", type=click.Choice(["import", "uncertainty"]), default="import",
              show_default=True, help="uncertainty: least confident first (after "
                                      "`hanmark suggest`), the most useful to label next.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
@friendly
def articles_command(ctx: click.Context, db: str | None, search: str | None,
                     status: str | None, collection: str | None, limit: int, order: str,
                     as_json: bool) -> None:
    """List articles (id, date, status, labels, title)."""
    store = open_store(_db(ctx, db), create=False)
    rows = store.articles.page(search=search, status=status, collection=collection, limit=limit,
                              order=order)
    total = store.articles.count(search=search, status=status, collection=collection)
    if as_json:
        for row in rows:
            click.echo(json_text({
                "id": row.uid, "title": row.title, "date": row.date,
                "collection": row.collection, "status": row.status, "labels": row.n_labels,
            }))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{total} article{'s' * (total != 1)}")
    for column in ("id", "date", "collection", "status", "labels", "title"):
        table.add_column(column, no_wrap=True, overflow="ellipsis",
                         min_width=16 if column == "id" else None)
    for row in rows:
        table.add_row(*(Text(safe(value or "")) for value in (
            row.uid, row.date, row.collection, row.status, str(row.n_labels), row.title)))
    Console().print(table)

