"""NER benchmark: a plain character n-gram CRF (the baseline) and hanmark's CRF,
trained and scored on the same KLUE-NER splits in the same run.

    python bench/ner.py                      # held-out slices 3,500-3,999 and 3,000-3,499
    python bench/ner.py --slices 7,6,2,0     # more slices (500 sentences each)
    python bench/ner.py --full-train-time    # also time training on all 4,000 sentences
    python bench/ner.py --curve              # also train on 3,000: the learning curve

Each slice is scored with both models trained on the other 3,500 sentences.
Prints entity micro/macro F1, per-label F1 and character F1 (as `hanmark
evaluate` computes them), training seconds, the mean F1 over the slices, and
end-to-end throughput: raw text to entities, Kiwi analysis (2 threads,
streamed) included for hanmark's model, in one process and in the two worker
processes `hanmark suggest` uses. The shipped default model is scored on the
sentences its file says it held out (the last 500, see README).
Figures are noisy on a shared machine: compare the rows of one run.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hanmark.nlp.analyzer import Analysis, get_analyzer  # noqa: E402
from hanmark.nlp.crf import DEFAULT_PATH, CrfModel, TrainingItem, train  # noqa: E402
from hanmark.nlp.evaluate import score  # noqa: E402
from hanmark.nlp.gold import LABELS, read_gold  # noqa: E402

SLICE = 500
KLUE = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "klue-ner" / (
    "klue-ner-v1.1_dev_first4000.tsv")


def throughput(model: CrfModel, texts: list[str], *, kiwi: bool, rounds: int = 2) -> float:
    """Sentences per second from raw text to entities, tagged in batches of 64
    (the neural tagger's batches) while Kiwi's threads analyse ahead."""
    analyzer = get_analyzer()
    started = time.perf_counter()
    for _ in range(rounds):
        if kiwi:
            stream = analyzer.analyse_many(texts)
        else:  # the baseline reads characters only: no analysis needed
            stream = (Analysis(t, (), ()) for t in texts)
        while batch := list(islice(stream, 64)):
            model.predict_many(batch, split=False)
    return rounds * len(texts) / (time.perf_counter() - started)


def parallel_throughput(model: CrfModel, texts: list[str], rounds: int = 4) -> float:
    """Sentences per second through `hanmark suggest`'s two worker processes
    (Kiwi, rules, gazetteer and CRF in each), measured once they are started."""
    from hanmark.nlp.gazetteer import Gazetteer
    from hanmark.nlp.parallel import Pool

    chunks = [[(t, None) for t in texts[i:i + 256]] for i in range(0, len(texts), 256)]
    with Pool(model, Gazetteer(), workers=2) as pool:
        list(pool.map(chunks[:2]))  # start-up: spawn, load Kiwi and the model
        started = time.perf_counter()
        for _ in range(rounds):
            list(pool.map(chunks))
        return rounds * len(texts) / (time.perf_counter() - started)


def tagger_cost(model: CrfModel, texts: list[str], rounds: int = 3) -> str:
    """Raw text to entities in one process, the model's CRF alone and combined
    with its neural tagger, alternately (the best of each)."""
    tagger = model.neural
    alone_speeds, combined = [], []
    for _ in range(rounds):
        model.neural = None
        alone_speeds.append(throughput(model, texts, kiwi=True))
        model.neural = tagger
        combined.append(throughput(model, texts, kiwi=True))
    return (f"one process: CRF alone {max(alone_speeds):,.0f} sentences/s, "
            f"with the neural tagger {max(combined):,.0f} "
            f"(ratio {max(combined) / max(alone_speeds):.2f})")


def latency(model: CrfModel) -> str:
    """What the reader waits for: suggestions on opening the seed article (its
    analysis cached) and the live gazetteer after one label."""
    import tempfile

    from hanmark.nlp.analyzer import analysis_for
    from hanmark.nlp.suggest import propagate_label, suggest_article
    from hanmark.store import Store

    seed = next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        uid, _ = store.articles.add(seed.read_text(encoding="utf-8").strip())
        for i in range(20):  # other articles that mention the labeled form
            store.articles.add(f"{i}번째 기사: 엔비디아와 삼성전자가 협력한다.")
        analysis_for(store, uid)  # cached, as when the reader opens it
        started = time.perf_counter()
        suggest_article(store, uid, model=model)
        opened = time.perf_counter() - started
        text = store.articles.get(uid).text
        start = text.index("엔비디아")
        span = store.spans.label_range(uid, start, start + 4, "OG", annotator="bench")
        started = time.perf_counter()
        changed = propagate_label(store, span, analysis=analysis_for(store, uid))
        labeled = time.perf_counter() - started
    return (f"seed article ({len(text):,} characters, analysis cached): suggestions in "
            f"{opened * 1000:.0f} ms; after a label, the gazetteer updated {len(changed)} "
            f"articles in {labeled * 1000:.0f} ms")


def alone(model: CrfModel) -> CrfModel:
    """The CRF without the shipped neural tagger (nlp/ensemble.py): the tagger
    learned from the base corpus, which holds these slices' sentences, so
    combined scores would flatter the recipe (bench/neural.py scores both)."""
    model.neural = None
    return model


def row(name: str, result: dict, train_s: float | None, speed: float) -> str:
    per = result["per_label"]
    labels = " ".join(f"{per.get(label, {}).get('f1', 0):.3f}" for label in LABELS)
    secs = f"{train_s:7.1f}" if train_s is not None else "      -"
    return (f"{name:<25} {result['entity']['f1']:.4f}  {result['entity_macro_f1']:.4f}  "
            f"{labels}  {result['char_f1']:.4f}  {secs}  {speed:8.0f}")


def training_items(examples: list, analyses: list, skip: set[int]) -> list[TrainingItem]:
    return [TrainingItem(a, ex.spans)
            for i, (a, ex) in enumerate(zip(analyses, examples, strict=True)) if i not in skip]


def held_out(examples: list, analyses: list, lo: int, hi: int
             ) -> tuple[list[str], list[float]]:
    """Train the baseline and hanmark's CRF on every sentence outside ``lo:hi``,
    score both on ``lo:hi``; rows with throughput on those held-out texts."""
    items = training_items(examples, analyses, set(range(lo, hi)))
    test = list(zip(examples[lo:hi], analyses[lo:hi], strict=True))
    texts = [ex.text for ex, _ in test]
    lines, f1 = [], []
    for name, feature_set, scheme in (("baseline", "chars-1", "iob2"),
                                      ("hanmark", "rich-3", "bioes")):
        started = time.perf_counter()
        model = alone(train(items, feature_set=feature_set, scheme=scheme))
        train_s = time.perf_counter() - started
        result = score((ex.text, ex.spans, model.tag_sentence(a)) for ex, a in test)
        speed = throughput(model, texts, kiwi=feature_set != "chars-1")
        lines.append(row(f"{name} {lo}-{hi - 1}", result, train_s, speed))
        f1.append(result["entity"]["f1"])
    return lines, f1


def smaller(examples: list, analyses: list, lo: int, hi: int) -> float:
    """hanmark's F1 on ``lo:hi`` when trained without the next 500 sentences too."""
    n = len(examples)
    skip = set(range(lo, hi)) | {(hi + i) % n for i in range(SLICE)}
    model = alone(train(training_items(examples, analyses, skip)))
    result = score((ex.text, ex.spans, model.tag_sentence(a))
                   for ex, a in zip(examples[lo:hi], analyses[lo:hi], strict=True))
    return result["entity"]["f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(KLUE), help="KLUE-NER TSV file")
    parser.add_argument("--slices", default="7,6", metavar="K,K",
                        help="held-out slices of 500 sentences (0 = the first 500); each "
                             "is scored with models trained on all the other sentences")
    parser.add_argument("--curve", action="store_true",
                        help="also train on 500 sentences fewer per slice: the gain "
                             "that 500 more sentences bring, carried on to all of them")
    parser.add_argument("--full-train-time", action="store_true",
                        help="also time training hanmark's CRF on every sentence")
    args = parser.parse_args()

    examples = list(read_gold(args.data, "klue"))
    analyzer = get_analyzer()
    analyzer.warm_up()
    started = time.perf_counter()
    analyses = list(analyzer.analyse_many([ex.text for ex in examples]))
    kiwi_rate = len(examples) / (time.perf_counter() - started)
    print(f"{len(examples)} sentences; Kiwi alone: {kiwi_rate:,.0f} sentences/s")

    lines, f1s, fewer = [], [], []
    for k in (int(k) for k in args.slices.split(",")):
        lo, hi = k * SLICE, min(len(examples), (k + 1) * SLICE)
        rows, f1 = held_out(examples, analyses, lo, hi)
        lines += rows
        f1s.append(f1)
        if args.curve:
            fewer.append(smaller(examples, analyses, lo, hi))
    shipped = CrfModel.load(DEFAULT_PATH) if DEFAULT_PATH.is_file() else None
    trained = shipped.meta.get("training", {}) if shipped else {}
    holdout = trained.get("holdout", 0) if Path(args.data).name in trained.get(
        "gold_files", ()) else 0
    if shipped and holdout:  # its held-out texts are the last ones of the file it was trained on
        test = list(zip(examples[-holdout:], analyses[-holdout:], strict=True))
        result = score((ex.text, ex.spans, shipped.tag_sentence(a)) for ex, a in test)
        speed = throughput(shipped, [ex.text for ex, _ in test], kiwi=True)
        lines.append(row(f"shipped {len(examples) - holdout}-{len(examples) - 1}", result,
                         None, speed))
    print(f"{'model, held-out sentences':<25} {'micro':<6}  {'macro':<6}  "
          + " ".join(f"{label:<5}" for label in LABELS)
          + f"  {'char':<6}  {'train s':>7}  {'sent/s':>8}")
    print("\n".join(lines))
    means = [sum(f[i] for f in f1s) / len(f1s) for i in range(2)]
    print(f"mean entity micro F1 over {len(f1s)} held-out slices: baseline {means[0]:.4f}, "
          f"hanmark {means[1]:.4f}")
    if fewer:
        n = len(examples)
        low, high = sum(fewer) / len(fewer), means[1]
        # log-linear in the number of training sentences, from the two points measured
        at_all = high + (high - low) * math.log(n / (n - SLICE)) / math.log(
            (n - SLICE) / (n - 2 * SLICE))
        print(f"learning curve, same slices: {n - 2 * SLICE} sentences {low:.4f}, "
              f"{n - SLICE} sentences {high:.4f}; log-linear estimate for a model trained "
              f"on all {n} (the shipped one): {at_all:.4f}")
    if shipped:
        texts = [ex.text for ex in examples[-SLICE:]]
        print("shipped model, " + tagger_cost(shipped, texts))
        print(f"shipped model, 2 worker processes (hanmark suggest): "
              f"{parallel_throughput(shipped, texts):,.0f} sentences/s")
        print(latency(shipped))
    if args.full_train_time:
        all_items = training_items(examples, analyses, set())
        started = time.perf_counter()
        train(all_items)
        print(f"training hanmark's CRF on all {len(all_items)} sentences: "
              f"{time.perf_counter() - started:.1f} s (Kiwi analysis not included)")


if __name__ == "__main__":
    main()
