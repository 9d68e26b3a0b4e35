"""Label Studio in: every annotator a layer of their own, predictions as
suggestions, and JSON-MIN as label-studio-converter writes it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from label_studio_converter import Converter

from hanmark.store import Label, Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.importer import import_sources
from tests.conftest import KONNE_FILE

CONFIG = """<View>
  <Labels name="label" toName="text"><Label value="PS"/><Label value="LC"/></Labels>
  <Text name="text" value="$text"/>
</View>"""
TEXT = "이순신이 한산도에서 왜군을 물리쳤다"
HANMARK = str(Path(sys.executable).with_name("hanmark"))  # the console script, as users run it


def _region(start: int, end: int, label: str, **extra) -> dict:
    return {"from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]},
            **extra}


def _task(task_id: int, annotations: list[dict], predictions: list[dict] = ()) -> dict:
    return {"id": task_id, "data": {"text": TEXT + f" ({task_id})"},
            "annotations": annotations, "predictions": list(predictions)}


def _export(tmp_path: Path, tasks: list[dict]) -> Path:
    path = tmp_path / "project.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def _layers(store: Store) -> set[tuple]:
    return {(s.start, s.end, s.label, s.annotator, s.state, s.origin, s.model, s.confidence)
            for a in store.articles.stream() for s in store.spans.of(a.uid)}


def _two_annotators(tmp_path: Path) -> Path:
    """Annotators 1 and 2 disagree on one span; 2 also cancelled a second try."""
    return _export(tmp_path, [_task(1, [
        {"id": 10, "completed_by": 1, "result": [_region(0, 3, "PS"), _region(5, 8, "LC")]},
        {"id": 11, "completed_by": 2, "result": [_region(0, 3, "LC")]},
        {"id": 12, "completed_by": 2, "was_cancelled": True, "result": [_region(0, 2, "PS")]},
    ])])


def test_each_annotator_is_a_layer_of_their_own(store: Store, tmp_path: Path) -> None:
    report = import_sources(store, [str(_two_annotators(tmp_path))])
    assert report.errors == [] and report.spans == 3
    assert _layers(store) == {(0, 3, "PS", "ls-1", "accepted", "import", None, None),
                              (5, 8, "LC", "ls-1", "accepted", "import", None, None),
                              (0, 3, "LC", "ls-2", "accepted", "import", None, None)}


def test_a_single_annotator_file_is_named_by_annotator(store: Store, tmp_path: Path) -> None:
    path = _export(tmp_path, [_task(1, [{"completed_by": 7, "result": [_region(0, 3, "PS")]}]),
                              _task(2, [{"completed_by": 7, "result": [_region(5, 8, "LC")]}])])
    import_sources(store, [str(path)], annotator="kim")
    assert {(s[3], s[4]) for s in _layers(store)} == {("kim", "accepted")}


def test_predictions_arrive_as_suggestions_with_score_and_model(store: Store,
                                                               tmp_path: Path) -> None:
    path = _export(tmp_path, [_task(1, [], [
        {"model_version": "ner-2024-05", "score": 0.5,
         "result": [_region(0, 3, "PS", score=0.93), _region(5, 8, "LC")]}])])
    report = import_sources(store, [str(path)])
    assert report.errors == [] and report.spans == 2
    assert _layers(store) == {
        (0, 3, "PS", "import", "suggested", "suggestion", "ner-2024-05", 0.93),
        (5, 8, "LC", "import", "suggested", "suggestion", "ner-2024-05", 0.5)}


def test_json_min_from_label_studio_converter_keeps_the_layers(store: Store, db_path: Path,
                                                               tmp_path: Path) -> None:
    full = _two_annotators(tmp_path)
    Converter(CONFIG, str(tmp_path)).convert_to_json_min(str(full), str(tmp_path / "min"),
                                                         is_dir=False)
    json_min = tmp_path / "min" / "result.json"
    records = json.loads(json_min.read_text(encoding="utf-8"))
    assert len(records) == 2 and {r["annotator"] for r in records} == {1, 2}  # one per annotation
    report = import_sources(store, [str(json_min)])
    assert report.errors == [] and report.imported == 1
    from_min = _layers(store)
    with Store(tmp_path / "full.db") as other:
        import_sources(other, [str(full)])
        assert from_min == _layers(other)


def test_agreement_reads_the_layers(db_path: Path, tmp_path: Path) -> None:
    """The real command, in its own process, sees two annotators."""
    path = _two_annotators(tmp_path)
    imported = subprocess.run([HANMARK, "import", str(path), "--db", str(db_path)],
                              capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    agreement = subprocess.run([HANMARK, "agreement", "--db", str(db_path)],
                               capture_output=True, text=True, timeout=120)
    assert agreement.returncode == 0, agreement.stderr
    assert "ls-1" in agreement.stdout and "ls-2" in agreement.stdout


def test_classification_results_are_not_dropped_silently(db_path: Path,
                                                         tmp_path: Path) -> None:
    path = _export(tmp_path, [_task(1, [{"completed_by": 1, "result": [
        {"from_name": "sentiment", "to_name": "text", "type": "choices",
         "value": {"choices": ["Positive"]}}]}])])
    done = subprocess.run([HANMARK, "import", str(path), "--db", str(db_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"{path}: not one of the labels in 1 record (under 'annotations')" in done.stderr
    with Store(db_path) as store:
        assert store.articles.count() == 0  # the file was refused whole


def test_annotator_names_are_checked(store: Store, tmp_path: Path) -> None:
    store.labels.add(Label("X"))
    path = _export(tmp_path, [_task(1, [
        {"completed_by": {"id": 1, "email": "a b@example.com"}, "result": [_region(0, 3, "PS")]},
        {"completed_by": 2, "result": [_region(0, 3, "PS")]}])])
    report = import_sources(store, [str(path)])
    assert report.imported == 0 and "annotator" in report.errors[0]


def test_konne_through_label_studio_and_json_min_is_byte_identical(store: Store,
                                                                    tmp_path: Path) -> None:
    """KoNNEC (nested spans) -> Label Studio -> label-studio-converter's JSON-MIN
    -> hanmark -> doccano gives the sample back byte for byte."""
    if not KONNE_FILE.exists():
        pytest.skip(f"{KONNE_FILE} is absent (the shared data sits beside the repository)")
    import_sources(store, [str(KONNE_FILE)], add_labels=True)
    full = tmp_path / "konne.json"
    export(store, ExportOptions("labelstudio", full, status=None, annotator="import"))
    names = "".join(f'<Label value="{lab.name}"/>' for lab in store.labels.all())
    Converter(CONFIG.replace('<Label value="PS"/><Label value="LC"/>', names),
              str(tmp_path)).convert_to_json_min(str(full), str(tmp_path / "min"), is_dir=False)
    for source in (full, tmp_path / "min" / "result.json"):
        with Store(tmp_path / f"{source.stem}.db") as other:
            report = import_sources(other, [str(source)], add_labels=True)
            assert report.errors == []
            out = tmp_path / f"{source.stem}.jsonl"
            export(other, ExportOptions("doccano", out, status=None, annotator="import"))
            assert out.read_bytes() == KONNE_FILE.read_bytes(), source.name
