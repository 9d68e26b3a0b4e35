"""Suggestions as the reader shows them: rules, the shipped model, the live gazetteer."""

from __future__ import annotations

from hanmark.nlp.analyzer import analysis_for, get_analyzer
from hanmark.nlp.crf import DEFAULT_PATH, CrfModel
from hanmark.nlp.suggest import propagate_label, suggest_all, suggest_article
from hanmark.store import Store


def _shown(store: Store, uid: str, state: str = "suggested") -> dict[str, set[str]]:
    text = store.articles.get(uid).text
    out: dict[str, set[str]] = {}
    for span in store.spans.of(uid, states=(state,)):
        out.setdefault(text[span.start:span.end], set()).add(span.label)
    return out


def test_rules_alone_suggest_the_seed_entities(store: Store, seed_text: str) -> None:
    uid, _ = store.articles.add(seed_text)
    assert suggest_article(store, uid, model=None) > 20
    shown = _shown(store, uid)
    assert shown["이재명"] == {"PS"}
    assert shown["26만 장"] == {"QT"}
    assert shown["엔비디아"] == {"OG"}
    spans = store.spans.of(uid)
    assert {(s.origin, s.state, s.annotator) for s in spans} == {
        ("suggestion", "suggested", "hanmark")}
    assert {s.model for s in spans} == {"rules"}


