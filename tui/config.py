"""The user's settings file: ``config.toml`` in the user config folder.

It holds defaults that sit below environment variables and command-line
options (see settings.py): annotator, database, theme, keymap overrides
(binding ids to keys, for ``App.set_keymap``) and label colours. A bad
file is one sentence naming it, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from hanmark.store import HanmarkError
from hanmark.store.colour import parse_colour
from hanmark.store.names import check_name

if TYPE_CHECKING:  # the CLI reads settings on every command; Textual loads only for the app
    from textual.app import App

EXAMPLE = """\
# hanmark settings; environment variables and command-line options win.
annotator = "minji"
db = "~/news/hanmark.db"
theme = "textual-light"

[keymap]          # binding id = keys, as in the help screen (?)
# next-span = "j"
# undo = "ctrl+z,z"

[label_colours]   # label = colour, drawn instead of the database's
# PS = "#ffcc00"
"""


@dataclass(frozen=True)
class Config:
    path: Path
    annotator: str | None = None
    db: str | None = None
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    label_colours: dict[str, str] = field(default_factory=dict)


def config_path() -> Path:
    """``$HANMARK_CONFIG``, else ``hanmark/config.toml`` in the user config folder."""
    env = os.environ.get("HANMARK_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("hanmark", appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The settings in ``path`` (default ``config_path()``); none if there is no file."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise HanmarkError(f"{path}: cannot be read ({exc}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise HanmarkError(f"{path}: not valid TOML ({exc}).") from None
    except RecursionError:
        raise HanmarkError(f"{path}: not valid TOML (nested too deeply to read).") from None
    unknown = sorted(set(data) - {"annotator", "db", "theme", "keymap", "label_colours"})
    if unknown:
        raise HanmarkError(f"{path}: unknown setting {unknown[0]!r}; hanmark reads annotator, "
                           "db, theme, [keymap] and [label_colours].")
    for name in ("annotator", "db", "theme"):
        if not isinstance(data.get(name, ""), str):
            raise HanmarkError(f"{path}: {name} must be a string in quotes.")
    tables = {name: _string_table(path, data, name) for name in ("keymap", "label_colours")}
    try:
        colours = {check_name(k): parse_colour(v) for k, v in tables["label_colours"].items()}
    except HanmarkError as exc:
        raise HanmarkError(f"{path}: [label_colours] {exc}") from None
    return Config(path, data.get("annotator") or None, data.get("db") or None,
                  data.get("theme") or None, tables["keymap"], colours)


def apply_config(app: App, config: Config) -> None:
    """Give the app the file's theme and key overrides (before ``run``)."""
    if config.theme:
        if config.theme not in app.available_themes:
            raise HanmarkError(f"{config.path}: there is no theme {config.theme!r}; choose one of "
                               f"{', '.join(sorted(app.available_themes))}.")
        app.theme = config.theme
    if config.keymap:
        app.set_keymap(config.keymap)


_THEME_LINE = re.compile(r"^theme\s*=.*$", re.M)


def save_theme(theme: str, path: Path | None = None) -> None:
    """Remember a theme picked in the app (ctrl+p, theme) for next time; the
    rest of the file, comments included, stays as it was."""
    path = path or config_path()
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    head, table, rest = text.partition("\n[")  # top-level keys come before any table
    line = f"theme = {json.dumps(theme)}"
    head = _THEME_LINE.sub(line, head) if _THEME_LINE.search(head) else f"{line}\n{head}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + table + rest, encoding="utf-8")


def _string_table(path: Path, data: dict, name: str) -> dict[str, str]:
    table = data.get(name, {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise HanmarkError(f"{path}: [{name}] must be a table of names = \"strings\".")
    return table
