"""``hanmark models``: the model versions `hanmark train` kept, and which one is active.

Registered on the ``main`` group through ``LAZY_COMMANDS`` in ``tui/cli.py``.
"""

from __future__ import annotations

import click

from .cli_common import chosen_db, friendly, json_text, say
from .textcells import safe


def _f1(scores: dict, key: str) -> str:
    return f"{scores[key]['f1']:.3f}" if scores.get(key) else "-"


@click.group("models", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per version.")
@click.pass_context
@friendly
def models_group(ctx: click.Context, as_json: bool) -> None:
    """List the model versions (when, trained on what, scores); * marks the active one."""
    if ctx.invoked_subcommand is not None:
        return
    from hanmark.nlp import versions

    active = versions.active_id()
    rows = versions.versions()
    if as_json:
        for version in rows:
            click.echo(json_text({"id": version.id, "active": version.id == active,
                                  "path": str(version.path), **version.info}))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text("Model versions; * is active. Entity F1 on the base slice "
                             "and on your held-out done articles"))
    for column in ("", "id", "created", "trained on", "base F1", "your F1", "decision"):
        table.add_column(column, justify="right" if "F1" in column else "left")
    for version in rows:
        info = version.info
        scores = info.get("scores", {})
        # a version's description is a file anyone could have edited: drawn as is
        table.add_row("*" if version.id == active else "", Text(safe(version.id)),
                      Text(safe(str(info.get("created", ""))[:16].replace("T", " "))),
                      Text(safe(versions.trained_on(info.get("training", {})))),
                      _f1(scores, "base"), _f1(scores, "own"),
                      Text(safe(str(info.get("decision", "") or info.get("note", "")))))
    Console().print(table)


@models_group.command("use")
@click.argument("ident", metavar="ID")
@click.pass_context
@friendly
def use_command(ctx: click.Context, ident: str) -> None:
    """Make version ID the active model (suggestions use it from now on)."""
    from hanmark.nlp import versions

    from .settings import resolve_db

    version = versions.use(ident, resolve_db(chosen_db(ctx, None))[0])
    say(f"Now active: {versions.describe(version)}.")
