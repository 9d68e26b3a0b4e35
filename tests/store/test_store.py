"""The store API on a fresh database file: articles, search, spans, undo, stats."""

from __future__ import annotations

import pytest

from hanmark.store import HanmarkError, NewSpan, Store

TEXT = "엔비디아와 삼성전자가 GPU 26만 장을 확보했다. 이재명 대통령이 경주에서 말했다."


@pytest.fixture
def uid(store: Store) -> str:
    uid, created = store.articles.add(TEXT, title="GPU", date="2025-11-01", collection="news")
    assert created
    return uid


def test_same_text_is_one_article(store: Store, uid: str) -> None:
    again, created = store.articles.add(TEXT, title="other title")
    assert again == uid and not created
    assert store.articles.count() == 1
    assert store.articles.get(uid).title == "GPU"


def test_database_has_klue_labels_and_schema(store: Store) -> None:
    labels = store.labels.all()
    assert [(lab.name, lab.description, lab.key) for lab in labels] == [
        ("PS", "사람", "1"), ("LC", "장소", "2"), ("OG", "기관", "3"),
        ("DT", "날짜", "4"), ("TI", "시간", "5"), ("QT", "수량", "6"),
    ]
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


@pytest.mark.parametrize("query", ["비디아", "삼성", "이재명 대통령", "GPU"])
def test_search_finds_any_korean_substring(store: Store, uid: str, query: str) -> None:
    store.articles.add("전혀 다른 기사입니다.", title="무관")
    rows = store.articles.page(search=query)
    assert [r.uid for r in rows] == [uid]
    assert store.articles.count(search=query) == 1


def test_search_quotes_are_not_syntax(store: Store, uid: str) -> None:
    assert store.articles.page(search='"엔비 OR x') == []


def test_filters_and_paging(store: Store) -> None:
    for i in range(30):
        store.articles.add(f"기사 번호 {i}입니다.", collection="a" if i % 2 else "b")
    assert store.articles.count(collection="a") == 15
    first = store.articles.page(limit=10)
    second = store.articles.page(limit=10, offset=10)
    assert len(first) == len(second) == 10
    assert not {r.uid for r in first} & {r.uid for r in second}
    assert store.articles.collections() == ["a", "b"]


def test_label_range_replaces_overlaps_and_undo_restores(store: Store, uid: str) -> None:
    store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    store.spans.label_range(uid, 0, 2, "PS", annotator="kim")  # overlaps: replaces
    assert [(s.start, s.end, s.label) for s in store.spans.of(uid)] == [(0, 2, "PS")]
    assert store.articles.get(uid).status == "in_progress"
    assert store.journal.undo(uid, "kim")
    assert [(s.start, s.end, s.label) for s in store.spans.of(uid)] == [(0, 4, "OG")]
    assert store.journal.undo(uid, "kim")
    assert store.spans.of(uid) == []
    assert not store.journal.undo(uid, "kim")
    assert store.journal.redo(uid, "kim") and store.journal.redo(uid, "kim")
    assert [(s.start, s.end, s.label) for s in store.spans.of(uid)] == [(0, 2, "PS")]
    assert not store.journal.redo(uid, "kim")


def test_undo_survives_reopening(db_path, uid: str, store: Store) -> None:
    store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    store.close()
    with Store(db_path) as reopened:
        assert reopened.journal.undo(uid, "kim")
        assert reopened.spans.of(uid) == []


def test_undo_is_per_annotator(store: Store, uid: str) -> None:
    store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    store.spans.label_range(uid, 6, 10, "OG", annotator="lee")
    assert store.journal.undo(uid, "kim")
    assert [(s.annotator, s.start) for s in store.spans.of(uid)] == [("lee", 6)]


def test_new_action_clears_redo(store: Store, uid: str) -> None:
    store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    store.journal.undo(uid, "kim")
    store.spans.label_range(uid, 6, 10, "OG", annotator="kim")
    assert not store.journal.redo(uid, "kim")


