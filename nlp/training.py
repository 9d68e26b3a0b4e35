"""Training data from the database, the base corpus and gold files; scoring a
model; and the rule that decides whether a new model replaces the active one.

From the database, an article counts up to the sentence of its last
accepted label (or in full once it is marked done): text a person has not
read yet must not teach the model that it holds no entities.

A new model becomes active only when it is not worse than the current one
on the person's held-out done articles and not more than ``BASE_MARGIN``
worse on a held-out slice of the base corpus (the KLUE-NER sentences the
shipped model came from; neither model trained on either). `hanmark train`
and ``bench/learning.py`` both go through ``train_and_keep``.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hanmark.store import HanmarkError, Store

from . import versions
from .analyzer import Analysis, analysis_for, get_analyzer
from .crf import CrfModel, TrainingItem, model_path, sentence_ranges, train
from .evaluate import overlap, score
from .gold import Example, flat, read_gold

Progress = Callable[..., None] | None
# A progress reporter for one phase: ``phase("Training", total)`` yields ``advance``.
Phase = Callable[[str, int | None], AbstractContextManager[Callable[..., None]]]

MODELS = Path(__file__).resolve().parent / "models"
BASE_FILE = MODELS / "klue-ner-base.tsv"  # the shipped model's training sentences
BASE_HELDOUT_FILE = MODELS / "klue-ner-base-heldout.tsv"  # seen by no model hanmark ships
OWN_EVERY = 5  # one done article in five (chosen by its id) is held out to score models
OWN_MIN_DONE = 5  # ... once there are this many done articles
OWN_MIN_ENTITIES = 20  # fewer held-out entities than this decide nothing
BASE_MARGIN = 0.01  # how much worse on the base slice a new model may be
EVALUATE_BATCH = 64  # gold texts tagged together (and a progress step)


@contextmanager
def quiet(_what: str, _total: int | None) -> Iterator[Callable[..., None]]:
    yield lambda *_args, **_kwargs: None


# -- training data ---------------------------------------------------------------


def db_items(store: Store, progress: Progress = None,
             uids: Sequence[str] | None = None) -> list[TrainingItem]:
    """Training items of the labeled articles (``uids``, default all of them)."""
    items = []
    for uid in store.articles.labeled() if uids is None else uids:
        article = store.articles.get(uid)
        spans = flat([(s.start, s.end, s.label)
                      for s in store.spans.of(uid, states=("accepted",))])
        analysis = analysis_for(store, uid)
        until = None
        if article.status != "done":
            last = max(e for _, e, _ in spans)
            until = next((e for _, e in sentence_ranges(analysis) if e >= last), None)
        items.append(TrainingItem(analysis, spans, split=True, until=until))
        if progress:
            progress(1)
    return items


def held_out(uid: str) -> bool:
    """Whether a done article is kept out of training to score models on: fixed by
    its id, so an article held out once is never trained on later."""
    return int(hashlib.sha1(uid.encode()).hexdigest()[:8], 16) % OWN_EVERY == 0


def own_split(store: Store) -> tuple[list[str], list[str]]:
    """Labeled articles to train on, and done articles held out (once there are enough)."""
    uids = store.articles.labeled()
    done = [uid for uid in uids if store.articles.get(uid).status == "done"]
    if len(done) < OWN_MIN_DONE:
        return uids, []
    test = [uid for uid in done if held_out(uid)]
    return [uid for uid in uids if uid not in set(test)], test


def gold_examples(paths: Sequence[str | Path], fmt: str) -> list[Example]:
    return [ex for path in paths for ex in read_gold(path, fmt)]


def analyse_examples(examples: Sequence[Example], progress: Progress = None) -> list:
    """Kiwi analyses of gold texts, in batches on Kiwi's threads (small enough
    that a progress bar moves, and its estimate settles, within seconds)."""
    analyzer = get_analyzer()
    out = []
    for i in range(0, len(examples), 64):
        chunk = examples[i:i + 64]
        out.extend(analyzer.analyse_many([ex.text for ex in chunk]))
        if progress:
            progress(len(chunk))
    return out


def summary(db: list[TrainingItem], gold: Sequence[Example], sources: dict[str, Any],
            base: Sequence[Example] = ()) -> dict:
    labels: Counter = Counter()
    for item in db:
        labels.update(label for _, _, label in item.spans)
    for ex in (*gold, *base):
        labels.update(label for _, _, label in ex.spans)
    return {**sources, "db_articles": len(db), "gold_texts": len(gold),
            "base_texts": len(base), "entities": sum(labels.values()),
            "by_label": dict(labels.most_common())}


# -- scoring -----------------------------------------------------------------------


def evaluate(model: CrfModel, examples: Sequence[Example], analyses: Sequence | None = None,
             progress: Progress = None, *, check_overlap: bool = False) -> dict:
    """Score a model on gold texts (each tagged as one sequence); ``check_overlap``
    adds ``overlap``: how many of them the model trained on, and the scores on
    the others (a model scored on its own training data flatters itself).
    ``progress`` advances once per text analysed and once per text tagged."""
    if not examples:
        raise HanmarkError("There are no gold texts to evaluate on.")
    analyses = analyses or analyse_examples(examples, progress)
    triples = []
    for i in range(0, len(examples), EVALUATE_BATCH):  # a batch through the neural tagger
        chunk = analyses[i:i + EVALUATE_BATCH]
        for ex, (found, _) in zip(examples[i:i + EVALUATE_BATCH],
                                  model.predict_many(chunk, split=False), strict=True):
            triples.append((ex.text, ex.spans, [(c.start, c.end, c.label) for c in found]))
        if progress:
            progress(len(chunk))
    result = score(triples)
    if check_overlap:
        result["overlap"] = overlap(model.meta.get("fingerprint"), triples)
    return result


@dataclass(frozen=True)
class OwnText:
    """A held-out done article: its analysis and the person's accepted labels."""

    uid: str
    analysis: Analysis
    spans: tuple[tuple[int, int, str], ...]


