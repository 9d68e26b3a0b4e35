"""Two more levers from the unlabeled KLUE sentences (issue 17), on held-out slices:

    python bench/unlabeled.py --lever stems --slices 7,6          # in-domain stem clusters
    python bench/unlabeled.py --lever stems --own-only            # ... without neighbours'
    python bench/unlabeled.py --lever selftrain --slices 7,6      # balanced self-training

``stems``: every eojeol stem seen twice or more in the 21,008 sentences of
../shared/data/klue-raw/ gets a vector from its contexts there (the stems
two words either side, its own particle or ending, the next word's), by
PPMI and a 100-dimension SVD, and three spherical k-means cluster ids (64,
256, 1,024, as Kiwi's clusters in nlp/clusters.py); the CRF gets the
clusters of each character's stem and, unless ``--own-only``, the middle
cluster of the stems before and after. Kiwi's clusters come from a large
general corpus; these from in-domain text (the KLUE training split itself).

``selftrain``: the current recipe (the teacher) tags the unlabeled
sentences; of those it tags with sentence probability at least 0.9 and one
entity or more, the 3,000 whose rarest label is rarest overall join the
3,500 gold sentences (so OG and LC, the weak labels, come first), and a
student is trained on both (bench/selftrain.py took the first 3,000 confident
sentences, entity or not).

The baseline, the current recipe, is trained and scored on the same slice
in the same run. Not part of hanmark: figures for the README ("Suggestions
and models"); ``stems`` needs scipy (for the sparse SVD).
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import hanmark.nlp.crf as crf  # noqa: E402
from bench.mined import raw_sentences  # noqa: E402
from bench.ner import KLUE, SLICE, alone, row, training_items  # noqa: E402
from hanmark.nlp.analyzer import get_analyzer  # noqa: E402
from hanmark.nlp.clusters import _kmeans  # noqa: E402
from hanmark.nlp.evaluate import score  # noqa: E402
from hanmark.nlp.features import _words, rich_features  # noqa: E402
from hanmark.nlp.gold import read_gold  # noqa: E402

SIZES = (64, 256, 1024)


def stems(analysis) -> list[tuple[str, str]]:
    """Each eojeol as (stem, the particle or ending after it)."""
    text = analysis.text
    return [(text[s:stem_end], text[stem_end:e]) for s, e, stem_end, _, _ in _words(analysis)]


def stem_clusters(raw: list, dim: int = 100, seed: int = 0) -> dict[str, list[int]]:
    """``stem -> [cluster id per size]`` from the stems' contexts in ``raw``."""
    import numpy as np
    from scipy import sparse
    from scipy.sparse.linalg import svds

    sentences = [stems(a) for a in raw]
    counts = collections.Counter(s for words in sentences for s, _ in words if s)
    vocab = {s: i for i, s in enumerate(s for s, n in counts.items() if n >= 2)}
    contexts: dict[str, int] = {}
    rows, cols = [], []
    for words in sentences:
        for w, (stem, tail) in enumerate(words):
            if stem not in vocab:
                continue
            seen = ["T:" + tail]
            for d in (1, 2):
                seen.append(f"L{d}:" + (words[w - d][0] if w >= d else "^"))
                seen.append(f"R{d}:" + (words[w + d][0] if w + d < len(words) else "$"))
            if w + 1 < len(words):
                seen.append("RT:" + words[w + 1][1])
            for context in seen:
                rows.append(vocab[stem])
                cols.append(contexts.setdefault(context, len(contexts)))
    counts_matrix = sparse.coo_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                      shape=(len(vocab), len(contexts))).tocsr().tocoo()
    total = counts_matrix.sum()
    p_stem = np.asarray(counts_matrix.sum(1)).ravel() / total
    p_context = np.asarray(counts_matrix.sum(0)).ravel() ** 0.75  # smoothed, as word2vec's
    p_context /= p_context.sum()
    pmi = np.log(counts_matrix.data / total / (p_stem[counts_matrix.row]
                                               * p_context[counts_matrix.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (counts_matrix.row[keep], counts_matrix.col[keep])),
                             shape=counts_matrix.shape)
    u, s, _ = svds(ppmi, k=dim, random_state=seed)
    vectors = (u * np.sqrt(s)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    rng = np.random.default_rng(seed)
    ids = [_kmeans(vectors, size, rng) for size in SIZES]
    return {stem: [int(column[r]) for column in ids] for r, stem in enumerate(vocab)}


def with_stem_clusters(table: dict[str, list[int]], own_only: bool):
    """``rich_features`` plus the stem-cluster features (for crf.rich_features)."""
    def features(analysis, *args, **kwargs):
        out = rich_features(analysis, *args, **kwargs)
        words = _words(analysis)
        ids = [table.get(stem) for stem, _ in stems(analysis)]
        for w, (s, e, *_) in enumerate(words):
            own = ids[w]
            extra = [f"sc{j}={i}" for j, i in enumerate(own)] if own else ["sc=-"]
            if not own_only:
                before = ids[w - 1] if w else None
                after = ids[w + 1] if w + 1 < len(words) else None
                extra += [f"psc={before[1]}" if before else "psc=-",
                          f"nsc={after[1]}" if after else "nsc=-"]
            for i in range(s, e):
                out[i] += extra
        return out
    return features


def balanced_pseudo(teacher, raw: list, n: int = 3000, min_prob: float = 0.9) -> list:
    """``n`` confident, entity-bearing tagged sentences, rarest labels first."""
    confident = []
    for analysis in raw:
        found, uncertainty = teacher.predict(analysis, split=False)
        if found and 1 - uncertainty >= min_prob:
            confident.append(crf.TrainingItem(
                analysis, tuple((c.start, c.end, c.label) for c in found)))
    frequency = collections.Counter(label for item in confident for *_, label in item.spans)
    confident.sort(key=lambda item: min(frequency[label] for *_, label in item.spans))
    return confident[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lever", choices=("stems", "selftrain"), required=True)
    parser.add_argument("--slices", default="7,6", metavar="K,K")
    parser.add_argument("--own-only", action="store_true",
                        help="stems: only each character's own stem's clusters")
    args = parser.parse_args()
    examples = list(read_gold(KLUE, "klue"))
    analyzer = get_analyzer()
    analyses = list(analyzer.analyse_many([ex.text for ex in examples]))
    raw = list(analyzer.analyse_many(raw_sentences()))
    random.Random(0).shuffle(raw)
    plain = crf.rich_features
    lever = with_stem_clusters(stem_clusters(raw), args.own_only) if args.lever == "stems" \
        else None
    f1s = collections.defaultdict(list)
    for k in (int(k) for k in args.slices.split(",")):
        lo, hi = k * SLICE, (k + 1) * SLICE
        items = training_items(examples, analyses, set(range(lo, hi)))
        test = list(zip(examples[lo:hi], analyses[lo:hi], strict=True))
        crf.rich_features = plain
        baseline = alone(crf.train(items))
        if lever:  # the CRF reads its features through this name, in training and tagging
            crf.rich_features = lever
            model = alone(crf.train(items))
        else:
            model = alone(crf.train(items + balanced_pseudo(baseline, raw)))
        for name, m in (("current recipe", baseline), (args.lever, model)):
            crf.rich_features = lever if m is model and lever else plain
            result = score((ex.text, ex.spans, m.tag_sentence(a)) for ex, a in test)
            print(row(f"{name} {lo}-{hi - 1}", result, None, 0), flush=True)
            f1s[name].append(result["entity"]["f1"])
    crf.rich_features = plain
    print("  ".join(f"mean {name} {sum(v) / len(v):.4f}" for name, v in f1s.items()))


if __name__ == "__main__":
    main()
