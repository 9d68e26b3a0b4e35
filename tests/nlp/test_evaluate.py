"""Our scores against seqeval's on the same predictions."""

from __future__ import annotations

import pytest
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

from hanmark.nlp.evaluate import score
from hanmark.nlp.training import analyse_examples
from hanmark.store.span_utils import spans_to_tags


def _tags_without_spaces(text: str, spans) -> list[str]:
    tags = spans_to_tags(len(text), list(spans))
    return [t for c, t in zip(text, tags, strict=True) if not c.isspace()]


def test_scores_match_seqeval(tiny_model, klue_examples) -> None:
    held_out = klue_examples[200:400]
    analyses = analyse_examples(held_out)
    triples = [(ex.text, ex.spans, tiny_model.tag_sentence(a))
               for ex, a in zip(held_out, analyses, strict=True)]
    ours = score(triples)
    y_true = [_tags_without_spaces(t, g) for t, g, _ in triples]
    y_pred = [_tags_without_spaces(t, p) for t, _, p in triples]
    assert ours["sentences"] == 200
    assert ours["entity"]["f1"] == pytest.approx(f1_score(y_true, y_pred))
    assert ours["entity"]["precision"] == pytest.approx(precision_score(y_true, y_pred))
    assert ours["entity"]["recall"] == pytest.approx(recall_score(y_true, y_pred))
    report = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
    assert ours["entity_macro_f1"] == pytest.approx(report["macro avg"]["f1-score"])
    for label, row in ours["per_label"].items():
        assert row["f1"] == pytest.approx(report[label]["f1-score"]), label
        assert row["support"] == report[label]["support"]
    assert 0.3 < ours["entity"]["f1"] < 1.0


def test_boundaries_must_match_exactly() -> None:
    text = "도널드 트럼프 대통령"
    result = score([(text, [(0, 7, "PS")], [(4, 7, "PS")])])
    assert result["entity"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert result["char_f1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)  # 3 of 6 characters
    same = score([(text, [(0, 7, "PS")], [(0, 7, "PS")])])
    assert same["entity"]["f1"] == 1.0 and same["entity_macro_f1"] == 1.0