def _brief(result: dict, texts: int) -> dict:
    """The figures a version keeps: entity P/R/F1, how many texts and gold entities."""
    entities = sum(row["support"] for row in result["per_label"].values())
    return {**{k: round(v, 4) for k, v in result["entity"].items()},
            "texts": texts, "entities": entities}


def score_own(model: CrfModel, texts: Sequence[OwnText]) -> dict:
    """Entity scores on whole articles, split into Kiwi's sentences as suggestions are."""
    return _brief(score((t.analysis.text, t.spans,
                         [(c.start, c.end, c.label) for c in model.predict(t.analysis)[0]])
                        for t in texts), len(texts))


@dataclass
class Plan:
    """What one training run learns from, and what it is judged on."""

    items: list[TrainingItem]
    summary: dict
    articles: list[str] = field(default_factory=list)  # database articles trained on
    base_test: list[Example] = field(default_factory=list)
    base_analyses: list = field(default_factory=list)
    own_test: list[OwnText] = field(default_factory=list)
    gold_test: list[Example] = field(default_factory=list)
    gold_analyses: list = field(default_factory=list)


def prepare(store: Store | None, *, gold: Sequence[Example] = (), holdout: int = 0,
            base: Sequence[Example] | None = None, base_test: Sequence[Example] | None = None,
            sources: dict[str, Any] | None = None, phase: Phase = quiet) -> Plan:
    """Gather training items (the base corpus, gold texts, the database's labels
    minus its held-out done articles) and analyse the held-out texts.
    ``base`` None means the shipped base corpus; ``()`` none."""
    base = list(read_gold(BASE_FILE)) if base is None else list(base)
    base_test = list(read_gold(BASE_HELDOUT_FILE)) if base_test is None else list(base_test)
    gold = list(gold)
    if holdout and holdout >= len(gold):
        raise HanmarkError(f"--holdout {holdout} leaves no gold texts to train on.")
    gold_test = gold[len(gold) - holdout:] if holdout else []
    gold = gold[:len(gold) - holdout] if holdout else gold
    unseen = {ex.text for ex in base_test}  # held-out texts are never trained on
    kept = [ex for ex in gold if ex.text not in unseen]
    dropped, gold = len(gold) - len(kept), kept
    base = [ex for ex in base if ex.text not in unseen]
    trained: list[str] = []
    own_test: list[OwnText] = []
    db: list[TrainingItem] = []
    if store is not None:
        trained, test_uids = own_split(store)
        with phase("Reading labeled articles", len(trained) + len(test_uids)) as advance:
            db = db_items(store, advance, trained)
            own_test = [OwnText(uid, item.analysis, item.spans)
                        for uid, item in zip(test_uids, db_items(store, advance, test_uids),
                                             strict=True)]
    examples = [*base, *gold]
    with phase("Analysing texts", len(examples) + len(base_test) + len(gold_test)) as advance:
        analyses = analyse_examples([*examples, *base_test, *gold_test], advance)
    n, m = len(examples), len(examples) + len(base_test)
    items = db + [TrainingItem(a, ex.spans) for a, ex in zip(analyses[:n], examples,
                                                             strict=True)]
    if not items:
        raise HanmarkError("Nothing to train on: no labeled sentences were found.")
    sources = {**(sources or {}), "holdout": holdout, "own_held_out": len(own_test),
               "gold_dropped": dropped}
    return Plan(items, summary(db, gold, sources, base), trained, base_test,
                analyses[n:m], own_test, gold_test, analyses[m:])


