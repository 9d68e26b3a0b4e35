"""The CRF and the shipped neural tagger combined: what suggestions use."""

from __future__ import annotations

from hanmark.nlp import training
from hanmark.nlp.analyzer import get_analyzer
from hanmark.nlp.crf import TrainingItem, default_model, train
from hanmark.nlp.gold import LABELS, read_gold
from tests.conftest import SEED_FILE


def test_the_shipped_model_scores_higher_with_its_tagger_than_alone() -> None:
    model = default_model()
    assert model is not None and model.neural is not None
    held_out = list(read_gold(training.BASE_HELDOUT_FILE))  # seen by neither
    analyses = training.analyse_examples(held_out)
    combined = training.evaluate(model, held_out, analyses)["entity"]["f1"]
    tagger, model.neural = model.neural, None
    try:
        alone = training.evaluate(model, held_out, analyses)["entity"]["f1"]
    finally:
        model.neural = tagger
    assert combined > alone + 0.005, (combined, alone)


def test_an_article_tagged_alone_or_with_others_gets_the_same_suggestions() -> None:
    model = default_model()
    text = SEED_FILE.read_text(encoding="utf-8").strip()
    other = "배우 김혜수가 2019년 3월 부산에서 열린 영화제에 참석했다."
    analyses = list(get_analyzer().analyse_many([text, other, ""]))
    together = model.predict_many(analyses)
    assert together == [model.predict(a) for a in analyses]
    found, uncertainty = together[0]
    assert found and 0 <= uncertainty < 1
    for cand in found:
        assert 0 <= cand.start < cand.end <= len(text) and cand.label in LABELS
        assert text[cand.start] != " " and text[cand.end - 1] != " "
        assert 0 < cand.confidence <= 1
    assert together[2] == ([], 0.0)


def test_a_model_that_knows_only_some_labels_is_used_alone(klue_examples) -> None:
    part = klue_examples[:60]
    items = [TrainingItem(a, [s for s in ex.spans if s[2] == "PS"])
             for a, ex in zip(training.analyse_examples(part), part, strict=True)]
    model = train(items, params={"max_iterations": 10})
    assert model.neural is None  # the tagger would add labels this model never learned
    analysis = next(iter(get_analyzer().analyse_many(["김혜수가 부산에서 삼성전자를 방문했다."])))
    assert {c.label for c in model.predict(analysis)[0]} <= {"PS"}
