"""Opening database files that are not what they claim: one sentence, file untouched."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from hanmark.store import HanmarkError, Store
from hanmark.store.migrations import M8_ANNOTATOR_STATUS, MIGRATIONS, SCHEMA_VERSION


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(HanmarkError, match="folder .* does not exist"):
        Store(tmp_path / "nope" / "x.db")
    assert not (tmp_path / "nope").exists()


def test_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("이것은 데이터베이스가 아니다\n", encoding="utf-8")
    before = _bytes(path)
    with pytest.raises(HanmarkError, match="not a hanmark database"):
        Store(path)
    assert _bytes(path) == before


def test_other_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    before = _bytes(path)
    with pytest.raises(HanmarkError, match="not a hanmark one"):
        Store(path)
    assert _bytes(path) == before


def test_newer_schema(db_path: Path) -> None:
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(HanmarkError, match="newer hanmark"):
        Store(db_path)


def test_upgrading_counts_the_labels_already_given(db_path: Path) -> None:
    with Store(db_path) as store:
        uid, _ = store.articles.add("엔비디아와 삼성전자가 만났다.")
        store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
        store.spans.label_range(uid, 6, 10, "OG", annotator="kim")
    conn = sqlite3.connect(db_path)  # as a database from before M4 was
    conn.executescript("""
        DROP TRIGGER accepted_insert; DROP TRIGGER accepted_delete;
        DROP TRIGGER accepted_update; ALTER TABLE articles DROP COLUMN n_accepted;
        DROP TRIGGER forms_insert; DROP TRIGGER forms_delete; DROP TRIGGER forms_update_old;
        DROP TRIGGER forms_update_new; DROP TRIGGER forms_stale; DROP INDEX labels_order;
        ALTER TABLE spans DROP COLUMN form; DROP TABLE rejected_forms;
        DROP TRIGGER annotator_status_event; DROP TABLE annotator_status;
        PRAGMA user_version = 3;""")  # M4 and later run again
    conn.close()
    with Store(db_path) as store:
        assert [row.n_labels for row in store.articles.page()] == [2]


def test_upgrading_keeps_each_annotators_own_status(db_path: Path) -> None:
    """Before M8 each annotator's status was read from the journal; the upgrade
    fills the table from it, and agreement still counts kim's article as done."""
    with Store(db_path) as store:
        uid, _ = store.articles.add("엔비디아와 삼성전자가 만났다.")
        store.articles.set_status(uid, "done", "kim")
        store.articles.set_status(uid, "in_progress", "lee")
        store.articles.set_status(uid, "done", "lee")
        store.articles.set_status(uid, "skipped", "lee")
    conn = sqlite3.connect(db_path)  # as a database from before M8 was
    conn.executescript(f"""
        DROP TRIGGER annotator_status_event; DROP TABLE annotator_status;
        PRAGMA user_version = {MIGRATIONS.index(M8_ANNOTATOR_STATUS)};""")
    conn.close()
    with Store(db_path) as store:
        assert store.journal.own_status(uid, "kim") == "done"
        assert store.journal.own_status(uid, "lee") == "skipped"
        assert store.stats.done_by_annotator() == {"kim": {uid}}
        store.journal.undo(uid, "lee")  # the trigger keeps it from here on
        assert store.journal.own_status(uid, "lee") == "done"
        assert store.stats.done_by_annotator() == {"kim": {uid}, "lee": {uid}}


def test_corrupt_database(db_path: Path) -> None:
    with Store(db_path) as store:
        for i in range(200):
            store.articles.add(f"기사 {i} " * 50)
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    db_path.write_bytes(bytes(data))
    with pytest.raises(HanmarkError, match="damaged|not a database|not a hanmark"):
        store = Store(db_path)
        store.articles.count()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_file_opens_read_only(db_path: Path) -> None:
    with Store(db_path) as store:
        uid, _ = store.articles.add("읽기 전용 기사.")
    db_path.chmod(0o444)
    with Store(db_path) as store:
        assert store.readonly
        with pytest.raises(HanmarkError, match="read-only"):
            store.spans.label_range(uid, 0, 2, "PS", annotator="kim")


def test_read_only_flag_refuses_writes(db_path: Path) -> None:
    with Store(db_path) as store:
        uid, _ = store.articles.add("읽기 전용 기사.")
    with Store(db_path, readonly=True) as store:
        assert store.articles.get(uid).text == "읽기 전용 기사."
        with pytest.raises(HanmarkError, match="read-only"):
            store.articles.add("새 기사.")


def test_two_connections_write_without_locking_errors(db_path: Path) -> None:
    first, second = Store(db_path), Store(db_path)
    uid, _ = first.articles.add("동시에 쓰는 기사입니다.")
    for i in range(20):
        first.spans.label_range(uid, 0, 2, "PS", annotator="a")
        second.articles.add(f"다른 프로세스의 기사 {i}.")
    assert second.articles.count() == 21
    first.close()
    second.close()
