"""``hanmark suggest`` killed with SIGKILL leaves no worker process behind
(they waited forever on pipes shared with the dead parent)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from hanmark.store import Store
from tests.conftest import REPO

SUGGEST = "import sys; from hanmark.tui.cli import main; sys.argv[0] = 'hanmark'; main()"


def _children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (zombies count as gone)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _alive(int(entry)) and _stat(int(entry))[1] == str(pid):
            found.append(int(entry))
    return found


def _stat(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return ["X", ""]


def _alive(pid: int) -> bool:
    return _stat(pid)[0] not in ("X", "Z")


def _workers(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as handle:
                if b"spawn_main" in handle.read():
                    found.append(child)
        except OSError:
            pass
    return found


def test_sigkill_of_suggest_ends_its_workers(db_path: Path) -> None:
    with Store(db_path) as store, store.transaction():
        for i in range(600):
            store.articles.add(f"삼성전자가 {i}번째 발표에서 엔비디아와 협력한다고 밝혔다.")
    suggester = subprocess.Popen(
        [sys.executable, "-c", SUGGEST, "suggest", "--db", str(db_path), "--workers", "2"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and suggester.poll() is None and len(workers) < 2:
            workers = _workers(suggester.pid)
            time.sleep(0.05)
        time.sleep(1)  # the workers load Kiwi and the model, then wait on their pipes
        workers = _children(suggester.pid)  # with multiprocessing's resource tracker
        assert suggester.poll() is None and len(workers) >= 2, "suggest ended before the kill"
        suggester.send_signal(signal.SIGKILL)
        suggester.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.1)
        assert [pid for pid in workers if _alive(pid)] == []
    finally:
        for pid in workers:  # only this test's own processes
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
