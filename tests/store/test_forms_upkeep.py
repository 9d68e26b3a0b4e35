"""The live gazetteer's counts (``forms``, kept by triggers) stay equal to a
recount from the spans and texts on every path that changes a span, now that
bulk inserts hand the trigger each span's surface form (sixth migration)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from hanmark.store import Store
from hanmark.store.importer import import_sources
from hanmark.store.labels import rename_label
from hanmark.store.merge import merge_database
from hanmark.store.models import NewSpan

TEXT = "엔비디아와 삼성전자가 경주에서 만났다. 엔비디아는 서울에도 간다."


def recount(store: Store) -> Counter:
    counts: Counter = Counter()
    for article in store.articles.stream():
        for span in store.spans.of(article.uid, states=("accepted",)):
            counts[(article.text[span.start:span.end], span.label)] += 1
    return counts


def counted(store: Store) -> Counter:
    return Counter({(form, label): n for form, label, n in store.spans.forms()})


def test_forms_follow_every_path_that_changes_a_span(db_path: Path, tmp_path: Path) -> None:
    conll = tmp_path / "one.conll"
    conll.write_text("엔비디아 B-OG\n와 O\n삼성 B-OG\n전자 I-OG\n\n", encoding="utf-8")
    with Store(db_path) as store:
        import_sources(store, [str(conll)], annotator="kim")  # forms handed over
        uid, _ = store.articles.add(TEXT)
        store.spans.add(uid, [NewSpan(0, 4, "OG", "kim", origin="import"),
                              NewSpan(6, 10, "OG", "kim", origin="import")], actor="kim")
        assert counted(store) == recount(store)
        moved = store.spans.update(store.spans.of(uid)[0].id, actor="kim", end=3)  # edge moved
        assert counted(store) == recount(store)
        store.spans.update(moved.id, actor="kim", label="PS")
        store.spans.label_range(uid, 14, 16, "LC", annotator="kim")  # no form handed over
        assert counted(store) == recount(store)
        store.spans.remove(store.spans.of(uid)[1].id, actor="kim")
        store.journal.undo(uid, "kim")
        rename_label(store, "OG", "ORG", actor="kim")
        assert counted(store) == recount(store)
        assert counted(store)[("엔비디", "PS")] == 1 and counted(store)[("삼성 전자", "ORG")] == 1
    other = tmp_path / "other.db"
    with Store(other) as theirs:
        uid, _ = theirs.articles.add(TEXT)
        theirs.spans.label_range(uid, 0, 4, "OG", annotator="lee")
    with Store(db_path) as store:
        merge_database(store, other, add_labels=True)
        assert counted(store) == recount(store)


def test_spans_stored_before_the_forms_column_still_count(db_path: Path) -> None:
    with Store(db_path) as store:
        uid, _ = store.articles.add(TEXT)
        store.spans.add(uid, [NewSpan(0, 4, "OG", "kim", origin="import")], actor="kim")
    with sqlite3.connect(db_path) as conn:  # as spans written before the sixth migration
        conn.execute("UPDATE spans SET form = NULL")
    with Store(db_path) as store:
        span = store.spans.of(uid)[0]
        store.spans.update(span.id, actor="kim", state="rejected")
        assert counted(store) == recount(store) == Counter()
        store.spans.update(span.id, actor="kim", state="accepted")
        assert counted(store) == recount(store) == Counter({("엔비디아", "OG"): 1})
