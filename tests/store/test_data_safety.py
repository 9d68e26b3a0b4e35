"""Ways data went missing, each with real processes and files: pipes that lost their
first 64 KB, FIFOs that blocked forever, read-only readers blind to the WAL,
read commands that created empty databases, racing migrations, silent refusals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from hanmark.store import Store
from tests.conftest import REPO, RUNS_AS_NOBODY

CLI = "import sys; from hanmark.tui.cli import main; sys.argv[0] = 'hanmark'; main()"
TEXT = "엔비디아와 삼성전자가 경주에서 만났다."


def hanmark(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, **kwargs)


def test_import_from_a_pipe_loses_nothing(db_path: Path, tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"{i}번째 기사. " * 30}, ensure_ascii=False)
             for i in range(2_000)]  # about 1 MB: far past the 64 KB that sniffing reads
    fifo = tmp_path / "articles.fifo"
    os.mkfifo(fifo)
    child = subprocess.Popen([sys.executable, "-c", CLI, "import", str(fifo), "--db",
                              str(db_path)], cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    with fifo.open("w", encoding="utf-8") as pipe:  # as `hanmark import <(cat file)` does
        pipe.write("\n".join(lines) + "\n")
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert "Imported 2000 articles from 1 file." in out
    with Store(db_path) as store:
        assert store.articles.count() == 2_000


def test_stdin_import_loses_nothing(db_path: Path) -> None:
    data = "\n".join(json.dumps({"text": f"{i}번째 표준 입력 기사. " * 30}, ensure_ascii=False)
                     for i in range(1_500))
    done = hanmark("import", "-", "--db", str(db_path), input=data)
    assert done.returncode == 0, done.stderr
    assert "Imported 1500 articles" in done.stdout


@pytest.mark.parametrize("command", [["stats"], ["merge", "OTHER"], ["import", "OTHER"]])
def test_a_fifo_as_database_is_refused_not_waited_on(tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "db.fifo"
    os.mkfifo(fifo)
    other = tmp_path / "other.db"
    Store(other).close()
    args = [str(other) if a == "OTHER" else a for a in command]
    done = hanmark(*args, "--db", str(fifo))  # used to block forever
    assert done.returncode == 1
    assert "is not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_merging_a_fifo_is_refused(db_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "other.fifo"
    os.mkfifo(fifo)
    Store(db_path).close()
    done = hanmark("merge", str(fifo), "--db", str(db_path))
    assert done.returncode == 1 and "is not a regular file" in done.stderr


def test_importing_the_database_into_itself_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    done = hanmark("import", str(db_path), "--db", str(db_path))
    assert done.returncode == 1
    assert "is the database being imported into" in done.stderr


@pytest.mark.parametrize("command", [["stats"], ["articles"], ["agreement"],
                                     ["export", "--format", "doccano", "--out", "OUT"]])
def test_read_commands_on_a_missing_database_say_so(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typo.db"
    args = [str(tmp_path / "out.jsonl") if a == "OUT" else a for a in command]
    done = hanmark(*args, "--db", str(missing))
    assert done.returncode == 1
    assert "does not exist" in done.stderr
    assert not missing.exists()  # no empty database created


def test_import_that_refused_something_exits_non_zero(db_path: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(json.dumps({"text": TEXT}, ensure_ascii=False) + "\n{broken\n",
                     encoding="utf-8")
    done = hanmark("import", str(mixed), "--db", str(db_path))
    assert done.returncode == 1
    assert "Imported 1 article from 1 file, 1 refused (see above)." in done.stdout
    assert f"{mixed}:2: not valid JSON" in done.stderr


def test_new_database_opened_by_many_processes_at_once(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    code = "import sys; from hanmark.store import Store; Store(sys.argv[1]).close(); print('ok')"
    children = [subprocess.Popen([sys.executable, "-c", code, str(db)], cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(6)]
    results = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0] * 6, [err for _, err in results]
    with Store(db) as store:
        assert [label.name for label in store.labels.all()][:3] == ["PS", "LC", "OG"]


HOLDS_WRITE_LOCK = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")  # as another process switching the new file to WAL does
    print("holding", flush=True)
    time.sleep(1)
    conn.execute("COMMIT")
""")


