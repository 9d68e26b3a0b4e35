"""Label sets through ``hanmark labels``: what a user types and sees, and the
database read back afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from hanmark.store import HanmarkError, Store
from hanmark.store.colour import contrast, text_colour_for
from hanmark.store.labels import nikl150, read_doccano_config
from hanmark.tui.cli import main
from tests.conftest import SHARED_DATA

DOCCANO_CONFIG = SHARED_DATA / "konne" / "doccano-label-config.json"
TEXT = "엔비디아와 삼성전자가 서울에서 만났다."


@pytest.fixture
def run(db_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HANMARK_ANNOTATOR", "minji")
    monkeypatch.setenv("HANMARK_CONFIG", str(db_path.parent / "no-config.toml"))
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [*args, "--db", str(db_path)])

    return invoke


@pytest.fixture
def labeled(db_path: Path) -> str:
    """An article with two OG spans (one by minji) and one LC span."""
    with Store(db_path) as store:
        uid, _ = store.articles.add(TEXT)
        store.spans.label_range(uid, 0, 4, "OG", annotator="minji")
        store.spans.label_range(uid, 6, 10, "OG", annotator="jun")
        store.spans.label_range(uid, 12, 14, "LC", annotator="minji")
    return uid


def names(db_path: Path) -> list[str]:
    with Store(db_path) as store:
        return [lab.name for lab in store.labels.all()]


def span_labels(db_path: Path, uid: str) -> list[str]:
    with Store(db_path) as store:
        return [s.label for s in store.spans.of(uid)]


def test_add_edit_and_list(run, db_path: Path) -> None:
    result = run("labels", "add", "PRODUCT", "--description", "제품", "--key", "7",
                 "--colour", "#FC0")
    assert result.exit_code == 0, result.output
    assert run("labels", "add", "TECH", "--parent", "PRODUCT").exit_code == 0
    assert run("labels", "edit", "TECH", "--key", "8", "--examples", "HBM, 온디바이스 AI"
               ).output == "Changed TECH: key, examples.\n"
    rows = {row["name"]: row for row in map(json.loads, run("labels", "list", "--json")
                                            .output.splitlines())}
    product = rows["PRODUCT"]
    assert (product["key"], product["colour"], product["description"]) == ("7", "#ffcc00",
                                                                           "제품")
    assert (rows["TECH"]["key"], rows["TECH"]["parent"]) == ("8", "PRODUCT")
    assert "PRODUCT" in run("labels", "list").output


@pytest.mark.parametrize(("args", "message"), [
    (("add", "OG"), "A label named OG already exists."),
    (("add", "NEW", "--key", "1"), "The key 1 is used by both PS and NEW."),
    (("add", "NEW", "--colour", "blueish"), "NEW's colour 'blueish' is not a colour"),
    (("add", "TWO WORDS"), "'TWO WORDS' is not a label name"),
    (("add", "NEW", "--key", "ab"), "The key 'ab' is not one of 1-9"),
    (("add", "NEW", "--key", "x"), "The key 'x' is not one of 1-9"),
    (("add", "NEW", "--parent", "NOPE"), "NEW's parent NOPE is not a label."),
    (("edit", "LC", "--key", "1"), "The key 1 is used by both PS and LC."),
    (("edit", "NOPE", "--key", "9"), "There is no label named NOPE."),
])
def test_bad_label_input_is_one_sentence_and_changes_nothing(run, db_path: Path, args,
                                                             message: str) -> None:
    before = run("labels", "list", "--json").output
    result = run("labels", *args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert run("labels", "list", "--json").output == before


def test_rename_moves_every_span_and_undo_takes_it_back(run, db_path: Path,
                                                        labeled: str) -> None:
    result = run("labels", "rename", "OG", "ORG")
    assert result.output == "Renamed OG to ORG (2 spans).\n"
    assert span_labels(db_path, labeled) == ["ORG", "ORG", "LC"]
    assert "ORG" in names(db_path) and "OG" not in names(db_path)
    with Store(db_path) as store:
        renames = [e for e in store.journal.of() if e.action == "label_rename"]
    assert len(renames) == 1  # one event for the whole rename

    assert run("labels", "undo").output == "Undid the rename: ORG is OG again (2 spans).\n"
    assert span_labels(db_path, labeled) == ["OG", "OG", "LC"]
    assert run("labels", "undo", "--redo").output == \
        "Redid the rename: OG is ORG again (2 spans).\n"
    assert span_labels(db_path, labeled) == ["ORG", "ORG", "LC"]
    assert run("labels", "undo", "--redo").output == "Nothing to redo.\n"


def test_reader_undo_after_a_rename_brings_spans_back_under_the_new_name(
        run, db_path: Path, labeled: str) -> None:
    run("labels", "rename", "LC", "LOC")
    with Store(db_path) as store:
        assert store.journal.undo(labeled, "minji")  # takes back the LC label of 서울
        assert [s.label for s in store.spans.of(labeled)] == ["OG", "OG"]
        assert store.journal.redo(labeled, "minji")
        assert [s.label for s in store.spans.of(labeled)] == ["OG", "OG", "LOC"]
        # the article's own undo stack does not see label-set changes
        assert store.journal.undo(labeled, "minji") and store.journal.undo(labeled, "minji")
        assert not store.journal.undo(labeled, "minji")
        assert "LOC" in store.labels.names()


def test_rename_to_an_existing_name_is_refused(run, db_path: Path, labeled: str) -> None:
    result = run("labels", "rename", "OG", "LC")
    assert result.exit_code == 1
    assert "A label named LC already exists." in result.output
    assert span_labels(db_path, labeled) == ["OG", "OG", "LC"]


def test_remove_with_spans_needs_map_to_or_force(run, db_path: Path, labeled: str) -> None:
    refused = run("labels", "remove", "OG")
    assert refused.exit_code == 1
    assert "OG is on 2 spans; use --map-to OTHER to relabel them or --force" in refused.output
    assert "OG" in names(db_path)

    assert run("labels", "remove", "OG", "--map-to", "LC").output == \
        "Removed OG; relabeled 2 spans as LC.\n"
    assert span_labels(db_path, labeled) == ["LC", "LC", "LC"]
    assert run("labels", "remove", "LC", "--force").output == "Removed LC; deleted 3 spans.\n"
    assert span_labels(db_path, labeled) == []
    assert run("labels", "remove", "QT").output == "Removed QT; it had no spans.\n"
    assert names(db_path) == ["PS", "DT", "TI"]


def test_nikl150_preset_groups_the_150_types(run, db_path: Path) -> None:
    result = run("labels", "preset", "nikl150")
    assert result.output == "Added 159 labels from nikl150 (6 already there).\n"
    with Store(db_path) as store:
        labels = {lab.name: lab for lab in store.labels.all()}
    fine = [lab for lab in labels.values() if lab.parent]
    assert len(fine) == 150
    assert {lab.parent for lab in fine} == {lab.name for lab in labels.values()
                                            if not lab.parent}
    assert labels["OGG_ECONOMY"].parent == "OG" and labels["LCG_RIVER"].parent == "LC"
    assert "아이유" in labels["PS_NAME"].examples
    assert labels["PS"].key == "1"  # the KLUE six keep their number keys
    assert run("labels", "preset", "nikl150").output == \
        "Added 0 labels from nikl150 (165 already there).\n"


def test_bundled_tagset_matches_the_shared_copy() -> None:
    shared = (SHARED_DATA / "konne" / "NIKL_NE_2021_TAGSET_150.tsv").read_text("utf-8")
    assert [lab.name for lab in nikl150() if lab.parent] == [
        line.split("\t")[0] for line in shared.splitlines()[1:]]


def test_doccano_config_import_and_export_round_trip(run, db_path: Path,
                                                    tmp_path: Path) -> None:
    result = run("labels", "import", str(DOCCANO_CONFIG))
    assert result.output == f"Added 150 labels from {DOCCANO_CONFIG}.\n"
    with Store(db_path) as store:
        colour = {lab.name: lab.colour for lab in store.labels.all()}
    assert colour["PS_NAME"] == "#9f0500"

    out = tmp_path / "labels.json"
    assert run("labels", "export", str(out)).exit_code == 0
    exported = json.loads(out.read_text("utf-8"))
    assert len(exported) == 156
    first = exported[0]
    assert first == {"id": 1, "text": "PS", "prefixKey": None, "suffixKey": "1",
                     "backgroundColor": "#e06c75", "textColor": "#000000"}
    assert all(contrast(e["backgroundColor"], e["textColor"]) >= 4.5 for e in exported)

    other = CliRunner().invoke(main, ["labels", "import", str(out), "--db",
                                      str(tmp_path / "other.db")])
    assert other.output == f"Added 150 labels from {out} (6 already there).\n"


@pytest.mark.parametrize(("content", "message"), [
    ('{"labels": []}', "is not a doccano label configuration"),
    ("not json", "is not a doccano label configuration"),
    ('[{"text": "A"}, {"text": "A"}]', "The label A appears twice."),
    ('[{"text": "A", "suffixKey": "8"}, {"text": "B", "suffixKey": "8"}]',
     "The key 8 is used by both A and B."),
    ('[{"text": "A", "backgroundColor": "not-a-colour"}]',
     "A's colour 'not-a-colour' is not a colour"),
    ('[{"text": "NEW", "suffixKey": "1"}]', "The key 1 is used by both PS and NEW."),
])
def test_bad_label_files_change_nothing(run, db_path: Path, tmp_path: Path, content: str,
                                        message: str) -> None:
    path = tmp_path / "labels.json"
    path.write_text(content, encoding="utf-8")
    before = names(db_path)
    result = run("labels", "import", str(path))
    assert result.exit_code == 1
    assert result.output.startswith("hanmark: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert names(db_path) == before


def test_recent_labels_are_the_annotators_latest(db_path: Path, labeled: str) -> None:
    with Store(db_path) as store:
        assert store.journal.recent_labels("minji") == ["LC", "OG"]
        assert store.journal.recent_labels("jun") == ["OG"]


@given(st.integers(0, 0xFFFFFF))
def test_text_on_any_label_colour_reaches_wcag_contrast(rgb: int) -> None:
    background = f"#{rgb:06x}"
    chosen = text_colour_for(background)
    other = "#ffffff" if chosen == "#000000" else "#000000"
    assert contrast(background, chosen) >= max(4.5, contrast(background, other))


def test_text_colour_is_black_on_light_and_white_on_dark() -> None:
    assert text_colour_for("#ffff00") == "#000000"
    assert text_colour_for("blue") == "#ffffff"


def test_keys_move_between_labels_and_doccano_letter_keys_are_left_out(
        run, db_path: Path, tmp_path: Path) -> None:
    assert run("labels", "edit", "PS", "--key", "").exit_code == 0
    assert run("labels", "edit", "LC", "--key", "1").exit_code == 0
    config = tmp_path / "keys.json"
    config.write_text('[{"text": "PRODUCT", "suffixKey": "p"},'
                      ' {"text": "TECH", "prefixKey": "ctrl", "suffixKey": "7"}]', "utf-8")
    assert run("labels", "import", str(config)).exit_code == 0
    with Store(db_path) as store:
        keys = {lab.name: lab.key for lab in store.labels.all()}
    assert (keys["PS"], keys["LC"], keys["PRODUCT"], keys["TECH"]) == (None, "1", None, None)


def test_undo_never_brings_back_a_span_of_a_removed_label(run, db_path: Path,
                                                          labeled: str) -> None:
    with Store(db_path) as store:
        store.journal.undo(labeled, "minji")  # the LC span goes; redo would bring it back
    assert run("labels", "remove", "LC").output == "Removed LC; it had no spans.\n"
    with Store(db_path) as store:
        with pytest.raises(HanmarkError, match="a label since removed; 'hanmark labels add LC'"):
            store.journal.redo(labeled, "minji")
        assert [s.label for s in store.spans.of(labeled)] == ["OG", "OG"]
    run("labels", "add", "LC")
    with Store(db_path) as store:
        assert store.journal.redo(labeled, "minji")
        assert [s.label for s in store.spans.of(labeled)] == ["OG", "OG", "LC"]


def test_a_label_name_that_is_not_unicode_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "labels.json"
    config.write_text('[{"text": "\\ud800X", "suffixKey": "7"}]', encoding="utf-8")
    with pytest.raises(HanmarkError, match="not a label name: it holds a character that is "
                                           "not valid Unicode"):
        read_doccano_config(config)