def test_rejected_suggestion_stays_rejected(store: Store, uid: str) -> None:
    suggestion = NewSpan(0, 4, "OG", "rules", origin="suggestion", state="suggested",
                         model="rules", confidence=0.9)
    assert store.spans.replace_suggestions(uid, [suggestion], model="rules") == 1
    span = store.spans.of(uid)[0]
    rejected = store.spans.remove(span.id, actor="kim")
    assert rejected is not None and rejected.state == "rejected"
    assert store.spans.replace_suggestions(uid, [suggestion], model="rules") == 0
    assert [s.state for s in store.spans.of(uid)] == ["rejected"]


def test_accept_makes_suggestion_the_annotators_label(store: Store, uid: str) -> None:
    store.spans.replace_suggestions(uid, [NewSpan(0, 4, "OG", "rules", origin="suggestion",
                                            state="suggested", model="rules")], model="rules")
    [accepted] = store.spans.accept([s.id for s in store.spans.of(uid)], annotator="kim")
    assert (accepted.state, accepted.annotator, accepted.origin, accepted.model) == (
        "accepted", "kim", "suggestion", "rules")
    assert store.journal.undo(uid, "kim")
    assert store.spans.of(uid)[0].state == "suggested"


def test_remove_human_span_deletes_it(store: Store, uid: str) -> None:
    span = store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    assert store.spans.remove(span.id, actor="kim") is None
    assert store.spans.of(uid) == []


@pytest.mark.parametrize(("start", "end", "label", "message"), [
    (0, 999, "PS", "outside the text"),
    (5, 5, "PS", "outside the text"),
    (-1, 3, "PS", "outside the text"),
    (0, 3, "NOPE", "Unknown label"),
])
def test_bad_spans_are_refused_and_nothing_changes(store: Store, uid: str, start: int,
                                                   end: int, label: str, message: str) -> None:
    with pytest.raises(HanmarkError, match=message):
        store.spans.label_range(uid, start, end, label, annotator="kim")
    assert store.spans.of(uid) == []
    assert store.journal.of(uid) == []


def test_every_change_is_in_the_event_log(store: Store, uid: str) -> None:
    span = store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    store.spans.update(span.id, actor="kim", label="PS", note="사람 이름?")
    store.articles.set_status(uid, "done", "kim")
    actions = [(e.action, e.annotator) for e in store.journal.of(uid)]
    assert actions == [("create", "kim"), ("update", "kim"), ("status", "kim")]
    update = store.journal.of(uid)[1]
    assert update.before["label"] == "OG" and update.after["label"] == "PS"


def test_status_change_is_undoable_and_next_article_skips_done(store: Store, uid: str) -> None:
    other, _ = store.articles.add("두 번째 기사입니다.")
    store.articles.set_status(uid, "done", "kim")
    assert store.articles.next_after(uid) == other
    store.articles.set_status(other, "skipped", "kim")
    assert store.articles.next_after(other) is None
    assert store.journal.undo(other, "kim")
    assert store.articles.get(other).status == "new"


def test_stats_shape(store: Store, uid: str) -> None:
    store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    stats = store.stats.summary()
    assert stats == {
        "articles": {"total": 1, "by_status": {"in_progress": 1},
                     "by_collection": {"news": 1}},
        "spans": {"total": 1, "by_label": {"OG": 1}, "by_state": {"accepted": 1},
                  "by_annotator": {"kim": 1},
                  "by_state_and_label": {"accepted": {"OG": 1}},
                  "accepted_by_annotator": {"kim": 1}},
    }


def test_iter_articles_streams_all_in_order(store: Store) -> None:
    uids = [store.articles.add(f"문장 {i}.")[0] for i in range(1234)]
    assert [a.uid for a in store.articles.stream(batch=100)] == uids


def test_failed_transaction_writes_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.articles.add("남지 않아야 할 기사.")
        raise RuntimeError("boom")
    assert store.articles.count() == 0


