"""Where the database is and who the annotator is: option, then environment, then the
config file (config.py), then default."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import platformdirs

from .config import load_config


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("hanmark", appauthor=False)) / "hanmark.db"


def resolve_db(option: str | None) -> tuple[Path, bool]:
    """The database path, and whether it is the default one (which gets the seeds)."""
    if option:
        return Path(option).expanduser(), False
    env = os.environ.get("HANMARK_DB") or load_config().db
    if env:
        return Path(env).expanduser(), False
    return default_db_path(), True


def resolve_annotator(option: str | None) -> str:
    if option:
        return option
    env = os.environ.get("HANMARK_ANNOTATOR") or load_config().annotator
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "annotator"
