"""Kiwi's embeddings lend a training entity's label to morphemes never labeled."""

from __future__ import annotations

from hanmark.nlp.analyzer import get_analyzer
from hanmark.nlp.lexicon import expand, prototypes


def test_neighbours_of_labeled_morphemes_get_their_class() -> None:
    text = "경주와 삼성이 만났다."
    analysis = get_analyzer().analyse(text)
    protos = prototypes([(analysis, [(0, 2, "LC"), (4, 6, "OG")])])
    assert protos == {"경주/NNP": "LC", "삼성/NNP": "OG"}
    lexicon = expand(protos, get_analyzer().kiwi)
    assert lexicon["대구/NNP"].startswith("LC")  # another city, never labeled
    assert lexicon["롯데/NNP"].startswith("OG")  # another company
