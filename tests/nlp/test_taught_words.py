"""Only forms that read as names are taught to Kiwi, and forms whose labels are
removed or corrected are forgotten (issue 17, item 5). Kiwi runs in a child
process here, as in the app."""

from __future__ import annotations

from hanmark.nlp.analyzer import Analyzer, ChildAnalyzer, reads_as_name
from hanmark.nlp.suggest import teach_analyzer
from hanmark.store import Store

TEXT = "현대차와 기아가 손잡았다. 퓨리오사AI와 엔비디아와 엔비디아도 왔다."


def _first(analyzer: Analyzer, text: str) -> str:
    """The surface of the first morpheme Kiwi finds in ``text``."""
    token = analyzer.analyse(text).tokens[0]
    return text[token.start:token.end]


def _label(store: Store, uid: str, form: str, nth: int = 0):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(form, start + 1)
    return store.spans.label_range(uid, start, start + len(form), "OG", annotator="kim")


def test_name_readings() -> None:
    assert reads_as_name(["NNP"]) and reads_as_name(["SL", "NNG", "NNG"])  # LG에너지솔루션
    assert reads_as_name(["NNP", "SP", "NNP"])  # 카카오·네이버
    assert not reads_as_name(["NNP", "JKB"])  # 현대차와
    assert not reads_as_name(["SL", "NNG", "NNG", "JX"])  # LG에너지솔루션은
    assert not reads_as_name(["NNG", "XSV", "EF"]) and not reads_as_name([])


def test_taught_words_follow_the_labels(store: Store, monkeypatch) -> None:
    kiwi = ChildAnalyzer()
    monkeypatch.setattr("hanmark.nlp.suggest.get_analyzer", lambda: kiwi)
    try:
        uid, _ = store.articles.add(TEXT)
        _label(store, uid, "현대차와")  # the person's selection took the particle
        taught = _label(store, uid, "퓨리오사AI")
        _label(store, uid, "엔비디아", nth=1)  # 엔비디아도
        _label(store, uid, "엔비디아와")  # one unknown noun to Kiwi, but 엔비디아 + 와
        assert teach_analyzer(store) == 2
        assert kiwi.user_words() == {"퓨리오사AI", "엔비디아"}
        assert _first(kiwi, "현대차와 협력했다") == "현대차"  # the particle stays apart
        assert _first(kiwi, "퓨리오사AI와 협력했다") == "퓨리오사AI"

        store.spans.remove(taught.id, actor="kim")
        teach_analyzer(store)
        assert kiwi.user_words() == {"엔비디아"}
        assert _first(kiwi, "퓨리오사AI와 협력했다") == "퓨리오사"  # as before it was taught

        glued = _label(store, uid, "퓨리오사AI와")  # labeled again, particle included
        assert teach_analyzer(store) == 0
        store.spans.update(glued.id, actor="kim", end=glued.end - 1)  # then corrected
        assert teach_analyzer(store) == 1
        assert kiwi.user_words() == {"퓨리오사AI", "엔비디아"}
    finally:
        if kiwi._child is not None:
            kiwi._child.kill()
            kiwi._child.wait()
