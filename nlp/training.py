"""Training data from the database and from gold files, and scoring a model.

From the database, an article counts up to the sentence of its last
accepted label (or in full once it is marked done): text a person has not
read yet must not teach the model that it holds no entities.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from store import HanmarkError, Store

from .analyzer import analysis_for, get_analyzer
from .crf import CrfModel, TrainingItem, sentence_ranges
from .evaluate import score
from .gold import Example, flat, read_gold

Progress = Callable[[int], None] | None


def db_items(store: Store, progress: Progress = None) -> list[TrainingItem]:
    items = []
    for uid in store.labeled_articles():
        article = store.get_article(uid)
        spans = flat([(s.start, s.end, s.label)
                      for s in store.spans(uid, states=("accepted",))])
        analysis = analysis_for(store, uid)
        until = None
        if article.status != "done":
            last = max(e for _, e, _ in spans)
            until = next((e for _, e in sentence_ranges(analysis) if e >= last), None)
        items.append(TrainingItem(analysis, spans, split=True, until=until))
        if progress:
            progress(1)
    return items


def gold_examples(paths: Sequence[str], fmt: str) -> list[Example]:
    return [ex for path in paths for ex in read_gold(path, fmt)]


def analyse_examples(examples: Sequence[Example], progress: Progress = None) -> list:
    """Kiwi analyses of gold texts, in batches on Kiwi's threads."""
    analyzer = get_analyzer()
    out = []
    for i in range(0, len(examples), 256):
        chunk = examples[i:i + 256]
        out.extend(analyzer.analyse_many([ex.text for ex in chunk]))
        if progress:
            progress(len(chunk))
    return out


def summary(db: list[TrainingItem], gold: Sequence[Example], sources: dict[str, Any]) -> dict:
    labels: Counter = Counter()
    for item in db:
        labels.update(label for _, _, label in item.spans)
    for ex in gold:
        labels.update(label for _, _, label in ex.spans)
    return {**sources, "db_articles": len(db), "gold_texts": len(gold),
            "entities": sum(labels.values()), "by_label": dict(labels.most_common())}


def evaluate(model: CrfModel, examples: Sequence[Example], analyses: Sequence | None = None,
             progress: Progress = None) -> dict:
    """Score a model on gold texts (each tagged as one sequence)."""
    if not examples:
        raise HanmarkError("There are no gold texts to evaluate on.")
    analyses = analyses or analyse_examples(examples, progress)
    return score((ex.text, ex.spans, model.tag_sentence(a))
                 for ex, a in zip(examples, analyses, strict=True))
