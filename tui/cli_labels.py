"""``hanmark labels``: the label set as data (list, add, edit, rename, remove,
presets, doccano label configurations)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hanmark.store import HanmarkError, Label
from hanmark.store import labels as label_set
from hanmark.store.formats.output import atomic_file

from .cli_common import chosen_db, db_option, friendly, json_text, open_store, say
from .settings import resolve_annotator
from .textcells import safe


def _actor(ctx: click.Context) -> str:
    return resolve_annotator((ctx.obj or {}).get("annotator"))


def _plural(n: int, word: str = "span") -> str:
    return f"{n} {word}{'s' * (n != 1)}"


@click.group("labels")
def labels_group() -> None:
    """The label set: list, add, edit, rename, remove, presets, doccano import/export,
    and the forms rejected everywhere (rejected, unreject)."""


@labels_group.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per label.")
@click.pass_context
@friendly
def list_command(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Every label with its key, parent, span count, colour and description."""
    store = open_store(chosen_db(ctx, db))
    counts = store.stats.summary()["spans"]["by_label"]
    labels = store.labels.all()
    if as_json:
        for lab in labels:
            click.echo(json_text({**lab.__dict__, "spans": counts.get(lab.name, 0)}))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .colours import label_style
    from .config import load_config

    colours = load_config().label_colours  # the user's own colours win on screen
    table = Table(title=_plural(len(labels), "label"), expand=True)
    for column in ("key", "name", "parent", "spans"):
        table.add_column(column, no_wrap=True, min_width=len(column))
    table.add_column("description", no_wrap=True, overflow="ellipsis", ratio=1)
    for lab in labels:  # stored values may come from an older or hostile hanmark: drawn as is
        style = label_style(colours.get(lab.name, lab.colour))
        table.add_row(Text(safe(lab.key or "")), Text(f" {safe(lab.name)} ", style=style),
                      Text(safe(lab.parent or "")), str(counts.get(lab.name, 0)),
                      Text(safe(lab.description))
                      + Text(f"  {safe(lab.examples)}", style="dim"))
    Console().print(table)


def _fields(func):
    for option in reversed([
        click.option("--description", help="What the label means (Korean is fine)."),
        click.option("--key", help="One key that applies it in the reader ('' for none)."),
        click.option("--colour", "--color", "colour", help="#rrggbb or a colour name."),
        click.option("--parent", help="The group label it belongs to ('' for none)."),
        click.option("--examples", help="Comma-separated examples the picker can find."),
    ]):
        func = option(func)
    return func


def _given(**fields: str | None) -> dict[str, str | None]:
    changes = {k: v for k, v in fields.items() if v is not None}
    if changes.get("parent") == "":
        changes["parent"] = None
    return changes


@labels_group.command("add")
@click.argument("name")
@_fields
@db_option
@click.pass_context
@friendly
def add_command(ctx: click.Context, name: str, db: str | None, **fields: str | None) -> None:
    """Add a label NAME."""
    store = open_store(chosen_db(ctx, db))
    given = {"description": "", "colour": "#888888", **_given(**fields)}
    label_set.add_labels(store, [Label(name, **given)], skip_existing=False)
    say(f"Added {name}.")


@labels_group.command("edit")
@click.argument("name")
@_fields
@db_option
@click.pass_context
@friendly
def edit_command(ctx: click.Context, name: str, db: str | None, **fields: str | None) -> None:
    """Change a label's description, key, colour, parent or examples."""
    changes = _given(**fields)
    if not changes:
        raise click.UsageError("Say what to change: --description, --key, --colour, "
                               "--parent or --examples.")
    label_set.edit_label(open_store(chosen_db(ctx, db)), name, **changes)
    say(f"Changed {name}: {', '.join(changes)}.")


@labels_group.command("rename")
@click.argument("old")
@click.argument("new")
@db_option
@click.pass_context
@friendly
def rename_command(ctx: click.Context, old: str, new: str, db: str | None) -> None:
    """Rename OLD to NEW on the label and every span ('hanmark labels undo' takes it back)."""
    moved = label_set.rename_label(open_store(chosen_db(ctx, db)), old, new, actor=_actor(ctx))
    say(f"Renamed {old} to {new} ({_plural(moved)}).")


