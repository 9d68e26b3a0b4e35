"""Every file hanmark writes (exports, label configurations, models) is written
aside and renamed in: it never replaces the database, never deletes a file
hanmark did not write, needs --force to replace, and a failure (a read-only
folder, a full disk, ctrl+c, SIGKILL) is one sentence that leaves the
previous output and no temporary behind.

Read-only folders and full disks are real: the command runs in a child
process without root's power to write anywhere, or with a file size limit
(``RLIMIT_FSIZE``) that makes writes fail with EFBIG as on a full disk.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.store import Label, Store
from hanmark.store.labels import add_labels
from hanmark.tui.cli import main
from tests.conftest import KLUE_FILE, REPO

TEXT = "엔비디아와 삼성전자가 GPU 26만 장을 확보했다. 이재명 대통령이 경주에서 말했다. " * 2
LIMIT = 128 * 1024  # the file size limit of the "full disk" (SQLite's -shm needs 32 KB)

CHILD = textwrap.dedent("""
    import resource, signal, sys
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as test_durability.IMPORTER
    limit = int(sys.argv.pop(1))
    if limit:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    from hanmark.tui.cli import main
    main()
""")


def _no_write_override() -> None:
    """Root writes into any folder; the child drops that power (CAP_DAC_OVERRIDE
    leaves its bounding set before exec), so a read-only folder is read-only to it."""
    if os.geteuid() == 0:
        pr_capbset_drop, cap_dac_override = 24, 1
        assert ctypes.CDLL(None).prctl(pr_capbset_drop, cap_dac_override, 0, 0, 0) == 0


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HANMARK_", "XDG_"))}
    return {**env, "HOME": str(home), "HANMARK_ANNOTATOR": "kim"}


def _spawn(home: Path, *args: str, limit: int = 0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(limit), *args], cwd=REPO,
                            env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_no_write_override)


def hanmark(home: Path, *args: str, limit: int = 0) -> tuple[int, str]:
    child = _spawn(home, *args, limit=limit)
    out, err = child.communicate(timeout=120)
    return child.returncode, out + err


def one_sentence(code: int, output: str, *words: str) -> None:
    assert code == 1, output
    assert "Traceback" not in output and output.count("hanmark: ") == 1, output
    for word in words:
        assert word in output, output


def leftovers(folder: Path) -> list[str]:
    """Temporaries and set-aside folders hanmark may have left."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".old")))


def spans_and_check(db: Path) -> tuple[int, str]:
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT count(*) FROM spans").fetchone()[0],
                conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def labeled(db: Path, articles: int) -> Path:
    with Store(db) as store, store.transaction():
        for i in range(articles):
            uid, _ = store.articles.add(f"{i}번 {TEXT}", status="done")
            store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    return db


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return labeled(tmp_path / "kim.db", 3)


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    """Thirty KLUE-NER sentences: enough to train a (poor) model in a second."""
    sentences = KLUE_FILE.read_text(encoding="utf-8").strip("\n").split("\n\n")[:30]
    path = tmp_path / "gold.tsv"
    path.write_text("\n\n".join(sentences) + "\n\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


# -- outputs that would destroy data ------------------------------------------------------


@pytest.mark.parametrize("command", [
    ["export", "--format", "doccano", "--out", "DB", "--force"],
    ["export", "--format", "doccano", "--out", "DB-wal", "--force"],
    ["export", "--format", "brat", "--out", "FOLDER", "--force"],
    ["labels", "export", "DB", "--force"],
    ["train", "--gold", "GOLD", "--out", "DB", "--force"],
    ["merge", "DB"],
    ["merge", "LINK"],
    ["suggest", "--model", "DB"],
])
def test_outputs_and_inputs_that_are_the_database_are_refused(db: Path, gold: Path,
                                                             command: list[str]) -> None:
    os.link(db, db.parent / "link.db")
    names = {"DB": str(db), "DB-wal": f"{db}-wal", "FOLDER": str(db.parent),
             "GOLD": str(gold), "LINK": str(db.parent / "link.db")}
    code, output = run(*[names.get(arg, arg) for arg in command], "--db", str(db))
    assert code == 1 and "database" in output and "Traceback" not in output, output
    assert len(output.strip().splitlines()) == 1, output
    assert spans_and_check(db) == (3, "ok")
    assert sorted(p.name for p in db.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))
                  ) == ["gold.tsv", "kim.db", "link.db"]


