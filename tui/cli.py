"""The ``hanmark`` command: opens the app, or runs a subcommand.

Expected mistakes (``HanmarkError``) print one sentence and exit 1; they
never show a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from store import HanmarkError, Store
from store.formats.registry import IMPORT_FORMATS, parse_label_map
from store.importer import import_sources

from .settings import resolve_annotator, resolve_db

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


def fail(message: str) -> None:
    click.secho(f"hanmark: {message}", fg="red", err=True)
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
            fail("interrupted; the transaction in progress was rolled back.")

    return wrapper


def seed_paths() -> list[str]:
    return [str(p) for p in sorted(SEEDS_DIR.glob("*.txt"))]


def open_store(db: str | None, *, readonly: bool = False) -> Store:
    """Open the chosen database; a new default database gets the bundled corpus."""
    path, is_default = resolve_db(db)
    if is_default:
        path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not path.exists()
    store = Store(path, readonly=readonly)
    if store.readonly and not readonly:
        click.secho(f"hanmark: {path} is not writable; opened read-only (nothing can be "
                    "changed).", fg="yellow", err=True)
    if fresh and is_default:
        import_sources(store, seed_paths(), collection="seeds")
    return store


db_option = click.option("--db", "db", metavar="PATH",
                         help="Database file (default: $HANMARK_DB, else the settings file's "
                              "db, else hanmark.db in the user data folder).")


@click.group(invoke_without_command=True)
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

        store = open_store(db)
        HanmarkApp(store, annotator=resolve_annotator(annotator)).run()


def _db(ctx: click.Context, db: str | None) -> str | None:
    return db or (ctx.obj or {}).get("db")


def _label_map(_ctx: click.Context, _param: click.Parameter,
               value: tuple[str, ...]) -> dict[str, str]:
    try:
        return parse_label_map(value)
    except HanmarkError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command("import")
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--collection", default="default", show_default=True,
              help="Collection the articles join.")
@click.option("--annotator", default="import", show_default=True,
              help="Annotator recorded for labels that come with the articles.")
@click.option("--strict", is_flag=True, help="Abort on the first error and write nothing.")
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS),
              help="The files' format (default: detected from each file).")
@click.option("--label-map", multiple=True, metavar="OLD=NEW", callback=_label_map,
              help="Rename a label on the way in (repeatable).")
@click.option("--add-labels", is_flag=True, help="Add unknown labels to the database.")
@click.option("--keep-good", is_flag=True,
              help="Keep the good records of a bad file (interchange formats: all or nothing).")
@click.pass_context
@friendly
def import_command(ctx: click.Context, paths: tuple[str, ...], db: str | None,
                   collection: str, annotator: str, strict: bool, fmt: str | None,
                   label_map: dict[str, str], add_labels: bool, keep_good: bool) -> None:
    """Import articles: .txt/.md files and saved .html news pages (one article each), folders,
    .jsonl, or - for stdin;
    spaCy, doccano, Label Studio, brat, CoNLL, KLUE and hanmark files (see --format)."""
    store = open_store(_db(ctx, db))
    with _progress("Importing", len(paths)) as advance:
        report = import_sources(store, paths, collection=collection, annotator=annotator,
                                strict=strict, progress=advance, fmt=fmt, label_map=label_map,
                                add_labels=add_labels, keep_good=keep_good)
    for error in report.errors:
        click.secho(error, fg="yellow", err=True)
    click.echo(report.summary())
    if report.errors and not report.imported and not report.duplicates:
        sys.exit(1)


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
    store = open_store(_db(ctx, db))
    stats = store.stats()
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))
        return
    from rich.console import Console

    from store.agreement import agreement

    from .charts import stats_charts

    console = Console()
    colours = {label.name: label.colour for label in store.labels()}
    for chart in stats_charts(stats, store.labeling_activity(), agreement(store), colours):
        console.print(chart)
        console.print()


@main.command("articles")
@db_option
@click.option("--search", metavar="TEXT", help="Only articles whose title or text contain TEXT.")
@click.option("--status", type=click.Choice(["new", "in_progress", "done", "skipped"]))
@click.option("--collection", metavar="NAME")
@click.option("--limit", default=50, show_default=True, help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
@friendly
def articles_command(ctx: click.Context, db: str | None, search: str | None,
                     status: str | None, collection: str | None, limit: int,
                     as_json: bool) -> None:
    """List articles (id, date, status, labels, title)."""
    store = open_store(_db(ctx, db))
    rows = store.article_rows(search=search, status=status, collection=collection, limit=limit)
    total = store.count_articles(search=search, status=status, collection=collection)
    if as_json:
        for row in rows:
            click.echo(json.dumps({
                "id": row.uid, "title": row.title, "date": row.date,
                "collection": row.collection, "status": row.status, "labels": row.n_labels,
            }, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{total} article{'s' * (total != 1)}")
    for column in ("id", "date", "collection", "status", "labels", "title"):
        table.add_column(column, no_wrap=True, overflow="ellipsis",
                         min_width=16 if column == "id" else None)
    for row in rows:
        table.add_row(row.uid, row.date or "", Text(row.collection), row.status,
                      str(row.n_labels), Text(row.title))
    Console().print(table)


def _register() -> None:
    """Subcommands live in their own modules; they import this one, so add them last."""
    from .cli_config import config_group
    from .cli_export import export_command
    from .cli_labels import labels_group
    from .cli_nlp import evaluate_command, suggest_command, train_command
    from .cli_team import agreement_command, merge_command

    for command in (merge_command, agreement_command, export_command, train_command,
                    suggest_command, evaluate_command, labels_group, config_group):
        main.add_command(command)


_register()
