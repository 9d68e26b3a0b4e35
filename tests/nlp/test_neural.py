"""The neural tagger's numpy inference: weights files load, taggings are valid
BIOES, the decoder finds the best valid tagging."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from hanmark.nlp import neural
from hanmark.nlp.analyzer import get_analyzer
from hanmark.nlp.gold import LABELS
from hanmark.nlp.neural import TAGS, NeuralTagger, viterbi
from hanmark.nlp.rules import Candidate
from hanmark.store import HanmarkError
from hanmark.store.span_utils import tags_to_spans

SENTENCES = ["배우 김혜수가 2019년 3월 부산에서 열린 영화제에 참석했다.",
             "삼성전자는 오후 3시 서울 본사에서 26만 장을 팔았다고 밝혔다.", "", "  "]


def random_weights(path: Path, hidden: int = 8, dims: int = 4, seed: int = 0) -> Path:
    """A weights file of the right shapes with random values (training needs torch)."""
    rng = np.random.default_rng(seed)
    chars, tags = list("배우김혜수가부산"), ["NNG", "NNP", "JKS"]
    morphemes = ["부산/NNP", "배우/NNG"]
    gates = 6 * hidden

    def table(rows: int) -> np.ndarray:
        return rng.normal(0, 1, (rows, gates)).astype(np.float32)

    meta = {"format": neural.FORMAT, "chars": chars, "tags": tags, "morphemes": morphemes}
    np.savez(path, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8),
             char_in=table(len(chars) + 2), type_in=table(len(neural.TYPES) + 1),
             tagpos_in=table(len(tags) * 4 + 5), word_in=table(neural.OUTSIDE_WORD + 1),
             gaz_in=table(neural.GAZETTEER), bias_in=table(1)[0],
             morph=rng.normal(0, 1, (len(morphemes) + 1, dims)).astype(np.float16),
             morph_in=rng.normal(0, 1, (dims, gates)).astype(np.float32),
             w_hh=rng.normal(0, 1, (2, hidden, 3 * hidden)).astype(np.float32),
             b_hh=rng.normal(0, 1, (2, 3 * hidden)).astype(np.float32),
             w_out=rng.normal(0, 3, (2 * hidden, len(TAGS))).astype(np.float32),
             b_out=rng.normal(0, 1, len(TAGS)).astype(np.float32))
    return path


def valid(tags: list[str]) -> bool:
    """Whether a tagging is well-formed BIOES: every entity opened is closed."""
    open_label = None
    for tag in tags:
        if tag[0] in "IE":
            if open_label != tag[2:]:
                return False
            open_label = None if tag[0] == "E" else open_label
        else:
            if open_label is not None:
                return False
            open_label = tag[2:] if tag[0] == "B" else None
    return open_label is None


def test_a_weights_file_loads_and_tags_sentences_with_valid_spans(tmp_path: Path) -> None:
    tagger = NeuralTagger.load(random_weights(tmp_path / "nn.npz"))
    analyses = list(get_analyzer().analyse_many(SENTENCES))
    matches = [[Candidate(3, 6, "PS", 1.0)], [], [], []]
    tagged = tagger.tag(analyses, matches)
    assert [len(t) for t in tagged] == [len(s) for s in SENTENCES]
    assert all(valid(t) for t in tagged)
    assert any(t != "O" for t in tagged[0] + tagged[1])  # random weights still find spans
    for text, tags in zip(SENTENCES, tagged, strict=True):
        for start, end, label in tags_to_spans(tags):
            assert 0 <= start < end <= len(text) and label in LABELS
    probs = tagger.probabilities(analyses[:2])
    assert all(np.allclose(p.sum(axis=1), 1.0, atol=1e-5) for p in probs)


def test_one_sentence_gets_the_same_probabilities_alone_and_in_a_batch(tmp_path: Path) -> None:
    tagger = NeuralTagger.load(random_weights(tmp_path / "nn.npz"))
    analyses = list(get_analyzer().analyse_many(SENTENCES[:2] * 3))
    together = tagger.probabilities(analyses)
    alone = tagger.probabilities(analyses[1:2])
    assert np.allclose(together[1], alone[0], atol=1e-5)
    assert np.allclose(together[1], together[3], atol=1e-5)


@pytest.mark.parametrize("content", [b"not a weights file", b""])
def test_a_damaged_weights_file_is_one_clear_sentence(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "nn.npz"
    path.write_bytes(content)
    with pytest.raises(HanmarkError, match="is not a hanmark neural tagger"):
        NeuralTagger.load(path)
    with pytest.raises(HanmarkError, match="No neural tagger"):
        NeuralTagger.load(tmp_path / "missing.npz")


def test_the_decoder_finds_the_best_valid_tagging() -> None:
    rng = np.random.default_rng(3)
    few = [TAGS.index(t) for t in ("O", "B-PS", "I-PS", "E-PS", "S-PS", "B-LC", "E-LC")]
    for n in (1, 2, 3):
        probs = np.full((n, len(TAGS)), 1e-9)
        probs[:, few] = rng.dirichlet(np.ones(len(few)), n)
        best = max((seq for seq in itertools.product([TAGS[j] for j in few], repeat=n)
                    if valid(list(seq))),
                   key=lambda seq: sum(np.log(probs[i, TAGS.index(t)])
                                       for i, t in enumerate(seq)))
        assert viterbi([probs])[0] == list(best)
