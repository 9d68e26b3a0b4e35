"""Where the database is and who the annotator is: option, then environment, then default."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import platformdirs


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("hanmark", appauthor=False)) / "hanmark.db"


def resolve_db(option: str | None) -> tuple[Path, bool]:
    """The database path, and whether it is the default one (which gets the seeds)."""
    if option:
        return Path(option).expanduser(), False
    env = os.environ.get("HANMARK_DB")
    if env:
        return Path(env).expanduser(), False
    return default_db_path(), True


def resolve_annotator(option: str | None) -> str:
    if option:
        return option
    env = os.environ.get("HANMARK_ANNOTATOR")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "annotator"
