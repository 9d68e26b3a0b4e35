"""hanmark train, suggest and evaluate through click's runner, bad input included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.tui.cli import main
from tests.conftest import KLUE_FILE, KONNE_FILE, SEED_FILE
from tests.nlp.conftest import seed_with_labels


@pytest.fixture(scope="module")
def small_klue(tmp_path_factory) -> Path:
    """The first 120 sentences of the KLUE-NER sample, as a KLUE file of their own."""
    blocks = KLUE_FILE.read_text(encoding="utf-8").split("\n\n")
    path = tmp_path_factory.mktemp("gold") / "small.tsv"
    path.write_text("\n\n".join(blocks[:120]) + "\n\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model_file(small_klue: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model") / "small.hmcrf"
    result = CliRunner().invoke(main, ["train", "--gold", str(small_klue), "--format", "klue",
                                       "--no-base", "--holdout", "20", "--iterations", "30",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Held-out entity F1 on 20 texts" in result.output
    return out


def test_train_stores_summary_and_scores(model_file: Path) -> None:
    from hanmark.nlp.crf import CrfModel

    meta = CrfModel.load(model_file).meta
    assert meta["training"]["gold_dropped"] == 10  # every tenth: the base slice, never trained
    assert meta["training"]["gold_texts"] == 90
    assert meta["training"]["holdout"] == 20
    assert set(meta["training"]["by_label"]) <= {"PS", "LC", "OG", "DT", "TI", "QT"}
    assert meta["scores"]["holdout"]["sentences"] == 20


def test_evaluate_json_shape(model_file: Path, small_klue: Path) -> None:
    result = CliRunner().invoke(main, ["evaluate", str(small_klue), "--format", "klue",
                                       "--model", str(model_file), "--skip", "100", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"entity", "entity_macro_f1", "per_label", "char_f1", "sentences",
                         "overlap"}
    assert set(data["entity"]) == {"precision", "recall", "f1"}
    assert data["sentences"] == 20
    for row in data["per_label"].values():
        assert set(row) == {"precision", "recall", "f1", "support"}
    from hanmark.nlp.crf import CrfModel

    stored = CrfModel.load(model_file).meta["scores"]["holdout"]
    assert data["entity"] == pytest.approx(stored["entity"])  # same texts, same numbers


def test_train_on_database_labels_then_suggest(tmp_path: Path, model_file: Path) -> None:
    db = seed_with_labels(tmp_path / "h.db")
    runner = CliRunner()
    out = tmp_path / "db.hmcrf"
    result = runner.invoke(main, ["train", "--db", db, "--no-base", "--out", str(out),
                                  "--iterations", "20"])
    assert result.exit_code == 0, result.output
    assert "Trained on 1 article of h.db (3 entities)" in result.output
    result = runner.invoke(main, ["suggest", "--db", db, "--model", str(model_file)])
    assert result.exit_code == 0, result.output
    assert "suggestions added in 1 article." in result.output
    from hanmark.store import Store

    with Store(db) as store:
        assert store.spans.of(store.articles.page()[0].uid, states=("suggested",))


@pytest.mark.parametrize(("args", "message"), [
    (["train", "--db", "{db}"], "has no accepted labels to train on"),
    (["evaluate", str(KONNE_FILE), "--format", "klue", "--model", "{model}"],
     "is this KLUE-NER TSV?"),
    (["evaluate", str(KLUE_FILE), "--model", "{tmp}/missing.hmcrf"], "No model file"),
    (["evaluate", str(KLUE_FILE), "--model", str(SEED_FILE)], "not a hanmark model"),
    (["evaluate", str(KLUE_FILE), "--format", "nope", "--model", "{model}"],
     "Unknown gold format"),
    (["train", "--gold", "{tmp}/none.tsv"], "does not exist"),
])
def test_bad_input_is_one_line_and_exit_1(tmp_path: Path, model_file: Path, args, message):
    filled = [a.format(db=tmp_path / "empty.db", model=model_file, tmp=tmp_path) for a in args]
    result = CliRunner().invoke(main, filled)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_articles_by_uncertainty_after_suggest(tmp_path: Path, model_file: Path) -> None:
    db = str(tmp_path / "u.db")
    runner = CliRunner()
    lines = "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in (
        "오늘은 비가 온다.", "도널드 트럼프 미국 대통령과 젠슨 황 엔비디아 CEO가 경주에서 만났다."))
    source = tmp_path / "two.jsonl"
    source.write_text(lines + "\n", encoding="utf-8")
    assert runner.invoke(main, ["import", str(source), "--db", db]).exit_code == 0
    assert runner.invoke(main, ["suggest", "--db", db, "--model", str(model_file)]).exit_code == 0
    result = runner.invoke(main, ["articles", "--db", db, "--order", "uncertainty", "--json"])
    assert result.exit_code == 0, result.output
    from hanmark.nlp.analyzer import analysis_for
    from hanmark.nlp.crf import CrfModel
    from hanmark.store import Store

    model = CrfModel.load(model_file)
    with Store(db) as store:
        scores = {r.uid: model.predict(analysis_for(store, r.uid))[1]
                  for r in store.articles.page()}
    listed = [json.loads(line)["id"] for line in result.output.splitlines()]
    assert listed == sorted(scores, key=lambda uid: -scores[uid])
