"""Learning benchmark: an annotator labels KLUE-NER sentences and trains after each step.

    python bench/learning.py                 # start from 1,000 sentences, then 50/100/200/400
    python bench/learning.py --start 500 --steps 50,100,200,400

A starting model is trained on the first ``--start`` sentences of the base
corpus (nlp/models/klue-ner-base.tsv) and made active. Then a simulated
annotator "labels" further base sentences: each becomes a done article with
its gold entities as accepted labels in a fresh database, and after each step
the model is trained through ``nlp.training.train_and_keep``, the code path
of `hanmark train`: base part plus the person's labels, one done article in
five held out, and the new model made active only if it is not worse than
the current one on those articles and on a held-out slice of the base
(sentences 3,200-3,599 of the base file, never trained on here).

Every step prints the entity F1 of the active model on a fixed unseen slice
(nlp/models/klue-ner-base-heldout.tsv, 400 sentences no decision looks at),
its ratio to the starting model's, and the candidate's F1 whether or not it
was activated. The baseline, measured in the same run, is a model trained
on the person's labels alone (`hanmark train --no-base`) at the last step:
what replacing the model without a check had given.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hanmark.nlp import training, versions  # noqa: E402
from hanmark.nlp.crf import CrfModel  # noqa: E402
from hanmark.nlp.gold import read_gold  # noqa: E402
from hanmark.store import NewSpan, Store  # noqa: E402

GATE = slice(3200, 3600)  # the base slice decisions are made on


def label(store: Store, examples: list) -> None:
    """Add each sentence as a done article with its gold entities accepted."""
    for ex in examples:
        uid, created = store.articles.add(ex.text, status="done")
        if created and ex.spans:
            store.spans.add(uid, [NewSpan(s, e, lab, "annotator") for s, e, lab in ex.spans],
                            actor="annotator", log=False)


def unseen_f1(model: CrfModel, unseen: list, analyses: list) -> float:
    return training.evaluate(model, unseen, analyses)["entity"]["f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=1000,
                        help="base sentences the starting model is trained on")
    parser.add_argument("--steps", default="50,100,200,400",
                        help="labeled sentences in all after each step")
    args = parser.parse_args()
    steps = [int(n) for n in args.steps.split(",")]
    base = list(read_gold(training.BASE_FILE))
    start, gate = base[:args.start], base[GATE]
    pool = base[args.start:args.start + steps[-1]]
    if args.start + steps[-1] > GATE.start:
        parser.error(f"--start plus the last step must stay below {GATE.start}")
    unseen = list(read_gold(training.BASE_HELDOUT_FILE))
    unseen_analyses = training.analyse_examples(unseen)

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HANMARK_MODELS"] = str(Path(tmp) / "models")
        os.environ.pop("HANMARK_MODEL", None)
        options = {"base": start, "base_test": gate}
        began = time.perf_counter()
        first = training.train_and_keep(None, force=True, **options)
        f1_start = unseen_f1(CrfModel.load(first.version.path), unseen, unseen_analyses)
        print(f"start: {len(start)} base sentences, {time.perf_counter() - began:.0f} s; "
              f"unseen F1 {f1_start:.4f} ({len(unseen)} sentences, never trained on or "
              "decided on)")
        print(f"{'labeled':>7}  {'decision':<13} {'gate base new/cur':>17}  "
              f"{'gate yours new/cur (n)':>22}  {'candidate':>9}  {'active':>6}  {'ratio':>6}  "
              f"{'train s':>7}")
        db = Path(tmp) / "annotator.db"
        curve = [f1_start]
        with Store(db) as store:
            done = 0
            for n in steps:
                label(store, pool[done:n])
                done = n
                began = time.perf_counter()
                out = training.train_and_keep(store, db=db, **options)
                seconds = time.perf_counter() - began
                candidate = unseen_f1(CrfModel.load(out.version.path), unseen,
                                      unseen_analyses)
                active = unseen_f1(CrfModel.load(versions.active().path), unseen,
                                   unseen_analyses)
                curve.append(active)
                own = (f"{out.new['own']['f1']:.3f}/{out.old['own']['f1']:.3f} "
                       f"({out.new['own']['texts']})" if "own" in out.new else "too few")
                print(f"{n:>7}  {'activated' if out.activated else 'kept current':<13} "
                      f"{out.new['base']['f1']:>8.3f}/{out.old['base']['f1']:.3f}  "
                      f"{own:>22}  {candidate:>9.4f}  {active:>6.4f}  "
                      f"{active / f1_start:>6.3f}  {seconds:>7.0f}")
            alone = training.fit(training.prepare(store, base=(), base_test=gate))
            f1_alone = unseen_f1(alone, unseen, unseen_analyses)
    rises = all(b >= a for a, b in zip(curve, curve[1:], strict=False))
    print(f"baseline, the person's {steps[-1]} labels alone (--no-base, no check): unseen F1 "
          f"{f1_alone:.4f} (ratio {f1_alone / f1_start:.3f} to the starting model)")
    print(f"curve of the active model: {' -> '.join(f'{f:.4f}' for f in curve)}; "
          f"never below the start: {min(curve) >= f1_start}; non-decreasing: {rises}; "
          f"rose: {curve[-1] > f1_start} ({curve[-1] - f1_start:+.4f})")


if __name__ == "__main__":
    main()
