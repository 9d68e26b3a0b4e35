"""Every suggestion layer's candidates for one text: what ``suggest`` writes
and what ``parallel``'s workers compute (both import it from here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .analyzer import Analysis
from .crf import CrfModel
from .gazetteer import Gazetteer
from .rules import Candidate, harmonise, rule_candidates, strip_glued

# With a CRF loaded, only confident rules add to it (the CRF is more precise).
RULES_WITH_CRF_MIN = 0.6


def layers_for(analysis: Analysis, gazetteer: Gazetteer, model: CrfModel | None,
               stop: Callable[[], bool] | None = None) -> tuple[
        dict[str, list[Candidate]], float | None]:
    """Each layer's candidates for one text, and the model's uncertainty (None without
    one); ``stop`` as for ``CrfModel.predict_many``."""
    return layers_for_many([analysis], gazetteer, model, stop)[0]


def layers_for_many(analyses: Sequence[Analysis], gazetteer: Gazetteer,
                    model: CrfModel | None, stop: Callable[[], bool] | None = None
                    ) -> list[tuple[dict[str, list[Candidate]], float | None]]:
    """``layers_for`` of each text; the model tags them together (its neural
    tagger runs on batches of sentences)."""
    predicted = model.predict_many(analyses, gazetteer, stop=stop) if model is not None else None
    out = []
    for k, analysis in enumerate(analyses):
        layers = {"gazetteer": gazetteer.find_in(analysis), "rules": rule_candidates(analysis)}
        uncertainty = None
        if predicted is not None:  # the rules vote on the label of each form the model found
            found, uncertainty = predicted[k]
            layers["crf"] = harmonise(strip_glued(found, analysis.text), analysis.text,
                                      total=True, voters=layers["rules"])
            layers["rules"] = [c for c in layers["rules"] if c.confidence >= RULES_WITH_CRF_MIN]
        out.append((layers, uncertainty))
    return out
