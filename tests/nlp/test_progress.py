"""Progress that advances with the work: training counts crfsuite's iterations
as they happen (it used to sit still, then jump to the end), and scoring counts
each text analysed and each text tagged."""

from __future__ import annotations

from hanmark.nlp.crf import TrainingItem, train
from hanmark.nlp.training import analyse_examples, evaluate


def test_training_advances_once_per_item_and_per_iteration(klue_examples) -> None:
    part = klue_examples[:40]
    items = [TrainingItem(a, ex.spans)
             for a, ex in zip(analyse_examples(part), part, strict=True)]
    steps: list[int] = []
    train(items, params={"max_iterations": 15}, progress=steps.append)
    assert sum(steps) == len(items) + 15  # the bar ends full, early convergence or not
    assert len(steps) > len(items) + 1  # iterations arrived one by one, not in one jump


def test_scoring_advances_per_text_analysed_and_tagged(tiny_model, klue_examples) -> None:
    unseen = klue_examples[300:400]
    steps: list[int] = []
    evaluate(tiny_model, unseen, progress=steps.append)
    assert sum(steps) == 2 * len(unseen)
    assert max(steps) <= 64  # small steps: the estimate settles within seconds
