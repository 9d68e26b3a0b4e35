"""hanmark evaluate says when the gold file overlaps the model's training texts (issue 17, 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.nlp.crf import DEFAULT_PATH, CrfModel
from hanmark.nlp.evaluate import fingerprint_keys, text_key
from hanmark.nlp.gold import read_gold
from hanmark.nlp.training import BASE_FILE, BASE_HELDOUT_FILE
from hanmark.tui.cli import main
from tests.conftest import KLUE_FILE

from .conftest import TINY_TRAIN


def _klue_slice(path: Path, out: Path, first: int, last: int) -> Path:
    """Sentences ``first`` to ``last`` of a KLUE file, as a KLUE file of their own
    (the file's header shares the first sentence's block)."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    out.write_text("\n\n".join(blocks[first:last]) + "\n\n", encoding="utf-8")
    return out


def _evaluate(gold: Path, model: Path | None, *extra: str):
    args = ["evaluate", str(gold), "--format", "klue", *extra]
    result = CliRunner().invoke(main, args + (["--model", str(model)] if model else []))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def tiny_file(tiny_model: CrfModel, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("model") / "tiny.hmcrf"
    tiny_model.save(path)
    return path


def test_a_trained_model_knows_its_training_texts(tiny_model: CrfModel, klue_examples) -> None:
    keys = fingerprint_keys(tiny_model.meta["fingerprint"])
    assert len(keys) == TINY_TRAIN
    assert all(text_key(ex.text) in keys for ex in klue_examples[:TINY_TRAIN])
    assert not any(text_key(ex.text) in keys for ex in klue_examples[TINY_TRAIN:])
    assert text_key(klue_examples[0].text.replace(" ", "  ") + " ") in keys  # re-spaced


def test_evaluate_warns_and_scores_the_unseen_texts(tiny_file: Path, tmp_path: Path) -> None:
    gold = _klue_slice(KLUE_FILE, tmp_path / "gold.tsv", TINY_TRAIN - 30, TINY_TRAIN + 20)
    text = _evaluate(gold, tiny_file).output
    assert "Warning: 30 of the 50 gold texts were in this model's training data" in text
    assert "On the 20 unseen texts: entity F1" in text
    data = json.loads(_evaluate(gold, tiny_file, "--json").stdout)
    overlap = data["overlap"]
    assert (overlap["checked"], overlap["seen"], overlap["unseen"]) == (True, 30, 20)
    assert overlap["unseen_scores"]["sentences"] == 20
    assert overlap["unseen_scores"]["entity"]["f1"] < data["entity"]["f1"]  # it was flattered


def test_unseen_gold_is_said_clean_and_old_models_cannot_be_checked(
        tiny_model: CrfModel, tmp_path: Path) -> None:
    gold = _klue_slice(KLUE_FILE, tmp_path / "gold.tsv", TINY_TRAIN, TINY_TRAIN + 10)
    path = tmp_path / "fresh.hmcrf"
    tiny_model.save(path)
    assert "None of the 10 gold texts was in this model's training data" in \
        _evaluate(gold, path).output
    old = CrfModel(tiny_model.data, {k: v for k, v in tiny_model.meta.items()
                                     if k != "fingerprint"})
    old.save(path)
    assert "whether the gold file overlaps them cannot be checked" in _evaluate(gold, path).output


def test_the_shipped_model_carries_the_base_corpus_fingerprint(tmp_path: Path) -> None:
    keys = fingerprint_keys(CrfModel.load(DEFAULT_PATH).meta.get("fingerprint"))
    assert keys is not None and len(keys) == 3600
    assert all(text_key(ex.text) in keys for ex in read_gold(BASE_FILE))
    assert not any(text_key(ex.text) in keys for ex in read_gold(BASE_HELDOUT_FILE))
    base = _klue_slice(BASE_FILE, tmp_path / "base.tsv", 0, 12)
    held = _klue_slice(BASE_HELDOUT_FILE, tmp_path / "held.tsv", 1, 9)
    gold = tmp_path / "gold.tsv"
    gold.write_text(base.read_text(encoding="utf-8") + held.read_text(encoding="utf-8"),
                    encoding="utf-8")
    text = _evaluate(gold, None).output
    assert "Warning: 12 of the 20 gold texts were in this model's training data" in text
    assert "On the 8 unseen texts" in text
