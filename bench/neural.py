"""Issue 17 experiment: a small neural tagger (nlp/neural.py, a character BiGRU
over Kiwi morphemes and Kiwi's CoNg morpheme vectors) beside hanmark's CRF,
and the two combined: per-character BIOES probabilities averaged (the CRF's
marginals and the tagger's softmax), then the best valid BIOES sequence.

    python bench/neural.py                   # held-out slices 3,500-3,999 and 3,000-3,499
    python bench/neural.py --slices 7,6,2,0,4
    python bench/neural.py --cache --taggers 2    # variants of the tagger (README):
    python bench/neural.py --cache --lm 3000      # --hidden 96, --unknown 0.1, ...

For each slice the CRF and the tagger train on the other 3,500 sentences (the
tagger keeps the epoch of best entity F1 on every tenth of them, which it
does not train on; ``--no-dev``: all of them, last epoch); the held-out 500
are used for nothing but the scores. The combination weight (0.5) was fixed
before any slice was scored; ``--weights`` prints others beside it.
Variants (each cached under its own name, so ``--cache`` retrains only the
tagger that changed): ``--taggers N`` averages N taggers trained with seeds
0..N-1; ``--lm N`` also trains language-model heads (each direction predicts
the next character) on N klue-raw sentences; ``--unknown P`` hides a share
P of characters and their morphemes in training; ``--hidden`` the width.
Prints entity micro F1 and per-label F1 of the CRF, the tagger and the
combination, training times, and the throughput of Kiwi+CRF and of
Kiwi+CRF+tagger measured in the same run. torch (CPU) is needed to train.
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

from neural_train import CACHE, char_vectors, fit_and_dev, morpheme_vectors  # noqa: E402
from neural_train import train as train_neural  # noqa: E402

from bench.ner import KLUE, SLICE, alone, tagger_cost, training_items  # noqa: E402
from hanmark.nlp import ensemble  # noqa: E402
from hanmark.nlp.analyzer import get_analyzer  # noqa: E402
from hanmark.nlp.crf import CrfModel, trim_spans  # noqa: E402
from hanmark.nlp.crf import train as train_crf  # noqa: E402
from hanmark.nlp.evaluate import score  # noqa: E402
from hanmark.nlp.gold import LABELS, read_gold  # noqa: E402
from hanmark.nlp.neural import TAGS, NeuralTagger, viterbi  # noqa: E402
from hanmark.store.span_utils import tags_to_spans  # noqa: E402

RAW = KLUE.parent.parent / "klue-raw" / "klue-ner-train-raw-sentences.tsv"


def raw_texts() -> list[str]:
    """The 21,008 unlabeled KLUE-NER training sentences (for character vectors)."""
    lines = RAW.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1] for line in lines if "\t" in line]


def crf_marginals(model: CrfModel, analysis, nn: np.ndarray | None = None) -> np.ndarray:
    """The CRF's marginal probability of each tag at each character ``(n, tags)``;
    with the tagger's probabilities ``nn``, only where suggestions ask for them
    (``ensemble.crf_probabilities``)."""
    tagger = model._tagger
    n = len(analysis.text)
    if not n:
        return np.zeros((n, len(TAGS)))
    tagger.set(model.features(analysis))
    if nn is not None:
        return ensemble.crf_probabilities(tagger, tagger.tag(), nn)
    out = np.zeros((n, len(TAGS)))
    known = set(tagger.labels())
    for j, tag in enumerate(TAGS):
        if tag in known:
            out[:, j] = [tagger.marginal(tag, i) for i in range(n)]
    return out


def spans_of(text: str, tags: list[str]) -> list[tuple[int, int, str]]:
    return trim_spans(text, tags_to_spans(tags))


def combined(crf: list[np.ndarray], nn: list[np.ndarray], weight: float
             ) -> list[list[str]]:
    return viterbi([weight * c + (1 - weight) * p for c, p in zip(crf, nn, strict=True)])


class Averaged:
    """Taggers trained with different seeds, their probabilities averaged."""

    def __init__(self, taggers: list[NeuralTagger]):
        self.taggers = taggers

    def probabilities(self, analyses, matches=None) -> list[np.ndarray]:
        each = [t.probabilities(analyses, matches) for t in self.taggers]
        return [sum(ps) / len(ps) for ps in zip(*each, strict=True)]


def speeds(model: CrfModel, tagger: NeuralTagger, texts: list[str]) -> str:
    """The CRF alone and combined with ``tagger``, in one run (bench/ner.py)."""
    model.neural = tagger
    try:
        return "  " + tagger_cost(model, texts)
    finally:
        model.neural = None


def row(name: str, result: dict) -> str:
    per = result["per_label"]
    labels = " ".join(f"{per.get(label, {}).get('f1', 0):.3f}" for label in LABELS)
    return f"{name:<28} {result['entity']['f1']:.4f}  {labels}"


def run_slice(examples, analyses, keys, vectors, k: int, args) -> tuple[list[str], list]:
    lo, hi = k * SLICE, min(len(examples), (k + 1) * SLICE)
    items = training_items(examples, analyses, set(range(lo, hi)))
    cached = CACHE / f"crf-{k}-{Path(args.data).stat().st_size}.hmcrf"
    started = time.perf_counter()
    crf_reused = args.cache and cached.is_file()
    if crf_reused:  # the CRF trains the same every time
        crf = alone(CrfModel.load(cached))
    else:
        crf = alone(train_crf(items))
        crf.save(cached)
    crf_s = time.perf_counter() - started
    pretrained = char_vectors(raw_texts() + [it.analysis.text for it in items]) if (
        args.char_vectors) else None
    fit, dev = fit_and_dev(items, dev=args.dev, gazetteer=args.gazetteer)

    recipe = (f"{args.epochs}-{args.hidden}-{int(args.dev)}{int(args.gazetteer)}"
              f"{int(args.char_vectors)}{f'-lm{args.lm}-{args.lm_weight}' if args.lm else ''}"
              f"{f'-unk{args.unknown}' if args.unknown else ''}")
    unlabeled = None
    if args.lm:
        texts = raw_texts()
        random.Random(0).shuffle(texts)
        raw = list(get_analyzer().analyse_many(texts[:args.lm]))
        unlabeled = (raw, [crf.gazetteer_matches(a) for a in raw])
    started = time.perf_counter()
    taggers, reused = [], []
    for seed in range(args.taggers):
        cached = CACHE / f"nn-{k}-{recipe}{f'-s{seed}' if seed else ''}.npz"
        reused.append(args.cache and cached.is_file())
        if reused[-1]:
            taggers.append(NeuralTagger.load(cached))
            continue
        arrays = train_neural(*fit, keys, vectors, dev=dev,
                              chars_pretrained=pretrained, seed=seed,
                              unlabeled=unlabeled, lm_weight=args.lm_weight,
                              unknown=args.unknown,
                              epochs=args.epochs, hidden=args.hidden,
                              log=lambda line: print(f"  slice {k} {line}", flush=True))
        np.savez_compressed(cached, **arrays)
        taggers.append(NeuralTagger(arrays))
    tagger = taggers[0] if len(taggers) == 1 else Averaged(taggers)
    reused = all(reused)
    nn_s = time.perf_counter() - started
    test = list(zip(examples[lo:hi], analyses[lo:hi], strict=True))
    crf_probs = [crf_marginals(crf, a) for _, a in test]
    nn_probs = tagger.probabilities([a for _, a in test], [
        crf.gazetteer_matches(a) if args.gazetteer else [] for _, a in test])
    np.savez(CACHE / f"probs-{k}.npz", crf=np.concatenate(crf_probs),  # to look at later
             nn=np.concatenate(nn_probs))
    near = [crf_marginals(crf, a, p) for (_, a), p in zip(test, nn_probs, strict=True)]
    results = {
        "CRF": score((ex.text, ex.spans, crf.tag_sentence(a)) for ex, a in test),
        "NN": score((ex.text, ex.spans, spans_of(a.text, t))
                    for (ex, a), t in zip(test, viterbi(nn_probs), strict=True)),
    }
    for w in args.weights:
        results[f"combined w={w}"] = score(
            (ex.text, ex.spans, spans_of(a.text, t))
            for (ex, a), t in zip(test, combined(crf_probs, nn_probs, w), strict=True))
    results["combined 0.5, fast marginals"] = score(
        (ex.text, ex.spans, spans_of(a.text, t))
        for (ex, a), t in zip(test, combined(near, nn_probs, 0.5), strict=True))
    lines = [row(f"{name} {lo}-{hi - 1}", r) for name, r in results.items()]
    lines.append(f"  training: CRF {crf_s:.0f} s{' (cached)' if crf_reused else ''}, "
                 f"NN {nn_s:.0f} s{' (cached)' if reused else ''}")
    if args.speed:
        lines.append(speeds(crf, tagger, [ex.text for ex, _ in test]))
    return lines, [r["entity"]["f1"] for r in results.values()], list(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(KLUE), help="KLUE-NER TSV file")
    parser.add_argument("--slices", default="7,6", metavar="K,K")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--lm", type=int, default=0, metavar="N",
                        help="N unlabeled klue-raw sentences to train language-model heads "
                             "on, beside tagging")
    parser.add_argument("--lm-weight", type=float, default=0.1)
    parser.add_argument("--unknown", type=float, default=0.0,
                        help="share of characters hidden (unknown, no morpheme) in training")
    parser.add_argument("--taggers", type=int, default=1,
                        help="taggers trained with seeds 0, 1, ... and averaged")
    parser.add_argument("--weights", default="0.5", type=lambda s: [float(w) for w in
                                                                 s.split(",")],
                        help="CRF weights of the combination (one row each)")
    parser.add_argument("--no-speed", dest="speed", action="store_false")
    parser.add_argument("--cache", action="store_true",
                        help=f"reuse the CRFs and taggers an earlier run trained (in {CACHE})")
    parser.add_argument("--no-dev", dest="dev", action="store_false",
                        help="train the tagger on all 3,500 sentences for --epochs epochs "
                             "(no dev tenth to pick the best epoch on)")
    parser.add_argument("--no-gazetteer", dest="gazetteer", action="store_false",
                        help="the tagger without the CRF's gazetteer matches as input")
    parser.add_argument("--no-char-vectors", dest="char_vectors", action="store_false",
                        help="character embeddings start random, not from klue-raw")
    args = parser.parse_args()

    examples = list(read_gold(args.data, "klue"))
    analyzer = get_analyzer()
    analyzer.warm_up()
    analyses = list(analyzer.analyse_many([ex.text for ex in examples]))
    keys, vectors = morpheme_vectors(analyzer.kiwi)
    all_lines, f1s, names = [], [], []
    for k in (int(k) for k in args.slices.split(",")):
        lines, f1, names = run_slice(examples, analyses, keys, vectors, k, args)
        print("\n".join(lines), flush=True)
        all_lines += lines
        f1s.append(f1)
    print(f"{'model, held-out sentences':<28} {'micro':<6}  "
          + " ".join(f"{label:<5}" for label in LABELS))
    print("\n".join(all_lines))
    means = ", ".join(f"{name} {sum(f[i] for f in f1s) / len(f1s):.4f}"
                      for i, name in enumerate(names))
    print(f"mean entity micro F1 over {len(f1s)} held-out slices: {means}")


if __name__ == "__main__":
    main()