def test_new_database_waits_for_another_process_that_holds_it(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLDS_WRITE_LOCK, str(db)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "holding\n"
    with Store(db) as store:  # SQLite refuses the WAL switch at once; hanmark waits
        assert [label.name for label in store.labels.all()][:3] == ["PS", "LC", "OG"]
    assert holder.wait(timeout=60) == 0


WRITER = textwrap.dedent("""
    import sys, time
    from hanmark.store import Store
    store = Store(sys.argv[1])
    uid, _ = store.articles.add(sys.argv[2])
    store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    print("saved", flush=True)
    time.sleep(120)  # still open: the label is in the -wal, not yet in the file
""")
AS_NOBODY = textwrap.dedent("""
    import os, sys
    from rich.console import Console; from rich.table import Table
    from hanmark.store.agreement import agreement; from hanmark.tui import charts
    from hanmark.tui.cli import main; import importlib.metadata
    os.setgid(65534); os.setuid(65534)
    sys.argv = ["hanmark", "stats", "--json", "--db", sys.argv[1]]
    main()
""")


@RUNS_AS_NOBODY
def test_a_reader_without_write_access_sees_labels_still_in_the_wal() -> None:
    folder = Path(tempfile.mkdtemp(prefix="hanmark-ro-"))  # reachable by 'nobody'
    folder.chmod(0o755)
    db = folder / "team.db"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), TEXT], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "saved", writer.stderr.read()
        assert (folder / "team.db-wal").stat().st_size > 0
        reader = subprocess.run([sys.executable, "-c", AS_NOBODY, str(db)], cwd=REPO,
                                capture_output=True, text=True, timeout=60)
        assert reader.returncode == 0, reader.stderr
        assert json.loads(reader.stdout)["spans"]["by_label"] == {"OG": 1}  # immutable saw 0
        writer.send_signal(signal.SIGKILL)  # leaves the -wal behind; without its -shm
        writer.wait()
        (folder / "team.db-shm").unlink()  # no connection to it exists in this process
        reader = subprocess.run([sys.executable, "-c", AS_NOBODY, str(db)], cwd=REPO,
                                capture_output=True, text=True, timeout=60)
        assert reader.returncode == 1  # refused in one sentence rather than reading less
        assert "committed changes in team.db-wal" in reader.stderr
        assert "Traceback" not in reader.stderr
    finally:
        writer.kill()
        shutil.rmtree(folder)


def test_a_long_import_lets_another_writer_in_within_a_second(db_path: Path,
                                                             tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(json.dumps({"text": f"{i}번째 큰 파일의 기사. " * 20},
                                        ensure_ascii=False) for i in range(60_000)),
                   encoding="utf-8")
    with Store(db_path) as store:
        uid, _ = store.articles.add(TEXT)
    importer = subprocess.Popen([sys.executable, "-c", CLI, "import", str(big), "--db",
                                 str(db_path)], cwd=REPO, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    try:
        with Store(db_path) as store:
            # The app's label waits for the lock: a second, where the import used to
            # hold it from its first record to its last.
            store.conn.execute("PRAGMA busy_timeout = 1000")
            while store.articles.count() == 1:
                assert importer.poll() is None, "the import committed nothing before its end"
            for i in range(20):
                store.spans.label_range(uid, i % 5, i % 5 + 2, "OG", annotator="kim")
            assert importer.poll() is None  # all of it happened while the import ran
            assert sum(e.action == "create" for e in store.journal.of(uid)) == 20
    finally:
        importer.kill()
        importer.communicate()


def test_a_model_path_that_is_the_database_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    done = hanmark("stats", "--db", str(db_path),
                   env={**os.environ, "HANMARK_MODEL": str(db_path)})
    assert done.returncode == 1
    assert "$HANMARK_MODEL" in done.stderr and "is the database" in done.stderr
