"""Mined-gazetteer experiment: does a gazetteer mined from the unlabeled KLUE
sentences by the model's confident predictions help as a CRF feature?

    python bench/mined.py --slices 7,6,2,0,4       # five held-out slices of 500
    python bench/mined.py --slices 7 --min-conf 0.9

For each slice, hanmark's CRF (the teacher, the current recipe) is trained on
the other 3,500 KLUE-NER sentences and scored; it tags the 21,008 sentences
of ../shared/data/klue-raw/, the forms it tags with mean marginal at least
``--min-conf`` become the mined gazetteer (nlp/mined.py), and a student with
the mined-gazetteer feature is trained on the same 3,500 and scored on the
same slice. Not part of hanmark: figures for the README ("Suggestions and
models").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ner import KLUE, SLICE, alone, row, throughput, training_items  # noqa: E402
from bench.selftrain import RAW  # noqa: E402
from hanmark.nlp.analyzer import get_analyzer  # noqa: E402
from hanmark.nlp.crf import train  # noqa: E402
from hanmark.nlp.evaluate import score  # noqa: E402
from hanmark.nlp.gazetteer import Gazetteer  # noqa: E402
from hanmark.nlp.gold import LABELS, read_gold  # noqa: E402
from hanmark.nlp.mined import mine  # noqa: E402

NAMES = ("PS", "LC", "OG")  # the "mined names" student: names only, no dates or numbers


def raw_sentences() -> list[str]:
    lines = RAW.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1].strip() for line in lines if "\t" in line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", default="7,6,2,0,4", metavar="K,K")
    parser.add_argument("--min-conf", type=float, default=0.8,
                        help="least mean marginal of a mined prediction")
    parser.add_argument("--speed", action="store_true", help="also measure sentences/s")
    args = parser.parse_args()
    examples = list(read_gold(KLUE, "klue"))
    analyzer = get_analyzer()
    analyses = list(analyzer.analyse_many([ex.text for ex in examples]))
    raw = list(analyzer.analyse_many(raw_sentences()))
    print(f"{len(examples)} gold sentences, {len(raw)} unlabeled")
    print(f"{'model, held-out sentences':<25} {'micro':<6}  {'macro':<6}  "
          + " ".join(f"{label:<5}" for label in LABELS)
          + f"  {'char':<6}  {'train s':>7}  {'sent/s':>8}", flush=True)
    f1s: dict[str, list[float]] = {"teacher": [], "mined": [], "mined names": []}
    for k in (int(k) for k in args.slices.split(",")):
        lo, hi = k * SLICE, min(len(examples), (k + 1) * SLICE)
        items = training_items(examples, analyses, set(range(lo, hi)))
        test = list(zip(examples[lo:hi], analyses[lo:hi], strict=True))
        texts = [ex.text for ex, _ in test]
        began = time.perf_counter()
        teacher = alone(train(items))
        models = [("teacher", teacher, time.perf_counter() - began)]
        began = time.perf_counter()
        gaz = mine(teacher, raw, args.min_conf)
        mining = time.perf_counter() - began
        began = time.perf_counter()
        models.append(("mined", alone(train(items, mined=gaz)), time.perf_counter() - began))
        names = Gazetteer.from_pairs(((form, label, n) for form, counts in gaz.counts.items()
                                      for label, n in counts.items() if label in NAMES),
                                     min_share=gaz.min_share)
        began = time.perf_counter()
        models.append(("mined names", alone(train(items, mined=names)),
                       time.perf_counter() - began))
        print(f"slice {lo}-{hi - 1}: mined {len(gaz)} forms in {mining:.0f} s", flush=True)
        for name, model, secs in models:
            result = score((ex.text, ex.spans, model.tag_sentence(a)) for ex, a in test)
            speed = throughput(model, texts, kiwi=True, rounds=1) if args.speed else 0
            print(row(f"{name} {lo}-{hi - 1}", result, secs, speed), flush=True)
            f1s[name].append(result["entity"]["f1"])
    means = ", ".join(f"{name} {sum(v) / len(v):.4f}" for name, v in f1s.items())
    print(f"mean entity micro F1 over {len(f1s['teacher'])} slices: {means}")


if __name__ == "__main__":
    main()
