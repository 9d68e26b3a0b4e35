"""The CRF and the neural tagger combined (issue 17): each character's BIOES
probabilities from both, averaged, then the best valid BIOES path.

The two read a sentence differently (the CRF sparse local features, the
tagger Kiwi's dense morpheme vectors and the whole sentence), so where one
is unsure the other often knows: on held-out KLUE-NER slices the average
scores above either alone (README, "Suggestions and models").

The shipped tagger (``models/neural.npz``, trained on the base corpus) is
combined with any BIOES model whose labels are KLUE's six: `hanmark train`
retrains the CRF, and the tagger keeps what it learned from the base corpus.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from .analyzer import Analysis, Token
from .neural import TAGS, NeuralTagger

PATH = Path(__file__).resolve().parent / "models" / "neural.npz"
WEIGHT = 0.5  # of the CRF; 0.3 and 0.7 scored lower on both slices tried
SURE = 0.9  # where the tagger is this sure and agrees with the CRF's path
TAG_INDEX = {tag: j for j, tag in enumerate(TAGS)}


@cache
def shipped_tagger() -> NeuralTagger | None:
    """The tagger shipped beside the CRF, loaded once per process.

    Its matrices are small: with more than one BLAS thread they only contend
    with Kiwi's threads (on 2 busy cores the tagger ran 60 times slower), so
    BLAS gets one thread in the processes that load it."""
    if not PATH.is_file():
        return None
    threadpool_limits(1, user_api="blas")
    return NeuralTagger.load(PATH)


def tagger_for(meta: dict, labels: list[str]) -> NeuralTagger | None:
    """The tagger to combine with a CRF: only one tagging BIOES with KLUE's
    labels, as the tagger does (a model trained on other labels, or on some of
    them only, with `--no-base`, is used alone)."""
    if meta.get("scheme") != "bioes" or set(labels) != set(TAGS):
        return None
    return shipped_tagger()


def sentences(analysis: Analysis, ranges: list[tuple[int, int]]) -> list[Analysis]:
    """The parts ``start:end`` of an analysed text (in order) as analyses of
    their own, in one pass over its tokens."""
    if ranges == [(0, len(analysis.text))]:
        return [analysis]
    tokens, first, out = analysis.tokens, 0, []
    for start, end in ranges:
        while first < len(tokens) and tokens[first].end <= start:
            first += 1
        inside = []
        for tok in tokens[first:]:
            if tok.start >= end:
                break
            inside.append(Token(max(tok.start, start) - start, min(tok.end, end) - start,
                                tok.tag, tok.form))
        out.append(Analysis(analysis.text[start:end], tuple(inside), ((0, end - start),)))
    return out


def crf_probabilities(tagger, path: list[str], nn: np.ndarray) -> np.ndarray:
    """The CRF's probability of each tag at each character of the sentence set
    in crfsuite's ``tagger``, ``(n, len(TAGS))``.

    Each marginal is a call into crfsuite (25 a character cost more than
    tagging), so only characters where the tagger is unsure or disagrees with
    the CRF's best ``path`` get marginals (of the tags the tagger gives over
    0.01, and the path's); elsewhere the CRF's distribution is its path's tag.
    On held-out slices this decodes the same as all marginals, to 0.0004 F1."""
    n = len(path)
    index = [TAG_INDEX[tag] for tag in path]
    out = np.zeros((n, len(TAGS)), np.float32)
    out[np.arange(n), index] = 1.0
    unsure = np.flatnonzero((nn.argmax(axis=1) != index) | (nn.max(axis=1) < SURE))
    for i in unsure.tolist():
        out[i, index[i]] = 0.0
        for j in set(np.flatnonzero(nn[i] > 0.01).tolist()) | {index[i]}:
            out[i, j] = tagger.marginal(TAGS[j], i)
    return out


def mix(crf: np.ndarray, nn: np.ndarray) -> np.ndarray:
    return WEIGHT * crf + (1 - WEIGHT) * nn
