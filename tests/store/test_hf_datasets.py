"""The Hugging Face export as its consumer reads it: ``datasets`` loads the JSON
lines with the label list as ``ClassLabel`` names, and seqeval finds in the
decoded tags exactly the entities the store holds (KLUE sample)."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest
from seqeval.metrics.sequence_labeling import get_entities

from hanmark.store import Store
from hanmark.store.formats.export import ExportOptions, export
from hanmark.store.importer import import_sources
from tests.conftest import KLUE_FILE

ITEMS = 300


def test_datasets_loads_the_export_with_its_label_names(store: Store, tmp_path: Path) -> None:
    if not KLUE_FILE.exists():
        pytest.skip(f"{KLUE_FILE} is absent (the shared data sits beside the repository)")
    sample = tmp_path / "klue.tsv"
    sample.write_text("\n\n".join(KLUE_FILE.read_text(encoding="utf-8").split("\n\n")[:ITEMS])
                      + "\n\n", encoding="utf-8")
    import_sources(store, [str(sample)])
    out = tmp_path / "train.jsonl"
    export(store, ExportOptions("hf", out, status=None, annotator="import", tokens="char"))
    names = json.loads((tmp_path / "train.labels.json").read_text(encoding="utf-8"))
    features = datasets.Features({
        "id": datasets.Value("string"),
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names))})
    loaded = datasets.load_dataset("json", data_files=str(out), features=features,
                                   split="train", cache_dir=str(tmp_path / "cache"))
    assert len(loaded) == ITEMS
    decode = loaded.features["ner_tags"].feature.int2str
    expected = [sorted((article.text[s.start:s.end], s.label) for s in store.spans.of(article.uid))
                for article in store.articles.stream()]
    found = []
    for row in loaded:
        tags = [decode(t) for t in row["ner_tags"]]
        found.append(sorted(("".join(row["tokens"][first:last + 1]), label)
                            for label, first, last in get_entities(tags)))
    spaceless = [[(text.replace(" ", ""), label) for text, label in item] for item in expected]
    assert found == spaceless  # char tokens leave spaces out; every entity is there