def fit(plan: Plan, *, params: dict[str, Any] | None = None, phase: Phase = quiet) -> CrfModel:
    """Train on the plan's items; the model records what it saw and its scores."""
    from .crf import DEFAULT_PARAMS

    started = time.perf_counter()
    total = len(plan.items) + {**DEFAULT_PARAMS, **(params or {})}["max_iterations"]
    with phase("Training", total) as advance:
        model = train(plan.items, params=params, progress=advance, summary=plan.summary)
    model.meta["train_seconds"] = round(time.perf_counter() - started, 1)
    model.meta["created"] = datetime.now(UTC).isoformat(timespec="seconds")
    model.meta["articles"] = plan.articles
    scores = {}
    if plan.base_test:
        scores["base"] = _brief(evaluate(model, plan.base_test, plan.base_analyses),
                                len(plan.base_test))
    if plan.gold_test:
        scores["holdout"] = evaluate(model, plan.gold_test, plan.gold_analyses)
    model.meta["scores"] = scores
    return model


# -- the decision --------------------------------------------------------------------


@dataclass
class Outcome:
    """A trained version, whether it became active and why, with both models' scores."""

    version: versions.Version
    activated: bool
    forced: bool  # active only because of ``force``
    reason: str
    new: dict
    old: dict
    old_id: str


def compare(model: CrfModel, current: CrfModel, plan: Plan) -> tuple[dict, dict]:
    """Both models' scores on the same held-out data: the base slice, and the
    held-out articles the current model did not train on (when they hold enough
    entities to decide on)."""
    new = {"base": model.meta["scores"]["base"]}
    old = {"base": _brief(evaluate(current, plan.base_test, plan.base_analyses),
                          len(plan.base_test))}
    seen = set(current.meta.get("articles", ()))
    fair = [t for t in plan.own_test if t.uid not in seen]
    if sum(len(t.spans) for t in fair) >= OWN_MIN_ENTITIES:
        new["own"], old["own"] = score_own(model, fair), score_own(current, fair)
    return new, old


def judge(new: dict, old: dict, margin: float = BASE_MARGIN) -> tuple[bool, str]:
    """Whether the new model may replace the current one, and why (both scores)."""
    if "own" in new:
        n, o = new["own"]["f1"], old["own"]["f1"]
        if round(n, 4) < round(o, 4):
            return False, (f"it is worse on your {new['own']['texts']} held-out articles "
                           f"(entity F1 {n:.3f}, the current model {o:.3f})")
    n, o = new["base"]["f1"], old["base"]["f1"]
    if round(n, 4) < round(o - margin, 4):
        return False, (f"it is worse on the base slice by more than {margin:.2f} "
                       f"(entity F1 {n:.3f}, the current model {o:.3f})")
    own = (f"{new['own']['f1']:.3f} against {old['own']['f1']:.3f} on your held-out articles, "
           if "own" in new else "")
    return True, f"entity F1 {own}{n:.3f} against {o:.3f} on the base slice"


def train_and_keep(store: Store | None, *, db: str | Path | None = None, force: bool = False,
                   params: dict[str, Any] | None = None, phase: Phase = quiet,
                   **plan_options: Any) -> Outcome:
    """Train a model, keep it as a new version, and make it the active one if it
    is not worse than the current one (or ``force``)."""
    old_id = versions.active_id()
    try:
        path = model_path()
        if path is None:
            raise HanmarkError("there is none")
        current = CrfModel.load(path)
    except HanmarkError as exc:  # e.g. trained with other word clusters: nothing to compare
        current, broken = None, str(exc)
    plan = prepare(store, phase=phase, **plan_options)
    model = fit(plan, params=params, phase=phase)
    if current is None:
        new, old = {"base": model.meta["scores"]["base"]}, {}
        activated, reason = True, f"the current model cannot be used: {broken}"
    else:
        with phase("Scoring both models", None):
            new, old = compare(model, current, plan)
        activated, reason = judge(new, old)
    model.meta["scores"].update(new)
    decision = "activated" if activated else ("forced" if force else "not activated")
    version = versions.add(model, {"training": model.meta["training"], "scores": new,
                                   "compared_with": {"id": old_id, "scores": old},
                                   "decision": decision, "reason": reason}, db)
    if activated or force:
        versions.use(version.id, db)
    return Outcome(version, activated or force, force and not activated, reason, new, old,
                   old_id)
