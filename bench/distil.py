"""Issue 17: the tagger taught by the combination on unlabeled KLUE sentences.

    python bench/distil.py --slices 7 --pseudo 6000 --epochs 10          # hard targets
    python bench/distil.py --slices 7 --pseudo 6000 --epochs 10 --soft   # distributions

For each held-out slice, the teacher is the CRF and the tagger that
``python bench/neural.py`` trained on the other 3,500 sentences (read from
its cache), combined as suggestions combine them. It tags the first
``--pseudo`` sentences of klue-raw (a fixed shuffle); a new tagger (the
student) trains on the same 9/10 of the gold sentences plus those, with the
teacher's best path (or, ``--soft``, its averaged per-character
distributions) as targets, keeping the epoch of best F1 on the gold tenth.
Prints the teacher's and the student's entity micro F1, alone and combined
with the same CRF, on the slice, which neither saw. torch (CPU) is needed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from neural import crf_marginals, raw_texts, row, spans_of  # noqa: E402
from neural_train import CACHE, char_vectors, fit_and_dev, morpheme_vectors, train  # noqa: E402

from bench.ner import KLUE, SLICE, alone, training_items  # noqa: E402
from hanmark.nlp import ensemble  # noqa: E402
from hanmark.nlp.analyzer import get_analyzer  # noqa: E402
from hanmark.nlp.crf import CrfModel  # noqa: E402
from hanmark.nlp.evaluate import score  # noqa: E402
from hanmark.nlp.gold import read_gold  # noqa: E402
from hanmark.nlp.neural import TAGS, NeuralTagger, viterbi  # noqa: E402


def teacher_targets(crf: CrfModel, tagger: NeuralTagger, raw: list, soft: bool) -> list[np.ndarray]:
    """The combination's per-character targets on ``raw``: its distributions
    (every CRF marginal) or the one-hot of its best valid path."""
    nn = tagger.probabilities(raw, [crf.gazetteer_matches(a) for a in raw])
    mixed = [ensemble.mix(crf_marginals(crf, a), p) for a, p in zip(raw, nn, strict=True)]
    if soft:
        return mixed
    eye = np.eye(len(TAGS), dtype=np.float32)
    return [eye[[ensemble.TAG_INDEX[t] for t in path]] for path in viterbi(mixed)]


def combined_score(crf: CrfModel, tagger: NeuralTagger, test: list) -> dict:
    """Entity scores of ``crf`` and ``tagger`` combined as suggestions combine them."""
    analyses = [a for _, a in test]
    nn = tagger.probabilities(analyses, [crf.gazetteer_matches(a) for a in analyses])
    mixed = [ensemble.mix(crf_marginals(crf, a, p), p) for a, p in zip(analyses, nn, strict=True)]
    return score(
        (ex.text, ex.spans, spans_of(a.text, t))
        for (ex, a), t in zip(test, viterbi(mixed), strict=True)
    )


def run_slice(k: int, examples, analyses, raw, texts, keys, vectors, args) -> None:
    """Teacher and student on held-out slice ``k``."""
    lo, hi = k * SLICE, (k + 1) * SLICE
    items = training_items(examples, analyses, set(range(lo, hi)))
    crf = alone(CrfModel.load(CACHE / f"crf-{k}-{KLUE.stat().st_size}.hmcrf"))
    teacher = NeuralTagger.load(
        next(p for p in (CACHE / f"nn-{k}-20-64-111.npz", CACHE / f"nn-{k}.npz") if p.is_file())
    )
    started = time.perf_counter()
    targets = teacher_targets(crf, teacher, raw, args.soft)
    tagged_s = time.perf_counter() - started
    fit, dev = fit_and_dev(items)
    started = time.perf_counter()
    arrays = train(
        *fit,
        keys,
        vectors,
        dev=dev,
        chars_pretrained=char_vectors(texts + [it.analysis.text for it in items]),
        pseudo=(raw, targets, [crf.gazetteer_matches(a) for a in raw]),
        epochs=args.epochs,
        log=lambda line: print(f"  slice {k} {line}", flush=True),
    )
    trained_s = time.perf_counter() - started
    recipe = f"{args.pseudo}-{args.epochs}-{'soft' if args.soft else 'hard'}"
    np.savez_compressed(CACHE / f"distil-{k}-{recipe}.npz", **arrays)
    student = NeuralTagger(arrays)
    test = list(zip(examples[lo:hi], analyses[lo:hi], strict=True))
    for name, tagger in (("teacher", teacher), ("student", student)):
        alone_f1 = score(
            (ex.text, ex.spans, spans_of(a.text, t))
            for (ex, a), t in zip(
                test,
                tagger.tag([a for _, a in test], [crf.gazetteer_matches(a) for _, a in test]),
                strict=True,
            )
        )
        print(row(f"{name} NN {lo}-{hi - 1}", alone_f1))
        print(row(f"{name} combined {lo}-{hi - 1}", combined_score(crf, tagger, test)))
    print(
        f"  slice {k} {recipe}: teacher tagged {len(raw)} in {tagged_s:.0f} s, "
        f"student trained in {trained_s:.0f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", default="7", metavar="K,K")
    parser.add_argument("--pseudo", type=int, default=6000, help="unlabeled sentences tagged")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--soft", action="store_true", help="distributions, not paths")
    args = parser.parse_args()
    examples = list(read_gold(KLUE, "klue"))
    analyzer = get_analyzer()
    analyses = list(analyzer.analyse_many([ex.text for ex in examples]))
    texts = raw_texts()
    random.Random(0).shuffle(texts)
    raw = list(analyzer.analyse_many(texts[: args.pseudo]))
    keys, vectors = morpheme_vectors(analyzer.kiwi)
    for k in (int(k) for k in args.slices.split(",")):
        run_slice(k, examples, analyses, raw, texts, keys, vectors, args)


if __name__ == "__main__":
    main()
