"""Every label the app reports saved survives other hanmark commands run beside it.

The real app (Pilot) with its worker connections labels; between labels a
separate ``hanmark`` process runs each command the README tells people to
run beside the app, and exits. A process that closed any descriptor of the
database in the app's process used to drop the app's locks, and the next
command to exit deleted the write-ahead log that held the app's later labels.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from hanmark.store import Store
from hanmark.tui.app import HanmarkApp
from tests.conftest import REPO
from tests.tui.conftest import settle

CLI = "import sys; from hanmark.tui.cli import main; sys.argv[0] = 'hanmark'; main()"
TEXTS = [
    "한국인공지능협회는 서울에서 총회를 열었다. 김민수 회장이 연설했다.",
    "엔비디아와 삼성전자가 경주에서 만났다. 이재명 대통령이 말했다.",
    "부산시는 내일 해운대에서 축제를 연다. 박영희 시장이 참석한다.",
]


def hanmark(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *args], cwd=REPO, capture_output=True,
                          text=True, timeout=180)


def commands(db: Path, tmp: Path) -> list[list[str]]:
    incoming = tmp / "incoming.jsonl"
    incoming.write_text(json.dumps({"text": "새로 들어온 기사: 대구에서 행사가 열렸다."},
                                   ensure_ascii=False) + "\n", encoding="utf-8")
    teammate = tmp / "lee.db"
    with Store(teammate) as other:
        uid, _ = other.articles.add(TEXTS[0])
        other.spans.label_range(uid, 0, 9, "OG", annotator="lee")
        other.articles.set_status(uid, "done", "lee")
    here = ["--db", str(db)]
    return [["stats", *here], ["import", str(incoming), *here],
            ["export", "--format", "doccano", "--status", "all", "--out", str(tmp / "out.jsonl"),
             *here],
            ["agreement", *here], ["merge", str(teammate), *here], ["suggest", *here],
            ["labels", "add", "EV", "--key", "7", *here]]


def saved_labels(db: Path) -> set[tuple[str, int, int, str]]:
    """What a fresh connection finds in the file: kim's accepted spans."""
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT article, start, end, label FROM spans "
                                "WHERE annotator = 'kim' AND state = 'accepted'"))
    finally:
        conn.close()


def deleted_wal_held_open() -> list[str]:
    fds = Path("/proc/self/fd")
    return [os.readlink(fd) for fd in fds.iterdir()
            if os.path.exists(fd) and os.readlink(fd).endswith("-wal (deleted)")]


async def test_labels_survive_every_command_run_beside_the_app(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    store = Store(db)
    for text in TEXTS:
        store.articles.add(text)
    app = HanmarkApp(store, annotator="kim")
    reported: set[tuple[str, int, int, str]] = set()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await settle(pilot)  # Kiwi and suggestion workers have opened their connections

        async def label(step: int) -> None:
            uid = screen.article.uid
            start = screen.text_view.analysis.tokens[step % 4].start
            screen.text_view.move_to(start)
            await pilot.press("1")
            span = screen.text_view.span_at(start)
            assert span is not None and span.annotator == "kim" and span.state == "accepted"
            assert screen.status.message.plain.startswith("saved ")
            reported.add((uid, span.start, span.end, span.label))
            await settle(pilot)  # propagation opens and closes a worker connection

        for step, args in enumerate(commands(db, tmp_path)):
            await label(step)
            done = hanmark(*args)
            assert done.returncode == 0, (args, done.stderr)
            await label(step + 1)
            assert reported <= saved_labels(db), args[0]
        assert deleted_wal_held_open() == []
    store.close()
    assert reported <= saved_labels(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