def test_accepting_a_suggestion_starts_the_article(store: Store, uid: str) -> None:
    store.spans.replace_suggestions(uid, [NewSpan(0, 4, "OG", "rules", origin="suggestion",
                                            state="suggested", model="rules")], model="rules")
    store.spans.accept([s.id for s in store.spans.of(uid)], annotator="kim")
    assert store.articles.get(uid).status == "in_progress"


def test_labeled_forms_follow_every_change(store: Store, uid: str) -> None:
    def forms() -> set[tuple[str, str, int]]:
        return set(store.spans.forms())

    version = store.spans.forms_version()
    span = store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    other, _ = store.articles.add("엔비디아가 또 나왔다.")
    store.spans.label_range(other, 0, 4, "OG", annotator="lee")
    assert forms() == {("엔비디아", "OG", 2)}
    assert store.spans.forms_version() > version
    store.spans.update(span.id, actor="kim", label="PS")
    assert forms() == {("엔비디아", "OG", 1), ("엔비디아", "PS", 1)}
    store.journal.undo(uid, "kim")  # back to OG
    assert forms() == {("엔비디아", "OG", 2)}
    store.spans.remove(span.id, actor="kim")
    store.spans.replace_suggestions(uid, [NewSpan(6, 10, "OG", "rules", origin="suggestion",
                                            state="suggested", model="rules")], model="rules")
    assert forms() == {("엔비디아", "OG", 1)}  # suggestions are not labels
    store.spans.accept([s.id for s in store.spans.of(uid, states=("suggested",))], annotator="kim")
    assert forms() == {("엔비디아", "OG", 1), ("삼성전자", "OG", 1)}


def test_label_counts_in_the_list_follow_every_change(store: Store, uid: str) -> None:
    def shown() -> int:
        return next(r.n_labels for r in store.articles.page() if r.uid == uid)

    first = store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    store.spans.label_range(uid, 0, 4, "PS", annotator="lee")
    store.spans.replace_suggestions(uid, [NewSpan(6, 10, "OG", "rules", origin="suggestion",
                                            state="suggested", model="rules")], model="rules")
    assert shown() == 2  # suggestions are not labels
    store.spans.accept([s.id for s in store.spans.of(uid, states=("suggested",))], annotator="kim")
    assert shown() == 3
    store.spans.remove(first.id, actor="kim")
    assert shown() == 2
    store.journal.undo(uid, "kim")
    assert shown() == 3
    # replaces kim's two overlapped spans
    store.spans.label_range(uid, 0, 10, "OG", annotator="kim")
    assert shown() == 2
    assert shown() == len(store.spans.of(uid, states=("accepted",)))


def test_the_first_page_counts_matches_only_up_to_a_cap(store: Store) -> None:
    for i in range(30):
        store.articles.add(f"{i}번째 기사: {'삼성전자' if i % 2 else '네이버'}.", title=f"{i}")
    rows, count = store.articles.first_page(search="삼성전자", limit=5, at_most=11)
    assert [r.title for r in rows] == ["1", "3", "5", "7", "9"]
    assert count == 11  # at least 11: the exact 15 is counted apart
    assert store.articles.count(search="삼성전자") == 15
    rows, count = store.articles.first_page(search="네이버", limit=20, at_most=11)
    assert count == len(rows) == 15  # one page holds them all


def test_paging_after_a_row_matches_offsets(store: Store) -> None:
    for i in range(25):
        store.articles.add(f"{i}번째 기사: 삼성전자.", collection="a" if i % 3 else "b")
    for kwargs in ({}, {"collection": "a"}, {"search": "삼성전자"}):
        by_offset = store.articles.page(offset=10, limit=5, **kwargs)
        previous = store.articles.page(offset=5, limit=5, **kwargs)
        assert store.articles.page(after=previous[-1].rowid, limit=5, **kwargs) == by_offset