def test_shipped_model_suggests_with_confidence(store: Store, seed_text: str) -> None:
    assert DEFAULT_PATH.is_file(), "the default model must ship with the package"
    uid, _ = store.articles.add(seed_text)
    suggest_article(store, uid)
    shown = _shown(store, uid)
    assert shown["이재명"] == {"PS"}
    # 엔비디아 is in no KLUE sentence and the CRF reads it mostly as PS: the 4,000-sentence
    # model found it 10 times, 6 as PS, and the rules' OG votes tipped the form to OG; the
    # 3,600-sentence one (since the base slice is held out) finds it 8 times, 6 as PS, and
    # the form goes PS. One label per form; labeling it once fixes every occurrence.
    assert len(shown["엔비디아"]) == 1
    assert shown["26만 장"] == {"QT"}
    crf = [s for s in store.spans.of(uid) if s.model == "crf"]
    assert crf and all(0.0 < s.confidence <= 1.0 for s in crf)
    # no two suggestions cover the same characters
    spans = sorted(store.spans.of(uid), key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def test_decisions_survive_a_new_round(store: Store, seed_text: str) -> None:
    uid, _ = store.articles.add(seed_text)
    suggest_article(store, uid, model=None)
    text = store.articles.get(uid).text
    rejected = next(s for s in store.spans.of(uid) if text[s.start:s.end] == "이재명")
    store.spans.remove(rejected.id, actor="kim")
    start = text.index("엔비디아")
    store.spans.label_range(uid, start, start + 2, "OG", annotator="kim")  # a person's own choice
    suggest_article(store, uid, model=None)
    again = [s for s in store.spans.of(uid) if (s.start, s.end) == (rejected.start, rejected.end)]
    assert [s.state for s in again] == ["rejected"]
    overlapping = [s for s in store.spans.of(uid, states=("suggested",))
                   if s.start < start + 2 and s.end > start]
    assert overlapping == []


def test_a_label_is_suggested_wherever_its_form_occurs(store: Store) -> None:
    first, _ = store.articles.add("엔비디아와 삼성전자가 손잡았다. 엔비디아는 GPU를 공급한다.")
    other, _ = store.articles.add("어제 엔비디아의 젠슨 황이 서울에 왔다.")
    unrelated, _ = store.articles.add("오늘은 비가 온다.")
    analysis = analysis_for(store, first)
    span = store.spans.label_range(first, 0, 4, "OG", annotator="kim")
    changed = propagate_label(store, span, analysis=analysis)
    assert set(changed) == {first, other}
    assert _shown(store, first) == {"엔비디아": {"OG"}}
    assert _shown(store, other) == {"엔비디아": {"OG"}}  # without the particle 의
    assert _shown(store, unrelated) == {}
    # Kiwi learned the word: the particle no longer glues to it
    tokens = get_analyzer().analyse("엔비디아와 협력").tokens
    assert ("엔비디아", "NNP") in [("엔비디아와 협력"[t.start:t.end], t.tag) for t in tokens]


def test_the_most_frequent_label_wins(store: Store) -> None:
    uids = [store.articles.add(f"{i}번 기사: 삼성이 발표했다.")[0] for i in range(4)]
    start = store.articles.get(uids[0]).text.index("삼성")
    for uid, label in zip(uids[:3], ["OG", "OG", "LC"], strict=True):
        span = store.spans.label_range(uid, start, start + 2, label, annotator="kim")
    propagate_label(store, span)
    assert _shown(store, uids[3]) == {"삼성": {"OG"}}


def test_suggest_all_ranks_articles_by_uncertainty(store: Store, tiny_model: CrfModel) -> None:
    texts = ["이재명 대통령이 경주에서 말했다.", "어제 비가 왔다.",
             "도널드 트럼프 미국 대통령과 젠슨 황 엔비디아 최고경영자가 11월 1일 만났다."]
    uids = [store.articles.add(t)[0] for t in texts]
    articles, added = suggest_all(store, model=tiny_model)
    assert articles == 3 and added > 0
    scores = {uid: tiny_model.predict(analysis_for(store, uid))[1] for uid in uids}
    ranked = [row.uid for row in store.articles.page(order="uncertainty")]
    assert ranked == sorted(uids, key=lambda u: -scores[u])


def test_worker_processes_suggest_the_same(tmp_path, tiny_model: CrfModel) -> None:
    texts = ["이재명 대통령이 경주에서 말했다.", "삼성전자와 엔비디아가 11월 1일 만났다.",
             "관객 175만명이 오후 3시에 몰렸다."]
    found = []
    for workers in (1, 2):
        with Store(tmp_path / f"w{workers}.db") as store:
            uids = [store.articles.add(t)[0] for t in texts]
            assert suggest_all(store, model=tiny_model, workers=workers, batch=2)[0] == 3
            found.append([[(s.start, s.end, s.label, s.model, s.confidence)
                           for s in store.spans.of(uid)] for uid in uids])
            assert store.analyses.missing(get_analyzer().version) == []  # analyses were cached
    assert found[0] == found[1] and any(found[0])


def test_gazetteer_reaches_articles_analysed_before_the_word_was_taught(store: Store) -> None:
    from hanmark.nlp.analyzer import Analysis, Token

    uid, _ = store.articles.add("어제 딥코어와 협약했다.")
    glued = Analysis("어제 딥코어와 협약했다.", (
        Token(0, 2, "NNG", "어제"), Token(3, 7, "NNP", "딥코어와"), Token(8, 10, "NNG", "협약"),
        Token(10, 11, "XSV", "하"), Token(11, 12, "EF", "다"), Token(12, 13, "SF", ".")),
        ((0, 13),))
    store.analyses.put([(uid, get_analyzer().version, glued.to_json())])  # the stale cache
    other, _ = store.articles.add("딥코어가 상장했다.")
    span = store.spans.label_range(other, 0, 3, "OG", annotator="kim")
    assert uid in propagate_label(store, span)
    assert _shown(store, uid) == {"딥코어": {"OG"}}


def test_labeled_forms_are_taught_to_a_fresh_kiwi(store: Store, monkeypatch) -> None:
    from hanmark.nlp.analyzer import Analyzer
    from hanmark.nlp.suggest import teach_analyzer

    fresh = Analyzer(num_workers=1)  # the next run: Kiwi knows nothing yet (not even loaded)
    monkeypatch.setattr("hanmark.nlp.suggest.get_analyzer", lambda: fresh)
    uid, _ = store.articles.add("큐브릭스와 협약했다.")
    store.spans.label_range(uid, 0, 4, "OG", annotator="kim")
    assert teach_analyzer(store) == 1
    text = "큐브릭스와 협약"
    assert ("큐브릭스", "NNP") in [(text[t.start:t.end], t.tag) for t in fresh.analyse(text).tokens]
