"""Word clusters from Kiwi's embeddings: names of one kind share features."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from hanmark.nlp import clusters
from hanmark.nlp.analyzer import get_analyzer
from hanmark.nlp.crf import CrfModel
from hanmark.nlp.features import rich_features
from hanmark.store import HanmarkError

CITIES = ["부산/NNP", "대구/NNP", "광주/NNP", "인천/NNP"]
COMPANIES = ["롯데/NNP", "현대/NNP", "한화/NNP"]
PRESIDENTS = ["이명박/NNP", "노무현/NNP", "문재인/NNP", "김대중/NNP"]


def test_shipped_clusters_group_names_of_one_kind() -> None:
    table = clusters.load()
    finest = [{clusters.unpack(table[name])[2] for name in kind}
              for kind in (CITIES, COMPANIES, PRESIDENTS)]
    assert all(len(ids) == 1 for ids in finest)  # each kind in one cluster of 1,024
    assert len(set().union(*finest)) == 3  # and the three kinds apart


def test_a_name_and_the_word_before_it_give_cluster_features() -> None:
    analysis = get_analyzer().analyse("배우 김혜수가 왔다.")
    table = clusters.load()
    feats = rich_features(analysis, (), {}, table)[3]  # 김 of 김혜수
    actor, name = clusters.unpack(table["배우/NNG"]), clusters.unpack(table["김혜수/NNP"])
    assert f"k3={name[2]}" in feats
    assert f"pk2={actor[1]}" in feats
    assert not any(f.startswith("k1=") for f in rich_features(analysis)[3])  # rich-2: none


def test_ids_pack_into_one_int_and_back() -> None:
    for ids in ([0, 0, 0], [63, 255, 1023], [17, 84, 522]):
        assert clusters.unpack(clusters.pack(ids)) == ids


def test_kmeans_separates_two_groups() -> None:
    rng = np.random.default_rng(1)
    group = np.array([[1.0, 0.0], [0.0, 1.0]])
    vectors = np.repeat(group, 20, axis=0) + rng.normal(0, 0.05, (40, 2))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = clusters._kmeans(vectors.astype(np.float32), 2, rng)
    assert len(set(ids[:20])) == len(set(ids[20:])) == 1 and ids[0] != ids[20]


def test_tiny_model_records_the_clusters_it_was_trained_with(
        tiny_model: CrfModel, tmp_path: Path) -> None:
    assert tiny_model.meta["features"] == "rich-3"
    assert tiny_model.meta["clusters"] == clusters.checksum()
    path = tmp_path / "m.hmcrf"
    tiny_model.save(path)
    with zipfile.ZipFile(path) as zf:
        meta, data = json.loads(zf.read("meta.json")), zf.read("crf.model")
    meta["clusters"] = "0" * 16  # as if trained by a hanmark with other clusters
    other = tmp_path / "other.hmcrf"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("crf.model", data)
        zf.writestr("meta.json", json.dumps(meta))
    with pytest.raises(HanmarkError, match=r"other\.hmcrf: .*other word clusters.*retrain"):
        CrfModel.load(other)


@pytest.mark.parametrize(("content", "unreadable"), [
    (None, True), (b"not gzip", True), (gzip.compress(b'{"a/NNP": [1, 2]}')[:-8], True),
    (gzip.compress(b'{"a/NNP": [1, 2'), False)])  # readable, but not JSON
def test_a_missing_or_damaged_clusters_file_is_one_sentence(
        tmp_path: Path, content: bytes | None, unreadable: bool) -> None:
    path = tmp_path / "clusters.jsonl.gz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(HanmarkError, match="word clusters file .* reinstall hanmark"):
        clusters.load(path)
    if unreadable:
        with pytest.raises(HanmarkError, match="missing or damaged"):
            clusters.checksum(path)
