"""``hanmark config``: where the settings file is and what is in effect."""

from __future__ import annotations

import json
import os

import click

from .cli import friendly
from .config import EXAMPLE, config_path, load_config
from .settings import resolve_annotator, resolve_db


@click.group("config")
def config_group() -> None:
    """The settings file (TOML): default annotator, database, theme, keys, label colours."""


@config_group.command("path")
def path_command() -> None:
    """Print the settings file's path ($HANMARK_CONFIG overrides it)."""
    click.echo(str(config_path()))


def _origin(env: str, in_file: str | None, fallback: str) -> str:
    return f"${env}" if os.environ.get(env) else "config file" if in_file else fallback


@config_group.command("show")
@friendly
def show_command() -> None:
    """Print the settings in effect and where each comes from."""
    config = load_config()
    if not config.path.exists():
        click.echo(f"# {config.path} does not exist yet; it could say:")
        click.echo("".join(f"#   {line}\n" for line in EXAMPLE.splitlines()))
    db, _ = resolve_db(None)
    lines = [
        f"# {config.path}",
        f"annotator = {json.dumps(resolve_annotator(None), ensure_ascii=False)}"
        f"  # {_origin('HANMARK_ANNOTATOR', config.annotator, 'login name')}",
        f"db = {json.dumps(str(db), ensure_ascii=False)}"
        f"  # {_origin('HANMARK_DB', config.db, 'default')}",
        f"theme = {json.dumps(config.theme or 'textual-dark')}"
        f"  # {'config file' if config.theme else 'default'}",
    ]
    for table in ("keymap", "label_colours"):
        lines.append(f"[{table}]")
        lines += [f"{json.dumps(k, ensure_ascii=False)} = {json.dumps(v, ensure_ascii=False)}"
                  for k, v in getattr(config, table).items()]
    click.echo("\n".join(lines))
