"""``hanmark import``: articles and labeled datasets in, in any format hanmark reads."""

from __future__ import annotations

import sys

import click

from hanmark.store import HanmarkError
from hanmark.store.formats.registry import IMPORT_FORMATS, parse_label_map
from hanmark.store.importer import import_sources

from .cli_common import chosen_db, db_option, friendly, open_store, progress_bar, say


def _label_map(_ctx: click.Context, _param: click.Parameter,
               value: tuple[str, ...]) -> dict[str, str]:
    try:
        return parse_label_map(value)
    except HanmarkError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("import")
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
@click.option("--update", is_flag=True,
              help="Articles already there take the file's labels, replacing the annotator's "
                   "earlier imported ones.")
@click.pass_context
@friendly
def import_command(ctx: click.Context, paths: tuple[str, ...], db: str | None,
                   collection: str, annotator: str, strict: bool, fmt: str | None,
                   label_map: dict[str, str], add_labels: bool, keep_good: bool,
                   update: bool) -> None:
    """Import articles: .txt/.md files and saved .html news pages (one article each), folders,
    .jsonl, or - for stdin;
    spaCy, doccano, Label Studio, brat, CoNLL, KLUE and hanmark files (see --format)."""
    store = open_store(chosen_db(ctx, db))
    with progress_bar("Importing", len(paths)) as advance:
        report = import_sources(store, paths, collection=collection, annotator=annotator,
                                strict=strict, progress=advance, fmt=fmt, label_map=label_map,
                                add_labels=add_labels, keep_good=keep_good, update=update)
    for error in [*report.skipped, *report.errors]:
        say(error, fg="yellow", err=True)
    say(report.summary())
    if report.errors:
        sys.exit(1)  # scripts must be able to tell that something was refused