def test_brat_force_replaces_only_a_folder_hanmark_wrote(db: Path, tmp_path: Path) -> None:
    def export(out: Path, *more: str) -> tuple[int, str]:
        return run("export", "--format", "brat", "--out", str(out), "--db", str(db), *more)

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes", encoding="utf-8")
    (mine / "old.ann").write_text("T1\tPS 0 1\tx\n", encoding="utf-8")
    code, output = export(mine, "--force")
    assert code == 1 and "did not write" in output, output
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt", "old.ann"]

    out = tmp_path / "brat"
    assert export(out)[0] == 0
    assert export(out)[0] == 1  # it exists: --force
    assert export(out, "--force")[0] == 0  # a folder hanmark wrote is replaced whole
    assert len(list(out.glob("*.ann"))) == 3
    (out / "added.txt").write_text("someone's file", encoding="utf-8")
    code, output = export(out, "--force")
    assert code == 1 and "added.txt" in output, output
    assert (out / "added.txt").read_text(encoding="utf-8") == "someone's file"

    a_file = tmp_path / "data.jsonl"
    a_file.write_text("an earlier export", encoding="utf-8")
    code, output = export(a_file, "--force")
    assert code == 1 and "is a file" in output, output
    assert a_file.read_text(encoding="utf-8") == "an earlier export"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export(empty)[0] == 0 and len(list(empty.glob("*.txt"))) == 3
    assert leftovers(tmp_path) == []


def test_a_folder_as_a_file_output_is_one_sentence(db: Path, tmp_path: Path,
                                                   monkeypatch) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    monkeypatch.chdir(folder)
    code, output = run("export", "--format", "doccano", "--out", ".", "--force",
                       "--db", str(db))
    assert code == 1 and "is a folder" in output, output
    code, output = run("export", "--format", "doccano", "--out", str(tmp_path), "--force",
                       "--db", str(tmp_path / "kim.db"))
    assert code == 1 and "holds the database" in output, output
    assert list(folder.iterdir()) == []


