"""Self-training experiment: does adding unlabeled KLUE sentences tagged by the model help?

    python bench/selftrain.py                 # teacher on the 3,600 base sentences
    python bench/selftrain.py --hold-first    # teacher on base sentences 400-3,599

The teacher (hanmark's CRF on base sentences) tags the unlabeled sentences of
the KLUE-NER training split (../shared/data/klue-raw/, shuffled with a fixed
seed); the first ``--pseudo`` it tags with sentence probability at least
``--min-prob`` join the gold sentences, and a student is trained on both.
Both are scored on the held-out base slice (and, with ``--hold-first``, on the
first 400 base sentences, which the teacher then did not see): the baseline
is the teacher, measured in the same run. Not part of hanmark: figures for
the README ("Suggestions and models").
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hanmark.nlp import training  # noqa: E402
from hanmark.nlp.analyzer import get_analyzer  # noqa: E402
from hanmark.nlp.crf import TrainingItem, train  # noqa: E402
from hanmark.nlp.gold import read_gold  # noqa: E402

RAW = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "klue-raw" / (
    "klue-ner-train-raw-sentences.tsv")


def pseudo_labeled(teacher, n: int, min_prob: float) -> list[TrainingItem]:
    """The first ``n`` raw sentences the teacher tags with probability >= ``min_prob``."""
    lines = RAW.read_text(encoding="utf-8").splitlines()
    raw = [line.split("\t", 1)[1].strip() for line in lines if "\t" in line]
    random.Random(0).shuffle(raw)
    picked = []
    for analysis in get_analyzer().analyse_many(raw[:3 * n]):
        found, uncertainty = teacher.predict(analysis, split=False)
        if 1 - uncertainty >= min_prob:
            picked.append(TrainingItem(analysis, tuple((c.start, c.end, c.label)
                                                       for c in found)))
            if len(picked) == n:
                break
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pseudo", type=int, default=3000, help="tagged sentences to add")
    parser.add_argument("--min-prob", type=float, default=0.9,
                        help="least sentence probability of a tagged sentence")
    parser.add_argument("--hold-first", action="store_true",
                        help="keep the first 400 base sentences out of training, to score on")
    args = parser.parse_args()
    base = list(read_gold(training.BASE_FILE))
    held = list(read_gold(training.BASE_HELDOUT_FILE))
    analyses = training.analyse_examples(base + held)
    skip = 400 if args.hold_first else 0
    gold = [TrainingItem(a, ex.spans) for a, ex in zip(analyses[skip:len(base)], base[skip:],
                                                       strict=True)]
    tests = [("held-out base slice", held, analyses[len(base):])]
    if skip:
        tests.append(("first 400 base sentences", base[:skip], analyses[:skip]))
    began = time.perf_counter()
    teacher = train(gold)
    print(f"teacher: {len(gold)} gold sentences, {time.perf_counter() - began:.0f} s")
    extra = pseudo_labeled(teacher, args.pseudo, args.min_prob)
    began = time.perf_counter()
    student = train(gold + extra)
    print(f"student: + {len(extra)} tagged sentences, {time.perf_counter() - began:.0f} s")
    for name, examples, test_analyses in tests:
        for who, model in (("teacher", teacher), ("student", student)):
            result = training.evaluate(model, examples, test_analyses)
            labels = " ".join(f"{label} {row['f1']:.3f}"
                              for label, row in sorted(result["per_label"].items()))
            print(f"{name:<25} {who}: entity F1 {result['entity']['f1']:.4f}  {labels}")


if __name__ == "__main__":
    main()
