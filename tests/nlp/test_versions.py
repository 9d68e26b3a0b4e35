"""Training never silently makes suggestions worse: a new model becomes active only
when it scores no worse than the current one on held-out data (or with --force),
and every model is kept as a version that `hanmark models` lists and switches to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.nlp import crf, training, versions
from hanmark.nlp.gold import read_gold
from hanmark.store import HanmarkError, Store
from hanmark.tui.cli import main
from tests.nlp.conftest import seed_with_labels

TINY = {"max_iterations": 20}


@pytest.fixture(autouse=True)
def registry(tmp_path: Path, monkeypatch) -> Path:
    """Versions in a folder of this test's own, and no legacy model of the machine's."""
    monkeypatch.setenv("HANMARK_MODELS", str(tmp_path / "models"))
    monkeypatch.delenv("HANMARK_MODEL", raising=False)
    monkeypatch.setattr(versions, "LEGACY_PATH", tmp_path / "none" / "model.hmcrf")
    return tmp_path / "models"


def _labeled_db(path: Path) -> str:
    return seed_with_labels(path, done=True)


def _models() -> list[dict]:
    result = CliRunner().invoke(main, ["models", "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_worse_model_is_kept_but_not_active_and_force_activates_it(tmp_path: Path) -> None:
    db = _labeled_db(tmp_path / "h.db")
    runner = CliRunner()
    train = ["train", "--db", db, "--no-base", "--iterations", "20"]
    result = runner.invoke(main, train)
    assert result.exit_code == 0, result.output
    assert "Kept model shipped active: it is worse on the base slice" in result.output
    assert "new 0.0" in result.output and "current (shipped) 0.8" in result.output
    assert crf.model_path() == crf.DEFAULT_PATH  # suggestions still use the shipped model
    listed = {row["id"]: row for row in _models()}
    assert listed["shipped"]["active"] and not listed["1"]["active"]
    assert listed["1"]["decision"] == "not activated"
    assert listed["1"]["training"]["db_articles"] == 1
    assert listed["1"]["training"]["base_texts"] == 0

    result = runner.invoke(main, [*train, "--force"])
    assert result.exit_code == 0, result.output
    assert "Model 2 is active (--force), although it is worse on the base slice" in result.output
    assert crf.model_path() == versions.folder() / "2.hmcrf"
    assert crf.default_model().meta["training"]["db_articles"] == 1

    result = runner.invoke(main, ["models", "use", "shipped"])
    assert result.exit_code == 0, result.output
    assert crf.default_model().meta["training"]["db_articles"] == 0  # reloaded, not cached
    assert [row["id"] for row in _models() if row["active"]] == ["shipped"]
    assert {row["id"]: row.get("decision") for row in _models()} == {
        "shipped": None, "1": "not activated", "2": "forced"}


def test_better_model_becomes_active_and_worse_one_does_not(klue_examples) -> None:
    """Through the function `hanmark train` runs: a weak model forced in is replaced
    by a better one on its own, and the weak one again is refused."""
    test = klue_examples[300:400]
    options = {"base": (), "base_test": test, "params": TINY}
    weak = training.train_and_keep(None, gold=klue_examples[:15], force=True, **options)
    assert weak.activated and weak.forced and versions.active_id() == weak.version.id
    strong = training.train_and_keep(None, gold=klue_examples[:200], **options)
    assert strong.activated and not strong.forced
    assert strong.new["base"]["f1"] > strong.old["base"]["f1"]
    assert versions.active_id() == strong.version.id
    again = training.train_and_keep(None, gold=klue_examples[:15], **options)
    assert not again.activated and versions.active_id() == strong.version.id
    assert again.new["base"]["f1"] == weak.new["base"]["f1"]  # same data, same model
    assert f"{strong.new['base']['f1']:.3f}" in again.reason


@pytest.mark.parametrize(("new", "old", "switch", "why"), [
    ({"base": 0.80}, {"base": 0.805}, True, "0.800 against 0.805 on the base slice"),
    ({"base": 0.79}, {"base": 0.805}, False, "worse on the base slice by more than 0.01"),
    ({"base": 0.85, "own": 0.60}, {"base": 0.80, "own": 0.61}, False,
     "worse on your 3 held-out articles (entity F1 0.600, the current model 0.610)"),
    ({"base": 0.80, "own": 0.70}, {"base": 0.80, "own": 0.61}, True,
     "0.700 against 0.610 on your held-out articles"),
])
def test_judge_needs_no_loss_on_your_data_and_a_small_margin_on_the_base(new, old, switch,
                                                                         why) -> None:
    def scores(f1s: dict) -> dict:
        return {key: {"f1": f1, "texts": 3} for key, f1 in f1s.items()}

    ok, reason = training.judge(scores(new), scores(old))
    assert ok is switch
    assert why in reason


def test_one_done_article_in_five_is_held_out_once_five_are_done(store: Store) -> None:
    uids = []
    for i in range(12):
        text = f"{i}번째 기사: 김철수 씨가 서울에 갔다."
        uid, _ = store.articles.add(text)
        start = text.index("김철수")
        store.spans.label_range(uid, start, start + 3, "PS", annotator="kim")
        uids.append(uid)
    for uid in uids[:4]:
        store.articles.set_status(uid, "done", "kim")
    assert training.own_split(store) == (uids, [])  # too few done: train on all
    for uid in uids[4:10]:
        store.articles.set_status(uid, "done", "kim")
    train, test = training.own_split(store)
    assert test == [uid for uid in uids[:10] if training.held_out(uid)] and test
    assert set(train) == set(uids) - set(test)  # undone articles always train


def test_base_corpus_ships_with_its_held_out_slice_apart() -> None:
    base = list(read_gold(training.BASE_FILE))
    held = list(read_gold(training.BASE_HELDOUT_FILE))
    assert (len(base), len(held)) == (3600, 400)
    assert not {ex.text for ex in base} & {ex.text for ex in held}
    shipped = crf.CrfModel.load(crf.DEFAULT_PATH).meta
    assert shipped["training"]["gold_files"] == [training.BASE_FILE.name]
    assert shipped["scores"]["base"]["texts"] == 400


def test_unknown_version_is_one_line() -> None:
    result = CliRunner().invoke(main, ["models", "use", "7"])
    assert result.exit_code == 1
    assert result.output.strip() == ("hanmark: There is no model version '7'; "
                                     "`hanmark models` lists them.")
    with pytest.raises(HanmarkError, match="no model version"):
        versions.find("../default")


async def test_statistics_screen_names_the_active_model_and_its_score(store: Store) -> None:
    from textual.app import App

    from hanmark.tui.screens.stats import StatsScreen
    from tests.tui.screen_text import screen_text

    class StatsApp(App):
        def on_mount(self) -> None:
            self.push_screen(StatsScreen(store))

    shipped = crf.CrfModel.load(crf.DEFAULT_PATH).meta["scores"]["base"]["f1"]
    async with StatsApp().run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert (f"Suggestion model: model shipped, entity F1 {shipped:.3f} on the base slice"
                in screen_text(pilot.app))


def test_a_model_from_before_versions_stays_active_until_another_is_chosen(tiny_model) -> None:
    tiny_model.save(versions.LEGACY_PATH)  # what `hanmark train` wrote before versions
    assert crf.model_path() == versions.LEGACY_PATH
    assert [row["id"] for row in _models() if row["active"]] == ["legacy"]
    result = CliRunner().invoke(main, ["models", "use", "shipped"])
    assert result.exit_code == 0, result.output
    assert crf.model_path() == crf.DEFAULT_PATH
    assert versions.LEGACY_PATH.is_file()  # kept: `hanmark models use legacy` goes back


def test_an_active_version_deleted_by_hand_says_how_to_go_back(registry: Path) -> None:
    registry.mkdir()
    (registry / "active").write_text("9\n", encoding="utf-8")
    with pytest.raises(HanmarkError, match="It is the active one; `hanmark models use shipped`"):
        crf.default_model()
    result = CliRunner().invoke(main, ["models", "use", "shipped"])
    assert result.output.startswith("Now active: model shipped, entity F1 0.8")
    assert crf.default_model() is not None
