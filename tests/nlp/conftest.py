"""A tiny CRF trained once per test session on 200 KLUE-NER sentences (seconds, not minutes)."""

from __future__ import annotations

import pytest

from hanmark.nlp.crf import CrfModel, TrainingItem, train
from hanmark.nlp.gold import Example, read_gold
from hanmark.nlp.training import analyse_examples
from tests.conftest import KLUE_FILE

TINY_TRAIN = 200


@pytest.fixture(scope="session")
def klue_examples() -> list[Example]:
    examples = []
    for example in read_gold(KLUE_FILE, "klue"):
        examples.append(example)
        if len(examples) == 400:
            return examples
    return examples


@pytest.fixture(scope="session")
def tiny_model(klue_examples) -> CrfModel:
    train_part = klue_examples[:TINY_TRAIN]
    items = [TrainingItem(a, ex.spans)
             for a, ex in zip(analyse_examples(train_part), train_part, strict=True)]
    return train(items, params={"max_iterations": 40}, summary={"gold_texts": TINY_TRAIN})
