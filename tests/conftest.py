"""Shared fixtures: a fresh database file per test, and the real data beside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hanmark.store import Store

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
SEED_FILE = REPO / "seeds" / "000_487a5749c62e61c4.txt"
KLUE_FILE = SHARED_DATA / "klue-ner" / "klue-ner-v1.1_dev_first4000.tsv"
KONNE_FILE = SHARED_DATA / "konne" / "konne-dev_first200.jsonl"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hanmark.db"


@pytest.fixture
def store(db_path: Path):
    with Store(db_path) as opened:
        yield opened


@pytest.fixture
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


def nobody_can_run_hanmark() -> bool:
    """Whether a child switched to the 'nobody' user can still import hanmark and its
    dependencies (root only; not when the checkout or venv sits in a private folder)."""
    if os.geteuid() != 0:
        return False
    code = ("import os, rich; os.setgid(65534); os.setuid(65534); "
            "raise SystemExit(not os.access(rich.__file__, os.R_OK))")  # rich loads lazily
    return subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True,
                          timeout=60).returncode == 0


RUNS_AS_NOBODY = pytest.mark.skipif(not nobody_can_run_hanmark(),
                                    reason="needs root, and a venv the 'nobody' user can read")