def test_labels_export_needs_force_to_replace(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.json"
    out.write_text("my label set", encoding="utf-8")
    code, output = run("labels", "export", str(out), "--db", str(db))
    assert code == 1 and "--force" in output, output
    assert out.read_text(encoding="utf-8") == "my label set"
    assert run("labels", "export", str(out), "--force", "--db", str(db))[0] == 0
    assert '"text": "OG"' in out.read_text(encoding="utf-8")
    assert leftovers(tmp_path) == []


def test_train_out_is_checked_before_training(db: Path, gold: Path, tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    started = time.monotonic()
    code, output = run("train", "--gold", str(gold), "--no-base", "--out", str(folder))
    assert code == 1 and "is a folder" in output and "Trained" not in output, output
    existing = tmp_path / "model.hmcrf"
    existing.write_bytes(b"a model I keep")
    code, output = run("train", "--gold", str(gold), "--no-base", "--out", str(existing))
    assert code == 1 and "--force" in output, output
    assert time.monotonic() - started < 10  # refused, not trained then refused
    assert existing.read_bytes() == b"a model I keep"
    assert list(folder.iterdir()) == [] and leftovers(tmp_path) == []


# -- failed writes: one sentence, nothing changed, nothing left ------------------------------


def test_a_read_only_folder_is_one_sentence(db: Path, gold: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    for command in (["export", "--format", "doccano", "--out", str(locked / "d.jsonl"),
                     "--db", str(db)],
                    ["labels", "export", str(locked / "labels.json"), "--db", str(db)],
                    ["train", "--gold", str(gold), "--no-base", "--out",
                     str(locked / "m.hmcrf")]):
        code, output = hanmark(tmp_path, *command)
        one_sentence(code, output, "not writable")
    assert list(locked.iterdir()) == []


def test_a_full_disk_is_one_sentence_and_leaves_the_previous_file(tmp_path: Path) -> None:
    db = labeled(tmp_path / "big.db", 1500)  # about 400 KB of doccano JSONL
    with Store(db) as store:  # and about 200 KB of label configuration
        add_labels(store, [Label(f"LABEL{i}") for i in range(1600)])
    for name, command in (
            ("d.jsonl", ["export", "--format", "doccano", "--out", "OUT", "--force"]),
            ("labels.json", ["labels", "export", "OUT", "--force"])):
        out = tmp_path / name
        out.write_text("previous", encoding="utf-8")
        code, output = hanmark(tmp_path, *[str(out) if a == "OUT" else a for a in command],
                               "--db", str(db), limit=LIMIT)
        one_sentence(code, output, "disk is full", str(out), "nothing was changed")
        assert out.read_text(encoding="utf-8") == "previous"
    assert leftovers(tmp_path) == []
    assert spans_and_check(db) == (1500, "ok")


TRAINER = """
from hanmark.nlp.analyzer import Analysis
from hanmark.nlp.crf import TrainingItem, train
from hanmark.nlp.gold import read_gold
from hanmark.tui.cli import friendly
items = [TrainingItem(Analysis(ex.text, (), ((0, len(ex.text)),)), ex.spans)
         for ex in read_gold(sys.argv[1], "klue")]
friendly(lambda: train(items, feature_set="chars-1", params={"max_iterations": 3}))()
"""
SAVER = """
from hanmark.nlp.crf import DEFAULT_PATH, CrfModel
from hanmark.tui.cli import friendly
friendly(lambda: CrfModel.load(DEFAULT_PATH).save(sys.argv[1]))()
"""


@pytest.mark.parametrize("code", [TRAINER, SAVER], ids=["train", "save"])
def test_a_full_disk_while_training_or_saving_a_model(gold: Path, tmp_path: Path,
                                                      code: str) -> None:
    """crfsuite writes its model to a file and says nothing when that fails (then
    crashes the process reading it); the shipped model is 2 MB."""
    out = tmp_path / "m.hmcrf"
    out.write_bytes(b"previous")
    child = subprocess.run(
        [sys.executable, "-c", CHILD.replace("from hanmark.tui.cli import main\nmain()", code),
         str(LIMIT), str(gold if code is TRAINER else out)],
        cwd=REPO, env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    one_sentence(child.returncode, child.stdout + child.stderr, "disk", "full",
                 "nothing was changed")
    assert out.read_bytes() == b"previous" and leftovers(tmp_path) == []


# -- interrupted exports ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    """Enough articles (3.5 MB of JSONL) that an export is caught while it writes."""
    db = tmp_path_factory.mktemp("big") / "big.db"
    with Store(db) as store, store.transaction():
        for i in range(10_000):
            store.articles.add(f"{i}번 {TEXT * 2}", status="done")
    return db


def _export_until_written(home: Path, db: Path, out: Path) -> subprocess.Popen:
    child = _spawn(home, "export", "--format", "doccano", "--out", str(out), "--db", str(db),
                   "--force")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if any(p.stat().st_size > 0 for p in out.parent.glob(f".{out.name}.*.tmp")):
            return child
        time.sleep(0.005)
    raise AssertionError("the export was not caught while writing")


def test_ctrl_c_during_an_export_says_it_was_cancelled(big_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "data.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    child = _export_until_written(tmp_path, big_db, out)
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    one_sentence(child.returncode, stdout + stderr, "cancelled", "untouched")
    assert "rolled back" not in stderr
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert leftovers(tmp_path) == []


def test_what_a_killed_export_left_is_swept_by_the_next(big_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "data.jsonl"
    child = _export_until_written(tmp_path, big_db, out)
    child.kill()
    child.communicate()
    assert len(leftovers(tmp_path)) == 1  # SIGKILL: nobody could clean up
    brat = tmp_path / "brat"
    assert run("export", "--format", "brat", "--out", str(brat), "--db", str(big_db),
               "--collection", "none")[0] == 0
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    os.replace(brat, tmp_path / f".brat.{dead}.old")  # a swap cut short: put back
    live = tmp_path / f".data.jsonl.{os.getppid()}.tmp"  # a running export's: kept
    live.write_text("being written", encoding="utf-8")
    (tmp_path / "mine.42.tmp").write_text("not hanmark's naming", encoding="utf-8")
    db = labeled(tmp_path / "small.db", 2)
    assert run("export", "--format", "doccano", "--out", str(out), "--db", str(db))[0] == 0
    assert run("export", "--format", "brat", "--out", str(brat), "--db", str(db),
               "--force")[0] == 0
    assert leftovers(tmp_path) == [live.name, "mine.42.tmp"]
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert len(list(brat.glob("*.ann"))) == 2
