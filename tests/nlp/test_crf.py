"""Model files and training data: what `hanmark train` writes and reads back."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from hanmark.nlp.analyzer import Analysis, get_analyzer
from hanmark.nlp.crf import LONGEST, CrfModel, sentence_ranges
from hanmark.nlp.training import db_items
from hanmark.store import HanmarkError, Store
from hanmark.store.span_utils import spans_to_tags, tags_to_spans

TEXT = "이재명 대통령이 11월 1일 경주에서 젠슨 황 엔비디아 최고경영자를 만났다."


def test_model_file_round_trip(tiny_model: CrfModel, tmp_path: Path) -> None:
    path = tmp_path / "m.hmcrf"
    tiny_model.save(path)
    loaded = CrfModel.load(path)
    analysis = get_analyzer().analyse(TEXT)
    assert loaded.predict(analysis) == tiny_model.predict(analysis)
    assert loaded.meta["training"] == {"gold_texts": 200}
    found, uncertainty = loaded.predict(analysis)
    assert found and all(0 < c.confidence <= 1 for c in found)
    assert 0 <= uncertainty <= 1


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p / "missing.hmcrf", "No model file"),
    (lambda p: (p / "x.hmcrf").write_bytes(b"not a zip") and p / "x.hmcrf",
     "not a hanmark model"),
    (lambda p: _zip(p / "x.hmcrf", {"crf.model": b"x"}), "not a hanmark model"),
    (lambda p: _zip(p / "x.hmcrf", {"crf.model": b"x", "meta.json": json.dumps(
        {"format": "spacy"}).encode()}), "not a hanmark CRF model"),
    (lambda p: _zip(p / "x.hmcrf", {"crf.model": b"garbage", "meta.json": json.dumps(
        {"format": "hanmark-crf", "version": 1, "features": "rich-2"}).encode()}), "damaged"),
    (lambda p: _zip(p / "x.hmcrf", {"crf.model": b"x", "meta.json": json.dumps(
        {"format": "hanmark-crf", "version": 1, "features": "rich-1"}).encode()}),
     "older hanmark; retrain"),
])
def test_bad_model_files_are_one_sentence(tmp_path: Path, make, message: str) -> None:
    with pytest.raises(HanmarkError, match=message):
        CrfModel.load(make(tmp_path))


def test_database_training_data_stops_where_reading_stopped(store: Store) -> None:
    text = "이재명 대통령이 말했다. 그리고 김철수 씨가 왔다. 마지막 문장이다."
    uid, _ = store.articles.add(text)
    store.spans.label_range(uid, 0, 3, "PS", annotator="kim")
    (item,) = db_items(store)
    assert item.spans == ((0, 3, "PS"),)
    assert text[:item.until] == "이재명 대통령이 말했다."  # 김철수 is unread, not "no entity"
    store.articles.set_status(uid, "done", "kim")
    assert db_items(store)[0].until is None


def test_models_tag_bioes_and_old_iob2_tags_still_read(tiny_model: CrfModel) -> None:
    spans = [(0, 3, "PS"), (4, 5, "QT"), (5, 7, "LC")]
    bioes = spans_to_tags(8, spans, "bioes")
    assert bioes == ["B-PS", "I-PS", "E-PS", "O", "S-QT", "B-LC", "E-LC", "O"]
    assert tags_to_spans(bioes) == tags_to_spans(spans_to_tags(8, spans)) == spans
    assert tiny_model.meta["scheme"] == "bioes"
    assert {"E-PS", "S-QT"} <= set(tiny_model._tagger.labels())


def test_a_text_with_no_sentence_end_is_read_in_pieces_cut_after_spaces() -> None:
    """A megabyte with no sentence end took the tagger minutes and gigabytes in one piece."""
    text = "엔비디아가 경주에서 만났다 " * 400
    analysis = Analysis(text, (), ((0, len(text)),))
    pieces = sentence_ranges(analysis)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(end == start for (_, end), (start, _) in zip(pieces, pieces[1:], strict=False))
    assert all(LONGEST - 15 < end - start <= LONGEST for start, end in pieces[:-1])
    assert all(text[end - 1] == " " for _, end in pieces[:-1])
    assert sentence_ranges(analysis, split=False) == [(0, len(text))]  # gold sentences whole


def test_a_long_text_read_in_parts_gets_the_same_entities(
        tiny_model: CrfModel, klue_examples, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of whole sentences keep memory bounded (2.3 GB for a megabyte held at
    once) and change no entity; only the confidences beside a part's edge move a
    little (a sentence's first characters see the previous one's last)."""
    analysis = get_analyzer().analyse(" ".join(ex.text for ex in klue_examples[:200]))
    monkeypatch.setattr("hanmark.nlp.crf.PART", 1_000_000)
    whole = tiny_model.predict(analysis)
    monkeypatch.setattr("hanmark.nlp.crf.PART", 2_000)
    parts = tiny_model.predict(analysis)
    assert len(analysis.text) > 4 * 2_000 and len(whole[0]) > 100
    assert [(c.start, c.end, c.label) for c in parts[0]] == [
        (c.start, c.end, c.label) for c in whole[0]]
    assert max(abs(a.confidence - b.confidence) for a, b in zip(parts[0], whole[0],
                                                                strict=True)) < 0.05
    assert abs(parts[1] - whole[1]) < 0.005
