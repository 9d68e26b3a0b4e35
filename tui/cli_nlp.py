"""``hanmark train``, ``suggest`` and ``evaluate``: the CRF suggester on the command line.

Loaded only when one of them runs (``LAZY_COMMANDS`` in ``tui/cli.py``).
"""

from __future__ import annotations

from pathlib import Path

import click

from hanmark.store import HanmarkError

from .cli_common import chosen_db, db_option, friendly, json_text, open_store, progress_bar, say
from .settings import resolve_db

GOLD_FORMAT = click.option("--format", "fmt", default="klue", show_default=True,
                           metavar="NAME", help="Format of the gold files (klue, conll, "
                                                "doccano, spacy, labelstudio, brat, hanmark).")


def _load(path: str | None, database: Path | None = None):
    from hanmark.nlp.crf import CrfModel, default_model, model_path

    if path:
        return CrfModel.load(path, database=database)
    model = default_model()
    if model is None:
        raise HanmarkError(f"No model found at {model_path()}; train one with `hanmark train`.")
    return model


@click.command("train")
@db_option
@click.option("--gold", "gold", multiple=True, metavar="FILE",
              help="Gold corpus to train on (repeatable). Without --gold, trains on the "
                   "database; with it, the database is used only when --db is given.")
@GOLD_FORMAT
@click.option("--base/--no-base", default=True, show_default=True,
              help="Also train on the base corpus the shipped model came from (3,600 "
                   "KLUE-NER sentences); --no-base learns from your labels alone.")
@click.option("--force", is_flag=True,
              help="Make the new model active even if it scores worse than the current one "
                   "(with --out: replace an existing PATH).")
@click.option("--holdout", default=0, show_default=True, metavar="N",
              help="Keep the last N gold texts out of training and store the model's "
                   "scores on them.")
@click.option("--out", metavar="PATH", help="Write the model to PATH only: it is not kept "
                                            "as a version and does not become active.")
@click.option("--c1", default=None, type=float, help="L1 regularisation (default 0.05).")
@click.option("--c2", default=None, type=float, help="L2 regularisation (default 0.1).")
@click.option("--iterations", default=None, type=int, help="L-BFGS iterations (default 100).")
@click.pass_context
@friendly
def train_command(ctx: click.Context, db: str | None, gold: tuple[str, ...], fmt: str,
                  base: bool, force: bool, holdout: int, out: str | None, c1: float | None,
                  c2: float | None, iterations: int | None) -> None:
    """Train the CRF suggester; it becomes active only if it scores no worse.

    The new model and the active one are scored on held-out data neither saw:
    a slice of the base corpus and, once you have done enough articles, one
    done article in five. `hanmark models` lists every version."""
    from hanmark.nlp import training

    examples = training.gold_examples(gold, fmt) if gold else []
    db_path = chosen_db(ctx, db)
    store = None
    if db_path or not gold:
        store = open_store(db_path)
        if not store.articles.labeled() and not gold:
            raise HanmarkError(f"{store.path} has no accepted labels to train on; label some "
                               "articles or pass --gold FILE.")
    params = {k: v for k, v in (("c1", c1), ("c2", c2), ("max_iterations", iterations))
              if v is not None}
    options = {"gold": examples, "holdout": holdout, "phase": progress_bar,
               "sources": {"gold_files": [Path(g).name for g in gold], "format": fmt,
                           "db": store.path.name if store else None},
               **({} if base else {"base": ()})}
    database = store.path if store is not None else resolve_db(None)[0]
    if out:
        _train_to_file(store, Path(out).expanduser(), database, params, options, force)
        return
    outcome = training.train_and_keep(store, db=database, force=force, params=params,
                                      **options)
    _report(outcome)


def _train_to_file(store, target: Path, database: Path, params: dict, options: dict,
                   force: bool) -> None:
    """``--out``: a model file for HANMARK_MODEL or shipping; no version, no switch.
    The path is checked before training, which a refusal must not cost."""
    from hanmark.nlp import training, versions
    from hanmark.store.formats.output import check_output

    check_output(target, force=force, database=database, what="model")
    plan = training.prepare(store, **options)
    model = training.fit(plan, params=params, phase=options["phase"])
    model.save(target, force=force, database=database)
    say(f"Trained on {versions.trained_on(model.meta['training'])} in "
        f"{model.meta['train_seconds']:.0f} s; wrote {target} (not made active).")
    scores = model.meta["scores"]
    _say_dropped(model.meta["training"])
    if "base" in scores:
        say(f"Entity F1 on the base slice ({scores['base']['texts']} sentences): "
            f"{scores['base']['f1']:.3f}")
    if "holdout" in scores:
        say(f"Held-out entity F1 on {scores['holdout']['sentences']} texts: "
            f"{scores['holdout']['entity']['f1']:.3f}")


def _say_dropped(training: dict) -> None:
    if training.get("gold_dropped"):
        say(f"Left out {training['gold_dropped']:,} gold texts that are in the "
            "held-out base slice (models are compared on it).")


