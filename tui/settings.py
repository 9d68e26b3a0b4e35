"""Where the database is and who the annotator is: option, then environment, then the
config file (config.py), then default."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import platformdirs

from hanmark.store.names import check_annotator

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
    """The annotator's name, checked by the one rule for names wherever it came from."""
    if option:
        return check_annotator(option, " (from --annotator)")
    if os.environ.get("HANMARK_ANNOTATOR"):
        return check_annotator(os.environ["HANMARK_ANNOTATOR"], " (from $HANMARK_ANNOTATOR)")
    config = load_config()
    if config.annotator:
        return check_annotator(config.annotator, f" (from {config.path})")
    try:
        login = getpass.getuser()
    except Exception:  # no login name in some containers
        return "annotator"
    return check_annotator(login, " (your login name; choose one with --annotator)")
