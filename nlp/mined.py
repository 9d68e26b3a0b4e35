"""A gazetteer mined from unlabeled in-domain text by a model's confident
predictions: a name the labeled data never showed but the model tagged
confidently elsewhere (often many times) becomes a CRF feature.

Training features are cross-fitted (``crf.train``): a training sentence does
not see mined forms that are gold entities of its own fold and of no other,
since the teacher could have learned those from it alone. Measured by
``bench/mined.py`` (README, "Suggestions and models"); not in the shipped
recipe.
"""

from __future__ import annotations

from collections.abc import Iterable

from .analyzer import Analysis
from .gazetteer import Gazetteer
from .rules import Candidate

MIN_CONFIDENCE = 0.8  # least mean marginal of a prediction that is mined
MIN_SHARE = 0.6


def mine(model, analyses: Iterable[Analysis],
         min_confidence: float = MIN_CONFIDENCE) -> Gazetteer:
    """Forms ``model`` tags with at least ``min_confidence``, with their labels."""
    gaz = Gazetteer(min_share=MIN_SHARE)
    for analysis in analyses:
        for cand in model.predict(analysis, split=False)[0]:
            if cand.confidence >= min_confidence:
                gaz.add(analysis.text[cand.start:cand.end], cand.label)
    return gaz


def matches(gaz: Gazetteer, analysis: Analysis,
            skip: frozenset[str] | set[str] = frozenset()) -> list[Candidate]:
    """Mined forms in the analysis (but not those in ``skip``), their label
    suffixed with how often they were mined: 1, 2-4 or 5 and more times."""
    out = []
    text = analysis.text
    for cand in gaz.find_in(analysis):
        form = text[cand.start:cand.end]
        if form in skip:
            continue
        n = sum(gaz.counts[form].values())
        out.append(Candidate(cand.start, cand.end,
                             cand.label + ("1" if n == 1 else "2" if n < 5 else "3"),
                             cand.confidence))
    return out

