"""The ``hanmark`` command: opens the app, or runs a subcommand.

Expected mistakes (``HanmarkError``) print one sentence and exit 1; they
never show a traceback.
"""

from __future__ import annotations

import importlib

import click

from .cli_common import chosen_db, db_option, fail, friendly, json_text, open_store
from .settings import resolve_annotator
from .textcells import safe

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


@main.command("stats")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@friendly
def stats_command(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Progress, spans by label and state, labels per hour, agreement: as charts."""
    store = open_store(chosen_db(ctx, db), create=False)
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
    store = open_store(chosen_db(ctx, db), create=False)
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
    from rich.box import SIMPLE_HEAD
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Every column keeps its content's width (a full id, date and status); the title
    # gives way, cut here since Rich would rather squeeze the other columns to nothing.
    cells = [[Text(safe(value or "")) for value in (row.uid, row.date, row.collection,
                                                     row.status, str(row.n_labels))]
             for row in rows]
    names = ("id", "date", "collection", "status", "labels")
    widths = [max([len(name), *(c[i].cell_len for c in cells)]) for i, name in enumerate(names)]
    console = Console()
    room = max(console.width - sum(w + 3 for w in widths) - 4, 8)  # 3: padding, rule
    table = Table(title=f"{total} article{'s' * (total != 1)}", box=SIMPLE_HEAD,
                  title_justify="left")
    for name, width in zip(names, widths, strict=True):
        table.add_column(name, no_wrap=True, min_width=width,
                         justify="right" if name == "labels" else "left")
    table.add_column("title", no_wrap=True)
    for row, shown in zip(rows, cells, strict=True):
        title = Text(safe(row.title or ""))
        title.truncate(room, overflow="ellipsis")
        table.add_row(*shown, title)
    console.print(table)

