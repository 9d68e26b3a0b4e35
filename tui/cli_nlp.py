"""``hanmark train``, ``suggest`` and ``evaluate``: the CRF suggester on the command line.

Registered on the ``main`` group at the bottom of ``tui/cli.py``; import the
commands through ``tui.cli``.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from store import HanmarkError

from .cli import _db, _progress, db_option, friendly, json_text, open_store

GOLD_FORMAT = click.option("--format", "fmt", default="klue", show_default=True,
                           metavar="NAME", help="Format of the gold files (klue, conll, "
                                                "doccano, spacy, labelstudio, brat, hanmark).")


def _load(path: str | None):
    from nlp.crf import CrfModel, default_model, model_path

    if path:
        return CrfModel.load(path)
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
@click.option("--holdout", default=0, show_default=True, metavar="N",
              help="Keep the last N gold texts out of training and store the model's "
                   "scores on them.")
@click.option("--out", metavar="PATH", help="Model file to write (default: model.hmcrf in "
                                            "the user data folder, which suggestions then use).")
@click.option("--c1", default=None, type=float, help="L1 regularisation (default 0.05).")
@click.option("--c2", default=None, type=float, help="L2 regularisation (default 0.1).")
@click.option("--iterations", default=None, type=int, help="L-BFGS iterations (default 100).")
@click.pass_context
@friendly
def train_command(ctx: click.Context, db: str | None, gold: tuple[str, ...], fmt: str,
                  holdout: int, out: str | None, c1: float | None, c2: float | None,
                  iterations: int | None) -> None:
    """Train the CRF suggester on accepted labels and/or gold corpora."""
    from nlp import crf, training

    started = time.perf_counter()
    examples = training.gold_examples(gold, fmt) if gold else []
    if holdout and holdout >= len(examples):
        raise HanmarkError(f"--holdout {holdout} leaves no gold texts to train on.")
    test = examples[len(examples) - holdout:] if holdout else []
    examples = examples[:len(examples) - holdout] if holdout else examples
    db_path = _db(ctx, db)
    db_items = []
    if db_path or not gold:
        store = open_store(db_path)
        uids = store.labeled_articles()
        if not uids and not gold:
            raise HanmarkError(f"{store.path} has no accepted labels to train on; label some "
                               "articles or pass --gold FILE.")
        with _progress("Reading labeled articles", len(uids)) as advance:
            db_items = training.db_items(store, advance)
    with _progress("Analysing gold texts", len(examples) + len(test)) as advance:
        analyses = training.analyse_examples(examples + test, advance)
    items = db_items + [crf.TrainingItem(a, ex.spans)
                        for a, ex in zip(analyses[:len(examples)], examples, strict=True)]
    params = {k: v for k, v in (("c1", c1), ("c2", c2), ("max_iterations", iterations))
              if v is not None}
    iterations_total = params.get("max_iterations", crf.DEFAULT_PARAMS["max_iterations"])
    sources = {"gold_files": [Path(g).name for g in gold], "format": fmt, "holdout": holdout}
    with _progress("Training", len(items) + iterations_total) as advance:
        model = crf.train(items, params=params, progress=advance,
                          summary=training.summary(db_items, examples, sources))
    model.meta["train_seconds"] = round(time.perf_counter() - started, 1)
    if test:
        scores = training.evaluate(model, test, analyses[len(examples):])
        model.meta["scores"] = {"holdout": scores}
    target = Path(out).expanduser() if out else crf.USER_PATH
    model.save(target)
    click.echo(f"Trained on {len(items)} texts ({model.meta['training']['entities']} entities) "
               f"in {model.meta['train_seconds']:.0f} s; wrote {target}.")
    if test:
        click.echo(f"Held-out entity F1 on {len(test)} texts: "
                   f"{model.meta['scores']['holdout']['entity']['f1']:.3f}")


@click.command("suggest")
@db_option
@click.option("--collection", metavar="NAME", help="Only articles of this collection.")
@click.option("--model", "model_file", metavar="PATH",
              help="Model file (default: the trained or shipped model).")
@click.option("--workers", type=click.IntRange(1, 64), metavar="N",
              help="Processes to share the work (default: 2 for 2,000 articles or more).")
@click.pass_context
@friendly
def suggest_command(ctx: click.Context, db: str | None, collection: str | None,
                    model_file: str | None, workers: int | None) -> None:
    """Pre-annotate articles with suggestions and rank them by model uncertainty."""
    from nlp.suggest import DEFAULT, suggest_all

    store = open_store(_db(ctx, db))
    model = _load(model_file) if model_file else DEFAULT
    total = store.count_articles(collection=collection)
    with _progress("Suggesting", total) as advance:
        articles, added = suggest_all(store, collection=collection, model=model,
                                      workers=workers, progress=advance)
    click.echo(f"{added} suggestion{'s' * (added != 1)} added in {articles} "
               f"article{'s' * (articles != 1)}.")


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
    from nlp import training

    model = _load(model_file)
    examples = training.gold_examples([gold], fmt)[skip:]
    with _progress("Evaluating", len(examples)) as advance:
        result = training.evaluate(model, examples, progress=advance)
    if as_json:
        click.echo(json_text(result))
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
