"""One rule for label and annotator names, and the places that apply it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hanmark.store import HanmarkError, Label, Store
from hanmark.store import labels as label_set
from hanmark.store.importer import import_sources
from hanmark.store.names import check_annotator, check_name


@pytest.mark.parametrize("name", ["PS", "OGG_MEDIA", "B2B", "김민지", "kim.lee@example.org",
                                  "ls-12", "ORG/GOV", "a+b", "x" * 64])
def test_ordinary_names_pass(name: str) -> None:
    assert check_name(name) == name
    assert check_annotator(name) == name


@pytest.mark.parametrize("name", ["", "two words", "[bold]", "[link=http://e]", "a,b", "a=b",
                                  "bob\x1b]2;PWNED\x1b\\", "c1\x9b31m", "tab\there",
                                  "zero\u200bwidth", "bidi\u202eevil", "x" * 65])
def test_names_that_could_act_or_split_are_refused_and_shown_escaped(name: str) -> None:
    with pytest.raises(HanmarkError) as refused:
        check_annotator(name)
    message = str(refused.value)
    assert message.startswith(repr(name)) and "is not an annotator name" in message
    assert not any(c < " " or "\x7f" <= c <= "\x9f" for c in message)


def _native(path: Path, labels: list[dict]) -> Path:
    path.write_text(json.dumps({"hanmark": 1, "labels": labels}) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("label", "reason"), [
    ({"name": "two words"}, "'two words' is not a label name"),
    ({"name": "[bold]"}, "'[bold]' is not a label name"),
    ({"name": "HUE", "colour": "not-a-colour"}, "HUE's colour 'not-a-colour' is not a colour"),
])
def test_a_native_header_with_a_bad_label_imports_nothing(store: Store, tmp_path: Path,
                                                          label: dict, reason: str) -> None:
    before = store.labels.all()
    report = import_sources(store, [str(_native(tmp_path / "backup.jsonl", [label]))])
    assert store.labels.all() == before
    assert report.errors and f"backup.jsonl:1: {reason}" in report.errors[0]


def test_a_stored_bad_colour_still_lists_and_exports(store: Store) -> None:
    store.labels.add(Label("HUE", colour="not-a-colour"))  # as an older hanmark could have
    [config] = [c for c in label_set.doccano_config(store.labels.all()) if c["text"] == "HUE"]
    assert config["backgroundColor"] == "#888888"


def test_descriptions_added_by_hand_are_cleaned(store: Store) -> None:
    label_set.add_labels(store, [Label("GOOD", "설명\x1b]2;PWNED\x07\n둘째 줄", examples="a\x85b")])
    [good] = [lab for lab in store.labels.all() if lab.name == "GOOD"]
    assert (good.description, good.examples) == ("설명 둘째 줄", "ab")
