"""Edits that propagate (issue 19): when a label is widened, relabeled or removed,
the pending suggestions it made, in its article and in others, follow it or are
withdrawn, and undo brings them back as they were. Real Kiwi, a real database:
first through the session the keys call (with the follow-ups the reader runs),
then through the keys themselves."""

from __future__ import annotations

import asyncio

import pytest

from hanmark.nlp.analyzer import Analysis, analysis_for
from hanmark.nlp.suggest import follow_edits, teach_analyzer
from hanmark.store import Store
from hanmark.tui.session import AnnotationSession, Outcome
from tests.tui.conftest import goto, reader, settle

# Kiwi reads 라인야후 before a space as 라인 + 야후, so 라인 alone can be labeled.
A = ("라인야후 지분은 소프트뱅크와 네이버가 절반씩 가졌다. "
     "일본 정부는 라인야후 지분 매각을 요구했다.")
B = "네이버는 라인야후 지분 매각을 검토했다. 라인 메신저는 한국에서도 쓰인다."
SECOND = A.index("라인야후", 1)
LONE = B.index("라인 ")


def pending(store: Store, a: str, b: str) -> set[tuple[str, int, str, str]]:
    """Every pending suggestion as (article, start, text, label)."""
    return {(name, s.start, text[s.start:s.end], s.label)
            for name, uid, text in (("A", a, A), ("B", b, B))
            for s in store.spans.of(uid, states=("suggested",))}


LABELED = {("A", SECOND, "라인", "OG"), ("B", 5, "라인", "OG"), ("B", LONE, "라인", "OG")}
WIDENED = {("A", SECOND, "라인야후", "OG"), ("B", 5, "라인야후", "OG")}  # the lone 라인 withdrawn
RELABELED = {("A", SECOND, "라인야후", "PS"), ("B", 5, "라인야후", "PS")}


@pytest.fixture
def articles(store: Store) -> tuple[str, str]:
    """A and B, analysed as the reader would have (B visited before), by a Kiwi that
    knows this database's labeled forms (none), as the reader's start teaches it."""
    teach_analyzer(store)
    uids = store.articles.add(A)[0], store.articles.add(B)[0]
    for uid in uids:
        analysis_for(store, uid)
    return uids


class Reader:
    """The session and the follow-ups the reader runs after each change."""

    def __init__(self, store: Store, uid: str):
        self.store = store
        self.session = AnnotationSession(store, "kim", lambda: None)
        self.session.open(uid)
        self.analysis: Analysis = analysis_for(store, uid)  # as the text view holds it

    def do(self, change) -> Outcome:
        outcome = asyncio.run(change)
        follow_edits(self.store, outcome.edits, analysis=self.analysis)
        self.session.reload()
        return outcome

    def label_at(self, start: int):
        return next(s for s in self.session.spans if s.start == start and s.state == "accepted")


def test_suggestions_follow_a_label_widened_relabeled_removed_and_undone(
        store: Store, articles: tuple[str, str]) -> None:
    a, b = articles
    reader_ = Reader(store, a)
    reader_.do(reader_.session.label("OG", where=(0, 2)))
    assert pending(store, a, b) == LABELED
    reader_.do(reader_.session.move_edges(reader_.label_at(0), 0, 4))
    assert pending(store, a, b) == WIDENED
    reader_.do(reader_.session.label("PS", span=reader_.label_at(0)))
    assert pending(store, a, b) == RELABELED
    reader_.do(reader_.session.remove(reader_.label_at(0)))
    assert pending(store, a, b) == set()
    for before in (RELABELED, WIDENED, LABELED):
        reader_.do(reader_.session.replay("undo"))
        assert pending(store, a, b) == before
    reader_.do(reader_.session.replay("redo"))
    assert pending(store, a, b) == WIDENED


def test_decided_suggestions_and_those_another_label_supports_stay(
        store: Store, articles: tuple[str, str]) -> None:
    a, b = articles
    reader_ = Reader(store, a)
    reader_.do(reader_.session.label("OG", where=(0, 2)))
    lone = next(s for s in store.spans.of(b) if s.start == LONE)
    store.spans.remove(lone.id, actor="kim")  # rejected: a decision, never touched
    reader_.do(reader_.session.move_edges(reader_.label_at(0), 0, 4))
    assert pending(store, a, b) == WIDENED
    reader_.do(reader_.session.replay("undo"))
    assert pending(store, a, b) == LABELED - {("B", LONE, "라인", "OG")}
    assert store.spans.get(lone.id).state == "rejected"
    # a second 라인 label, in B: the suggestions it supports stay when A's goes
    other = Reader(store, b)
    other.do(other.session.label("OG", where=(LONE, LONE + 2)))
    reader_.session.reload()
    reader_.do(reader_.session.remove(reader_.label_at(0)))
    assert pending(store, a, b) == {("A", SECOND, "라인", "OG"), ("B", 5, "라인", "OG")}


async def test_the_keys_widen_relabel_remove_and_undo(
        store: Store, articles: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = articles
    # only the live gazetteer: the CRF's own guesses at 라인야후 would sit under the cursor
    monkeypatch.setattr("hanmark.nlp.suggest.suggest_article", lambda *args, **kwargs: 0)
    async with reader(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert pilot.app.screen.article.uid == a
        await goto(pilot, 0)
        steps = [("3", LABELED), ("greater_than_sign", WIDENED), ("1", RELABELED),
                 ("x", set()), ("u", RELABELED), ("u", WIDENED), ("u", LABELED)]
        for key, expected in steps:
            await pilot.press(key)
            await settle(pilot)
            assert pending(store, a, b) == expected, key
        shown = {(s.start, A[s.start:s.end]) for s in pilot.app.screen.text_view.spans
                 if s.state == "suggested"}
        assert shown == {(SECOND, "라인")}  # the text pane draws what the store holds
