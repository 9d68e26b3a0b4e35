"""The journal's kinds of change: each one undoes and redoes through its applier,
and event logs written before kinds existed still undo."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from pathlib import Path

import pytest

from hanmark.store import HanmarkError, Label, Store
from hanmark.store.labels import rename_label, undo_label_change
from hanmark.store.review import GOLD, article_clusters, decide, decisions

TEXT = "엔비디아와 삼성전자가 GPU 26만 장을 확보했다. 이재명 대통령이 경주에서 말했다."


@pytest.fixture
def uid(store: Store) -> str:
    return store.articles.add(TEXT)[0]


def test_span_edits_undo_and_redo_with_their_range(store: Store, uid: str) -> None:
    store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    store.spans.label_range(uid, 0, 10, "PS", annotator="kim")  # replaces the OG span
    undone = store.journal.undo(uid, "kim")
    assert undone.kinds == {"span"} and undone.where == (0, 10)
    assert [(s.start, s.end, s.label) for s in store.spans.of(uid)] == [(0, 4, "OG")]
    redone = store.journal.redo(uid, "kim")
    assert redone.kinds == {"span"} and redone.where == (0, 10)
    assert [(s.start, s.end, s.label) for s in store.spans.of(uid)] == [(0, 10, "PS")]


def test_status_undoes_and_redoes_without_a_range(store: Store, uid: str) -> None:
    store.articles.set_status(uid, "done", "kim")
    undone = store.journal.undo(uid, "kim")
    assert undone.kinds == {"status"} and undone.where is None
    assert store.articles.get(uid).status == "new"
    assert store.journal.redo(uid, "kim").kinds == {"status"}
    assert store.articles.get(uid).status == "done"
    assert store.stats.done_by_annotator() == {"kim": {uid}}


def test_a_note_is_its_own_kind_and_undoes_alone(store: Store, uid: str) -> None:
    span = store.spans.label_range(uid, 11, 15, "OG", annotator="kim")
    noted = store.spans.update(span.id, actor="kim", note="회사")
    assert noted.note == "회사"
    assert [e.action for e in store.journal.of(uid)][-1] == "note"
    undone = store.journal.undo(uid, "kim")
    assert undone.kinds == {"note"} and undone.where == (11, 15)
    assert store.spans.get(span.id) == span  # the note and its time, as before
    store.journal.redo(uid, "kim")
    assert store.spans.get(span.id) == noted


def test_a_gold_decision_undoes_with_the_gold_spans_it_wrote(store: Store, uid: str) -> None:
    store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    store.spans.label_range(uid, 6, 10, "OG", annotator="lee")
    rows = article_clusters(store, uid, "kim", "lee")
    decide(store, uid, rows[:1], "a", ("kim", "lee"))  # kim's 엔비디아
    decide(store, uid, rows[1:], "neither", ("kim", "lee"))  # not lee's 삼성전자
    assert decisions(store, uid) == {uid: {(0, 4): ["kim"], (6, 10): []}}
    undone = store.journal.undo(uid, GOLD)
    assert undone.kinds == {"gold_decision"} and undone.where is None  # no gold span moved
    assert decisions(store, uid) == {uid: {(0, 4): ["kim"]}}
    undone = store.journal.undo(uid, GOLD)
    assert undone.kinds == {"span", "gold_decision"} and undone.where == (0, 4)
    assert decisions(store, uid) == {uid: {}} and store.spans.of(uid, annotator=GOLD) == []
    store.journal.redo(uid, GOLD)
    assert decisions(store, uid) == {uid: {(0, 4): ["kim"]}}
    assert [(s.start, s.end) for s in store.spans.of(uid, annotator=GOLD)] == [(0, 4)]


def test_label_renames_undo_through_the_journal(store: Store, uid: str) -> None:
    store.spans.label_range(uid, 11, 15, "OG", annotator="kim")
    rename_label(store, "OG", "ORG", actor="kim")
    undone = store.journal.undo(None, "kim")  # the label set's own stack
    assert undone.kinds == {"label"} and undone.where is None
    assert "OG" in store.labels.names() and "ORG" not in store.labels.names()
    assert [s.label for s in store.spans.of(uid)] == ["OG"]
    assert undo_label_change(store, actor="kim", redo=True) == (
        "Redid the rename: OG is ORG again (1 span).")
    assert [s.label for s in store.spans.of(uid)] == ["ORG"]
    assert store.journal.undo(uid, "kim").kinds == {"span"}  # the article's stack is apart


def test_an_undo_that_cannot_apply_changes_nothing(store: Store, uid: str) -> None:
    store.spans.label_range(uid, 11, 15, "OG", annotator="kim")
    rename_label(store, "OG", "ORG", actor="kim")
    store.labels.add(Label("OG"))  # the old name is taken again
    with pytest.raises(HanmarkError, match="A label named OG already exists"):
        store.journal.undo(None, "kim")
    assert [s.label for s in store.spans.of(uid)] == ["ORG"]
    assert len(store.journal.stacks(None, "kim")[0]) == 1  # still there to undo


def _old_event(conn: sqlite3.Connection, uid: str | None, grp: int, action: str,
               span_id: int | None, before: dict | None, after: dict | None,
               target: int | None = None) -> None:
    """An event as hanmark wrote it before the journal had kinds."""
    conn.execute(
        "INSERT INTO events(time, annotator, article, grp, action, span_id, before, after,"
        " target) VALUES ('2026-11-01T09:00:00.000+00:00', 'kim', ?, ?, ?, ?, ?, ?, ?)",
        (uid, grp, action, span_id, *(None if s is None else json.dumps(s, ensure_ascii=False)
                                      for s in (before, after)), target))


def test_an_older_databases_events_still_undo(db_path: Path) -> None:
    with Store(db_path) as store:
        uid = store.articles.add(TEXT)[0]
        span = store.spans.label_range(uid, 11, 15, "OG", annotator="kim")
    # earlier versions logged a note as an update of the whole span, and a rename
    # (here undone, then redone) as label_rename with undo and redo rows
    conn = sqlite3.connect(db_path)
    before = asdict(span)
    after = {**before, "note": "회사", "updated": "2026-11-01T09:00:00.000+00:00"}
    conn.execute("UPDATE spans SET note = ?, updated = ? WHERE id = ?",
                 (after["note"], after["updated"], span.id))
    _old_event(conn, uid, 2, "update", span.id, before, after)
    conn.execute("UPDATE spans SET label = 'ORG' WHERE label = 'OG'")
    conn.execute("UPDATE labels SET name = 'ORG' WHERE name = 'OG'")
    _old_event(conn, None, 3, "label_rename", None, {"name": "OG"}, {"name": "ORG", "spans": 1})
    _old_event(conn, None, 4, "undo", None, {"name": "ORG"}, {"name": "OG", "spans": 1}, 3)
    _old_event(conn, None, 5, "redo", None, {"name": "OG"}, {"name": "ORG", "spans": 1}, 3)
    conn.commit()
    conn.close()
    with Store(db_path) as store:
        assert store.journal.undo(None, "kim").kinds == {"label"}
        assert [s.label for s in store.spans.of(uid)] == ["OG"]
        undone = store.journal.undo(uid, "kim")
        assert undone.kinds == {"span"} and undone.where == (11, 15)
        assert store.spans.get(span.id).note == ""
        assert store.journal.undo(uid, "kim").kinds == {"span"}
        assert store.spans.of(uid) == []
        assert store.journal.undo(uid, "kim") is None
        store.journal.redo(uid, "kim")
        store.journal.redo(uid, "kim")
        assert store.spans.get(span.id).note == "회사"
