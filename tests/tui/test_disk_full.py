"""A full disk is one sentence: the app keeps running and never says "saved" for a
label the file could not take; an import says so and keeps what it committed.

A file size limit (``RLIMIT_FSIZE``) in a child process stands in for a full
disk: SQLite's writes past it fail as they would on a full one.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from hanmark.store import Store
from tests.conftest import REPO

APP = textwrap.dedent("""
    import asyncio, resource, signal, sys
    from hanmark.store import Store
    from hanmark.tui.app import HanmarkApp

    async def main():
        store = Store(sys.argv[1])
        app = HanmarkApp(store, annotator="kim")
        async with app.run_test() as pilot:
            for _ in range(50):  # Kiwi's morphemes, then the suggestions
                await app.workers.wait_for_complete()
                await pilot.pause()
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (1024, hard))  # the disk is full
            await pilot.press("1")
            print(app.screen.status.message.plain, flush=True)
            resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))  # room again
            await pilot.press("1")
            print(app.screen.status.message.plain, flush=True)
        store.close()

    asyncio.run(main())
""")


def test_a_full_disk_is_said_and_the_app_carries_on(db_path: Path) -> None:
    with Store(db_path) as store:
        store.articles.add("김민수 회장이 서울에서 연설했다.")
    done = subprocess.run([sys.executable, "-c", APP, str(db_path)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    refused, saved = done.stdout.splitlines()
    assert not refused.startswith("saved") and "was not saved" in refused
    assert saved.startswith("saved ")
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM spans WHERE annotator = 'kim'").fetchone()[0] == 1
    conn.close()


IMPORT = textwrap.dedent("""
    import os, resource, signal, sys
    from hanmark.tui.cli import main
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = os.stat(sys.argv[1]).st_size + 400_000
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    sys.argv = ["hanmark", "import", sys.argv[2], "--db", sys.argv[1]]
    main()
""")


def test_a_full_disk_during_an_import_is_one_sentence(db_path: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(json.dumps({"text": f"{i}번째 기사. " * 40}, ensure_ascii=False)
                             for i in range(5_000)), encoding="utf-8")
    Store(db_path).close()
    done = subprocess.run([sys.executable, "-c", IMPORT, str(db_path), str(big)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "was not saved" in done.stderr
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
