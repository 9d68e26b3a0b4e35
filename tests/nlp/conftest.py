"""A tiny CRF trained once per test session on 200 KLUE-NER sentences (seconds, not minutes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.nlp.crf import CrfModel, TrainingItem, train
from hanmark.nlp.gold import Example, read_gold
from hanmark.nlp.training import analyse_examples
from hanmark.store import Store
from hanmark.tui.cli import main
from tests.conftest import KLUE_FILE, SEED_FILE

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


def seed_with_labels(path: Path, *, done: bool = False) -> str:
    """The seed article imported with three labels, a person's first session; the
    database's path. ``done`` marks the article done, as training's held-out split reads."""
    assert CliRunner().invoke(main, ["import", str(SEED_FILE), "--db", str(path)]).exit_code == 0
    with Store(path) as store:
        uid = store.articles.page()[0].uid
        text = store.articles.get(uid).text
        for form, label in (("이재명", "PS"), ("엔비디아", "OG"), ("경주", "LC")):
            start = text.index(form)
            store.spans.label_range(uid, start, start + len(form), label, annotator="kim")
        if done:
            store.articles.set_status(uid, "done", "kim")
    return str(path)
