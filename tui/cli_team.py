"""Team commands: merge another annotator's database, measure agreement."""

from __future__ import annotations

import click

from hanmark.store.agreement import agreement
from hanmark.store.merge import merge_database
from hanmark.store.review import needing_review

from .cli_common import chosen_db, db_option, friendly, json_text, open_store, say
from .textcells import safe


@click.command("merge")
@click.argument("other", type=click.Path(dir_okay=False))
@db_option
@click.option("--add-labels", is_flag=True,
              help="Add labels the other database has and this one lacks.")
@click.pass_context
@friendly
def merge_command(ctx: click.Context, other: str, db: str | None, add_labels: bool) -> None:
    """Merge OTHER.db (another annotator's work) into this database."""
    store = open_store(chosen_db(ctx, db))
    report = merge_database(store, other, add_labels=add_labels)
    say(report.summary(other))


@click.command("agreement")
@db_option
@click.option("--annotators", metavar="A,B[,C]", help="Only these annotators (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@friendly
def agreement_command(ctx: click.Context, db: str | None, annotators: str | None,
                      as_json: bool) -> None:
    """Entity F1 and character kappa for each pair of annotators, on articles both did,
    and how many articles still need review."""
    names = [n.strip() for n in annotators.split(",")] if annotators else None
    store = open_store(chosen_db(ctx, db), readonly=True, create=False)
    pairs = agreement(store, names)
    due = len(needing_review(store))
    if as_json:
        click.echo(json_text({"pairs": [p.as_dict() for p in pairs], "needs_review": due}))
        return
    if not pairs:
        click.echo("No pair of annotators has marked the same article done.")
    else:
        _print_pairs(pairs)
    hint = (" (a disagreement between two annotators without a gold decision; in the app:"
            " the list's status filter f, then R)") if due else ""
    click.echo(f"{due} article{'s' * (due != 1)} still need{'s' * (due == 1)} review{hint}.")


def _print_pairs(pairs: list) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Agreement (strict entity F1, Cohen's kappa over characters)")
    for column in ("a", "b", "articles", "entity F1", "kappa", "per label F1 / kappa"):
        table.add_column(column)
    for pair in pairs:
        data = pair.as_dict()
        per_label = "  ".join(f"{k} {v['entity_f1']:.2f}/{v['kappa']:.2f}"
                              for k, v in data["per_label"].items())
        table.add_row(Text(safe(pair.a)), Text(safe(pair.b)), str(pair.articles),
                      f"{pair.entity_f1:.3f}", f"{pair.kappa():.3f}", Text(safe(per_label)))
    Console().print(table)
