"""``hanmark config``: where the settings file is and what is in effect."""

from __future__ import annotations

import os

import click

from .cli_common import friendly, json_text, say
from .config import EXAMPLE, config_path, load_config
from .settings import resolve_annotator, resolve_db


@click.group("config")
def config_group() -> None:
    """The settings file (TOML): default annotator, database, theme, keys, label colours."""


@config_group.command("path")
def path_command() -> None:
    """Print the settings file's path ($HANMARK_CONFIG overrides it)."""
    say(str(config_path()))


def _origin(env: str, in_file: str | None, fallback: str) -> str:
    return f"${env}" if os.environ.get(env) else "config file" if in_file else fallback


@config_group.command("show")
@friendly
def show_command() -> None:
    """Print the settings in effect and where each comes from."""
    config = load_config()
    if not config.path.exists():
        say(f"# {config.path} does not exist yet; it could say:")
        click.echo("".join(f"#   {line}\n" for line in EXAMPLE.splitlines()))
    db, _ = resolve_db(None)
    lines = [
        f"# {config.path}",
        f"annotator = {json_text(resolve_annotator(None))}"
        f"  # {_origin('HANMARK_ANNOTATOR', config.annotator, 'login name')}",
        f"db = {json_text(str(db))}"
        f"  # {_origin('HANMARK_DB', config.db, 'default')}",
        f"theme = {json_text(config.theme or 'textual-dark')}"
        f"  # {'config file' if config.theme else 'default'}",
    ]
    for table in ("keymap", "label_colours"):
        lines.append(f"[{table}]")
        lines += [f"{json_text(k)} = {json_text(v)}" for k, v in getattr(config, table).items()]
    from .app import HanmarkApp
    from .keymap import keymap_problems

    chains = HanmarkApp.binding_chains()
    lines += [f"# warning: {problem}" for problem in keymap_problems(config.keymap, chains)]
    say("\n".join(lines))