def _report(outcome) -> None:
    """What was trained, both models' scores, and which one is active now and why."""
    import os

    from hanmark.nlp import training as training_rules
    from hanmark.nlp import versions

    new, old, ident = outcome.new, outcome.old, outcome.version.id
    training = outcome.version.info["training"]
    say(f"Trained model {ident} on {versions.trained_on(training)}.")
    _say_dropped(training)
    for key, what in (("base", "sentences of the base slice"),
                      ("own", "of your held-out done articles")):
        if key in new and key in old:
            say(f"Entity F1 on {new[key]['texts']} {what} ({new[key]['entities']} "
                f"entities): new {new[key]['f1']:.3f}, current "
                f"({outcome.old_id}) {old[key]['f1']:.3f}")
    if "own" not in new and training.get("db_articles"):
        say("Your data: too few held-out done articles to score on yet (one done "
            f"article in {training_rules.OWN_EVERY} is held out once you have "
            f"{training_rules.OWN_MIN_DONE} done); judged on the base slice.")
    if outcome.forced:
        say(f"Model {ident} is active (--force), although {outcome.reason}.")
    elif outcome.activated:
        say(f"Model {ident} is now active: {outcome.reason}.")
    else:
        say(f"Kept model {outcome.old_id} active: {outcome.reason}. "
            f"`hanmark models use {ident}` or `hanmark train --force` switches anyway.")
    if os.environ.get("HANMARK_MODEL"):
        say("$HANMARK_MODEL is set: suggestions use that file until you unset it.")


@click.command("suggest")
@db_option
@click.option("--collection", metavar="NAME", help="Only articles of this collection.")
@click.option("--model", "model_file", metavar="PATH",
              help="Model file (default: the trained or shipped model).")
@click.option("--workers", type=click.IntRange(1, 64), metavar="N",
              help="Processes to share the work (default: 2 for 2,000 articles or more).")
@click.option("--all", "everything", is_flag=True,
              help="Also articles marked done (skipped by default).")
@click.pass_context
@friendly
def suggest_command(ctx: click.Context, db: str | None, collection: str | None,
                    model_file: str | None, workers: int | None, everything: bool) -> None:
    """Pre-annotate articles with suggestions and rank them by model uncertainty.

    Articles marked done are skipped: you finished them. --all includes them."""
    from hanmark.nlp.suggest import DEFAULT, suggest_all

    store = open_store(chosen_db(ctx, db))
    model = _load(model_file, store.path) if model_file else DEFAULT
    total = store.articles.count(collection=collection)
    done = 0 if everything else store.articles.count(collection=collection, status="done")
    with progress_bar("Suggesting", total - done) as advance:
        articles, added = suggest_all(store, collection=collection, model=model,
                                      workers=workers, progress=advance, done=everything)
    say(f"{added} suggestion{'s' * (added != 1)} added in {articles} "
        f"article{'s' * (articles != 1)}.")
    skipped = total - articles if not everything else 0
    if skipped > 0:
        say(f"Skipped {skipped} article{'s' * (skipped != 1)} already done "
            "(--all includes them).")


@click.command("evaluate")
@click.argument("gold", metavar="GOLD")
@GOLD_FORMAT
@click.option("--model", "model_file", metavar="PATH",
              help="Model file (default: the trained or shipped model).")
@click.option("--skip", default=0, show_default=True, help="Skip the first N gold texts.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@friendly
def evaluate_command(gold: str, fmt: str, model_file: str | None, skip: int,
                     as_json: bool) -> None:
    """Entity-level precision, recall and F1 (as seqeval computes them) on a gold file."""
    from hanmark.nlp import training
    from hanmark.nlp.analyzer import get_analyzer

    model = _load(model_file)
    examples = training.gold_examples([gold], fmt)[skip:]
    get_analyzer()  # loaded before the bar starts, so its estimate is of the work alone
    with progress_bar("Evaluating", 2 * len(examples)) as advance:
        result = training.evaluate(model, examples, progress=advance, check_overlap=True)
    if as_json:
        click.echo(json_text(result))
        if result["overlap"].get("seen", 1):  # a warning on stderr; the JSON holds it all
            _say_overlap(result["overlap"], err=True)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .textcells import safe

    table = Table(title=f"{result['sentences']} texts: entity F1 {result['entity']['f1']:.3f}, "
                        f"macro F1 {result['entity_macro_f1']:.3f}, "
                        f"character F1 {result['char_f1']:.3f}")
    for column in ("label", "precision", "recall", "f1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    rows = [*result["per_label"].items(), ("micro", {**result["entity"], "support": ""})]
    for label, row in rows:
        table.add_row(Text(safe(label)),  # a gold file's label: data, not markup
                      *(f"{row[k]:.3f}" for k in ("precision", "recall", "f1")),
                      str(row["support"]))
    Console().print(table)
    _say_overlap(result["overlap"])


def _say_overlap(overlap: dict, *, err: bool = False) -> None:
    """Whether the gold texts were in the model's training data, and the score
    on the rest: evaluating a model on what it learned from flatters it."""
    if not overlap["checked"]:
        say("This model holds no fingerprint of its training texts (trained by an "
            "older hanmark): whether the gold file overlaps them cannot be checked.",
            err=err)
        return
    seen, unseen = overlap["seen"], overlap["unseen"]
    if not seen:
        say(f"None of the {unseen:,} gold texts was in this model's training data.",
            err=err)
        return
    say(f"Warning: {seen:,} of the {seen + unseen:,} gold texts were in this model's "
        "training data, so these scores flatter it.", err=err)
    if unseen:
        scores = overlap["unseen_scores"]
        say(f"On the {unseen:,} unseen texts: entity F1 {scores['entity']['f1']:.3f}, "
            f"macro F1 {scores['entity_macro_f1']:.3f}.", err=err)
    else:
        say("No gold text is unseen: there is no fair score to give.", err=err)
