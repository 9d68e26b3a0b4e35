"""A label key never freezes the screen while another process holds the write lock.

An import's batch or a merge may hold SQLite's write lock; the app used to
wait for it on the UI thread (for up to 15 s, then fail). Now the change waits
on a thread while the screen keeps drawing and says why, and the keys pressed
meanwhile act in order once the lock is free.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from hanmark.store import Store
from tests.tui.conftest import goto, reader, settle

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


def kims_labels(db: Path) -> list[tuple[int, int, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT start, end, label FROM spans WHERE state = 'accepted'"
                            " ORDER BY start").fetchall()
    finally:
        conn.close()


async def test_label_waits_off_screen_while_another_process_writes(
        store: Store, seeded: str, no_suggestions: None) -> None:
    app = reader(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        first, second = screen.text_view.analysis.tokens[:2]
        await goto(pilot, first.start)
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store.path)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "locked"
            # Pilot's press returns once the app is idle; the app is not idle while
            # a change waits, so the keys are pressed as a person would, unawaited.
            keys = asyncio.create_task(pilot.press("1", "right", "2"))
            began = time.monotonic()
            await asyncio.sleep(0.3)  # the UI thread runs this event loop
            assert time.monotonic() - began < 2  # it used to block 15 s, then fail
            assert "Waiting for another hanmark process" in screen.status.message.plain
            assert kims_labels(store.path) == []
            assert not keys.done()  # "right" and "2" wait for the first label's turn
        finally:
            holder.communicate("\n", timeout=30)
        await keys
        for _ in range(100):
            await pilot.pause(0.05)
            if len(kims_labels(store.path)) == 2:
                break
        labels = screen.keyed
        assert kims_labels(store.path) == [
            (first.start, first.end, labels[1].name), (second.start, second.end, labels[2].name)]
        assert screen.status.message.plain.startswith("saved ")
