"""Nothing shown as saved is lost: SIGKILL mid-work, two writers at once, ctrl+c mid-import.

These run real processes against a real database file.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from hanmark.store import Store
from tests.conftest import RUNS_AS_NOBODY

REPO = Path(__file__).resolve().parents[2]
TEXT = "엔비디아와 삼성전자가 GPU 26만 장을 확보했다. 이재명 대통령이 경주에서 말했다."

LABELER = textwrap.dedent("""
    import sys
    from hanmark.store import Store
    store = Store(sys.argv[1])
    for uid in sys.argv[2].split(","):
        span = store.spans.label_range(uid, 0, 3, "OG", annotator="crash")
        print(span.id, flush=True)  # reported as saved only after the commit
""")


def _spawn(code: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_loses_nothing_reported_saved(db_path: Path, seed: int) -> None:
    with Store(db_path) as store, store.transaction():
        uids = [store.articles.add(f"{i}번 {TEXT}")[0] for i in range(3000)]
    child = _spawn(LABELER, str(db_path), ",".join(uids))
    first = child.stdout.readline()  # it is labeling now: kill it at a random moment
    assert first, child.stderr.read()
    time.sleep(random.Random(seed).uniform(0.05, 0.6))
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate()
    reported = {int(line) for line in [first, *out.splitlines()] if line.strip()}
    assert child.returncode == -signal.SIGKILL and len(reported) < len(uids)
    assert _integrity(db_path) == "ok"
    with Store(db_path) as store:
        saved = {span.id for uid in uids for span in store.spans.of(uid)}
        assert reported <= saved
        assert len(saved) - len(reported) <= 1  # at most one committed but not yet reported


IMPORTER = textwrap.dedent("""
    import signal, sys
    # ctrl+c at a terminal: a suite started as a background job (`pytest &`) has
    # SIGINT ignored, its children inherit that, and Python then installs no
    # KeyboardInterrupt handler; the ctrl+c tests would pass or fail by how
    # the suite was started
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from hanmark.tui.cli import main
    sys.argv = ["hanmark", "import", "--db", sys.argv[1], *sys.argv[2:]]
    main()
""")


def test_import_in_another_process_while_labeling(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(300):
        (folder / f"{i:03}.txt").write_text(f"{i}번째 동시 기사입니다. " * 40, encoding="utf-8")
    with Store(db_path) as store:
        uid, _ = store.articles.add(TEXT)
        importer = _spawn(IMPORTER, str(db_path), str(folder))
        labeled = 0
        deadline = time.monotonic() + 30
        while importer.poll() is None and time.monotonic() < deadline:
            start = labeled % 40
            store.spans.label_range(uid, start, start + 2, "OG", annotator="kim")
            labeled += 1
        out, err = importer.communicate(timeout=60)
        assert importer.returncode == 0, err
        assert "locked" not in out + err
        assert "Imported 300 articles" in out
        assert labeled > 10
        assert store.articles.count() == 301
        creates = [e for e in store.journal.of(uid) if e.action == "create"]
        assert len(creates) == labeled


@pytest.mark.parametrize("strict", [False, True])
def test_ctrl_c_during_import_keeps_what_it_says(db_path: Path, tmp_path: Path,
                                                 strict: bool) -> None:
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as handle:
        for i in range(60_000):
            handle.write(json.dumps({"text": f"{i}번째 큰 파일의 기사. " * 20},
                                    ensure_ascii=False) + "\n")
    Store(db_path).close()
    child = _spawn(IMPORTER, str(db_path), str(big), *(["--strict"] if strict else []))
    time.sleep(2.0)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 1, (out, err)  # what it said, should it ever finish regardless
    assert "Traceback" not in err
    assert _integrity(db_path) == "ok"
    with Store(db_path) as store:
        stored = store.articles.count()
    if strict:  # all or nothing
        assert "interrupted; nothing was imported" in err and stored == 0
    else:  # batches committed before the interruption stay, and the message counts them
        assert 0 < stored < 60_000
        assert f"interrupted; the {stored} articles committed before it stay" in err


@RUNS_AS_NOBODY
def test_read_only_file_opens_read_only_and_says_so() -> None:
    folder = Path(tempfile.mkdtemp(prefix="hanmark-ro-"))  # reachable by 'nobody'
    folder.chmod(0o755)
    db_path = folder / "ro.db"
    with Store(db_path) as store:
        store.articles.add(TEXT)
    db_path.chmod(0o444)
    before = db_path.read_bytes()
    code = textwrap.dedent("""
        import os, sys
        from rich.console import Console; from rich.table import Table  # before the switch:
        from hanmark.store.agreement import agreement  # nobody cannot read
        from hanmark.tui import charts                 # root's site-packages
        from hanmark.tui.cli import main; import importlib.metadata
        os.setgid(65534); os.setuid(65534)
        sys.argv = ["hanmark", "stats", "--db", sys.argv[1]]
        main()
    """)
    try:
        child = _spawn(code, str(db_path))
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert "opened read-only" in err
        assert "Articles by status (1)" in out
        assert db_path.read_bytes() == before
    finally:
        shutil.rmtree(folder)


EXPORTER = textwrap.dedent("""
    import sys
    from hanmark.tui.cli import main
    sys.argv = ["hanmark", "export", "--db", sys.argv[1], "--format", "doccano", "--out",
                sys.argv[2], "--status", "all", "--annotator", "kim", "--force"]
    main()
""")


def test_killed_export_leaves_the_previous_file(db_path: Path, tmp_path: Path) -> None:
    with Store(db_path) as store, store.transaction():
        for i in range(20_000):
            uid, _ = store.articles.add(f"{i}번 {TEXT}")
            store.spans.label_range(uid, 0, 1, "PS", annotator="kim")
    out = tmp_path / "data.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    child = _spawn(EXPORTER, str(db_path), str(out))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        partial = [p for p in tmp_path.iterdir() if p != out and p.stat().st_size > 0]
        if partial:  # the export is being written: kill it now
            break
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL  # killed mid-way, not finished
    assert out.read_text(encoding="utf-8") == "previous export\n"


SUGGESTER = textwrap.dedent("""
    import sys
    from hanmark.tui.cli import main
    sys.argv = ["hanmark", "suggest", "--db", sys.argv[1]]
    main()
""")


def test_batch_suggest_in_another_process_while_labeling(db_path: Path) -> None:
    with Store(db_path) as store:
        uids = [store.articles.add(f"{i}번째 기사: 삼성전자와 엔비디아가 경주에서 만났다. " * 5)[0]
                for i in range(40)]
        suggester = _spawn(SUGGESTER, str(db_path))
        labeled = 0
        while suggester.poll() is None:
            uid = uids[labeled % len(uids)]
            store.spans.label_range(uid, 0, 2, "QT", annotator="kim")
            labeled += 1
        out, err = suggester.communicate(timeout=120)
        assert suggester.returncode == 0, err
        assert "locked" not in out + err
        assert labeled > 5
        mine = [s for uid in uids for s in store.spans.of(uid, annotator="kim")]
        assert len(mine) == min(labeled, len(uids))  # each label replaced its own overlap
        assert sum(len(store.spans.of(uid, states=("suggested",))) for uid in uids) > 40
