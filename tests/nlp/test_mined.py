"""The mined gazetteer: forms a model tags confidently in unlabeled text become
a CRF feature, cross-fitted so training sentences do not find their own names."""

from __future__ import annotations

from hanmark.nlp.analyzer import get_analyzer
from hanmark.nlp.crf import CrfModel, TrainingItem, _fold_forms, train
from hanmark.nlp.gazetteer import Gazetteer
from hanmark.nlp.mined import matches, mine


def test_confident_predictions_are_mined_and_become_features(
        tiny_model: CrfModel, klue_examples) -> None:
    analyses = list(get_analyzer().analyse_many([ex.text for ex in klue_examples[:20]]))
    confident = {(a.text[c.start:c.end], c.label) for a in analyses
                 for c in tiny_model.predict(a, split=False)[0] if c.confidence >= 0.9}
    gaz = mine(tiny_model, analyses, min_confidence=0.9)
    assert set(gaz.counts) == {form for form, _ in confident if len(form) > 1}
    assert {(form, label) for form, counts in gaz.counts.items() for label in counts} <= confident
    gaz = Gazetteer.from_pairs([("서울", "LC", 2)])
    analysis = get_analyzer().analyse("오늘 서울에 비가 왔다.")
    assert [(c.start, c.end, c.label) for c in matches(gaz, analysis)] == [(3, 5, "LC2")]
    assert matches(gaz, analysis, {"서울"}) == []


def test_a_model_trained_with_a_mined_gazetteer_keeps_it(klue_examples) -> None:
    analyzer = get_analyzer()
    items = [TrainingItem(a, ex.spans) for a, ex in zip(
        analyzer.analyse_many([ex.text for ex in klue_examples[:60]]), klue_examples[:60],
        strict=True)]
    gaz = Gazetteer.from_pairs([("삼성전자", "OG", 3)])
    model = train(items, params={"max_iterations": 5}, mined=gaz)
    assert model.meta["mined"] == [["삼성전자", "OG", 3]]
    reloaded = CrfModel(model.data, model.meta)
    feats = reloaded.features(analyzer.analyse("삼성전자가 올랐다."))
    assert "r=BOG2" in feats[0] and "r=IOG2" in feats[3]


def test_only_names_one_fold_alone_holds_are_kept_from_it() -> None:
    analyzer = get_analyzer()
    texts = ["서울 김철수", "서울 부산"]
    items = [TrainingItem(a, [(0, 2, "LC"), (3, len(t), "PS" if i == 0 else "LC")])
             for i, (a, t) in enumerate(zip(analyzer.analyse_many(texts), texts, strict=True))]
    assert _fold_forms(items, 2) == [{"김철수"}, {"부산"}]  # 서울 is in both folds