@labels_group.command("undo")
@db_option
@click.option("--redo", is_flag=True, help="Redo the last undone rename instead.")
@click.pass_context
@friendly
def undo_command(ctx: click.Context, db: str | None, redo: bool) -> None:
    """Undo your last label rename (or redo it)."""
    done = label_set.undo_label_change(open_store(chosen_db(ctx, db)), actor=_actor(ctx), redo=redo)
    say(done or f"Nothing to {'redo' if redo else 'undo'}.")


@labels_group.command("rejected")
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
@friendly
def rejected_command(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """List the forms rejected with a label everywhere (X in the reader): never suggested."""
    entries = open_store(chosen_db(ctx, db), create=False).rejected.all()
    for entry in entries:
        click.echo(json_text(entry) if as_json else say_entry(entry))
    if not entries and not as_json:
        say("No form is rejected everywhere (X on a suggestion in the reader does that).")


def say_entry(entry: dict) -> str:
    """Form, label, who and when, tab-separated; each field as ``safe`` draws it."""
    return "\t".join(safe(entry[key]) for key in ("form", "label", "annotator", "created"))


@labels_group.command("unreject")
@click.argument("form")
@click.argument("label")
@db_option
@click.pass_context
@friendly
def unreject_command(ctx: click.Context, form: str, label: str, db: str | None) -> None:
    """Let FORM be suggested as LABEL again (undo with `hanmark labels undo`)."""
    if not open_store(chosen_db(ctx, db)).rejected.take_back(form, label, _actor(ctx)):
        raise HanmarkError(f"{form} is not rejected as {label}; "
                           "`hanmark labels rejected` lists what is.")
    say(f"{form} may be suggested as {label} again.")


@labels_group.command("remove")
@click.argument("name")
@click.option("--map-to", metavar="OTHER", help="Relabel its spans as OTHER first.")
@click.option("--force", is_flag=True, help="Delete its spans with it.")
@db_option
@click.pass_context
@friendly
def remove_command(ctx: click.Context, name: str, map_to: str | None, force: bool,
                   db: str | None) -> None:
    """Remove label NAME; one with spans needs --map-to OTHER or --force."""
    count = label_set.remove_label(open_store(chosen_db(ctx, db)), name, actor=_actor(ctx),
                                   map_to=map_to, force=force)
    what = (f"relabeled {_plural(count)} as {map_to}" if map_to else
            f"deleted {_plural(count)}" if count else "it had no spans")
    say(f"Removed {name}; {what}.")


@labels_group.command("preset")
@click.argument("name", type=click.Choice(label_set.PRESETS))
@db_option
@click.pass_context
@friendly
def preset_command(ctx: click.Context, name: str, db: str | None) -> None:
    """Add a bundled label set: klue (6 types) or nikl150 (NIKL's 150 types, grouped)."""
    added, kept = label_set.add_labels(open_store(chosen_db(ctx, db)), label_set.preset(name))
    click.echo(f"Added {_plural(added, 'label')} from {name}"
               + (f" ({kept} already there)." if kept else "."))


@labels_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@db_option
@click.pass_context
@friendly
def import_command(ctx: click.Context, path: str, db: str | None) -> None:
    """Add the labels of a doccano label configuration (JSON)."""
    labels = label_set.read_doccano_config(path)
    added, kept = label_set.add_labels(open_store(chosen_db(ctx, db)), labels)
    say(f"Added {_plural(added, 'label')} from {path}"
               + (f" ({kept} already there)." if kept else "."))


@labels_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@db_option
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@click.pass_context
@friendly
def export_command(ctx: click.Context, path: str, db: str | None, force: bool) -> None:
    """Write the label set as a doccano label configuration (to PATH or standard output)."""
    store = open_store(chosen_db(ctx, db))
    config = label_set.doccano_config(store.labels.all())
    text = json_text(config, indent=1) + "\n"
    if path == "-":
        sys.stdout.write(text)
    else:
        with atomic_file(Path(path), force=force, database=store.path,
                         what="label configuration") as temp:
            temp.write_text(text, encoding="utf-8")
        say(f"Wrote {_plural(len(config), 'label')} to {path}.", err=True)
