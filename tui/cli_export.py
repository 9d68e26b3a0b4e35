"""``hanmark export``: write a labeled dataset in an interchange format."""

from __future__ import annotations

from pathlib import Path

import click

from hanmark.store import HanmarkError
from hanmark.store.formats.export import SEPARATORS, TOKEN_MODES, ExportOptions, export, parse_split
from hanmark.store.formats.registry import EXPORT_FORMATS

from .cli_common import chosen_db, db_option, friendly, open_store, progress_bar, say
from .settings import resolve_annotator


@click.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="Format to write.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="File to write (a folder for brat); with --split, NAME.PART.EXT each.")
@click.option("--status", type=click.Choice(["done", "all"]), default="done",
              show_default=True, help="Only articles marked done, or all of them.")
@click.option("--collection", metavar="NAME", help="Only this collection.")
@click.option("--annotator", metavar="NAME",
              help="Whose accepted labels to write (default: the current annotator).")
@click.option("--include-suggestions", is_flag=True,
              help="Also write model suggestions nobody has accepted yet.")
@click.option("--split", metavar="train=0.8,dev=0.1,test=0.1",
              help="Split by article into parts, one file each.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the split (the same seed gives the same split).")
@click.option("--tokens", type=click.Choice(TOKEN_MODES), default="morpheme",
              show_default=True, help="Tokens of the token formats (spacy, conll, hf).")
@click.option("--merge", type=click.Choice(["majority"]),
              help="Write the spans most annotators gave (instead of one annotator's).")
@click.option("--sep", type=click.Choice(list(SEPARATORS)),
              help="CoNLL column separator: space (spaCy, flair; default) or tab (doccano).")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@click.pass_context
@friendly
def export_command(ctx: click.Context, db: str | None, fmt: str, out: Path, status: str,
                   collection: str | None, annotator: str | None, include_suggestions: bool,
                   split: str | None, seed: int, tokens: str, merge: str | None,
                   sep: str | None, force: bool) -> None:
    """Export labeled articles: hanmark, spacy, doccano, labelstudio, brat, conll, klue, hf."""
    from hanmark.nlp.export_tokens import kiwi_segmenter

    options = ExportOptions(
        fmt=fmt, out=out, status=None if status == "all" else status, collection=collection,
        annotator=resolve_annotator(annotator or (ctx.obj or {}).get("annotator")),
        include_suggestions=include_suggestions, split=parse_split(split) if split else None,
        seed=seed, tokens=tokens, force=force, merge=merge, sep=sep)
    store = open_store(chosen_db(ctx, db), create=False)
    total = store.articles.count(status=options.status, collection=collection)
    try:
        with progress_bar("Exporting", total) as advance:
            report = export(store, options, segmenter=kiwi_segmenter(store), progress=advance)
    except KeyboardInterrupt:  # every output was written aside and is gone again
        raise HanmarkError(f"Export cancelled; nothing was written, and any previous {out} "
                           "is untouched.") from None
    say(report.summary())  # it names labels, which are data
    if not report.spans and fmt != "hanmark":
        say(f"No labels of {options.annotator} in the chosen articles: --status all "
            "includes unfinished ones, --annotator import the imported labels.",
            fg="yellow", err=True)
