"""The annotation rules, without an app: an AnnotationSession on a real database."""

from __future__ import annotations

import asyncio

from hanmark.store import NewSpan, Span, Store
from hanmark.tui.session import AnnotationSession, split_layers

TEXT = "김민수 회장은 서울에서 삼성전자를 방문했다."


def _session(store: Store) -> tuple[AnnotationSession, str]:
    uid, _ = store.articles.add(TEXT)
    store.articles.add("다음 기사: 부산에서 축제가 열렸다.")
    store.spans.replace_suggestions(uid, [NewSpan(8, 10, "LC", "crf", origin="suggestion",
                                            state="suggested", model="crf")], model="crf")
    session = AnnotationSession(store, "kim", lambda: None)
    session.open(uid)
    return session, uid


def test_labels_and_an_edited_suggestion_become_the_annotators(store: Store) -> None:
    session, uid = _session(store)
    outcome = asyncio.run(session.label("PS", where=(0, 3)))
    assert outcome.message == "김민수 → PS" and outcome.edits[0][1].annotator == "kim"
    suggestion = next(s for s in session.spans if s.state == "suggested")
    outcome = asyncio.run(session.label("OG", span=suggestion))  # relabelled: now kim's
    session.reload(outcome.where)
    assert [(s.start, s.end, s.label, s.state, s.annotator) for s in session.spans] == [
        (0, 3, "PS", "accepted", "kim"), (8, 10, "OG", "accepted", "kim")]
    assert session.pending == 0 and session.accepted == 2


def test_a_rejected_suggestion_leaves_the_layer_and_undo_brings_it_back(store: Store) -> None:
    session, uid = _session(store)
    [suggestion] = session.spans
    outcome = asyncio.run(session.remove(suggestion))
    assert outcome.message == "rejected 서울 (LC)" and not outcome.relearn
    session.reload()
    assert session.spans == [] and [s.state for s in store.spans.of(uid)] == ["rejected"]
    assert asyncio.run(session.replay("undo")).message == "undone"
    session.reload()
    assert [s.state for s in session.spans] == ["suggested"]
    assert asyncio.run(session.replay("redo")).message == "redo done"


def test_nothing_to_undo_is_said_and_not_saved(store: Store) -> None:
    session, _ = _session(store)
    outcome = asyncio.run(session.replay("undo"))
    assert (outcome.message, outcome.saved) == ("Nothing to undo.", False)


def test_done_opens_the_next_article_until_none_is_left(store: Store) -> None:
    session, uid = _session(store)
    outcome, following = asyncio.run(session.finish("done"))
    assert following is not None and following != uid
    assert store.articles.get(uid).status == "done"
    session.open(following)
    outcome, following = asyncio.run(session.finish("skipped"))
    assert following is None and "no article left" in outcome.message


def test_other_annotators_are_an_overlay_and_rejections_are_nowhere() -> None:
    def span(state: str, annotator: str, origin: str = "human") -> Span:
        return Span(1, "a", 0, 1, "PS", annotator, origin=origin, state=state)

    mine, others = split_layers([span("accepted", "kim"), span("accepted", "lee"),
                                 span("accepted", "import", "import"),
                                 span("suggested", "crf", "suggestion"),
                                 span("rejected", "kim", "suggestion")], "kim")
    assert [s.annotator for s in mine] == ["kim", "import", "crf"]
    assert [s.annotator for s in others] == ["lee"]
