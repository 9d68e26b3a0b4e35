"""Train the shipped neural tagger on the base corpus (the 3,600 sentences the
shipped CRF learned from), as bench/neural.py trains it per slice:

    python bench/neural_ship.py --out nlp/models/neural.npz

Needs torch (CPU; `pip install torch==2.13.0`), as bench/neural_train.py does."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from neural import raw_texts  # noqa: E402
from neural_train import char_vectors, fit_and_dev, morpheme_vectors, train  # noqa: E402

from hanmark.nlp import training  # noqa: E402
from hanmark.nlp.analyzer import get_analyzer  # noqa: E402
from hanmark.nlp.crf import TrainingItem  # noqa: E402
from hanmark.nlp.gold import read_gold  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    base = list(read_gold(training.BASE_FILE))
    items = [TrainingItem(a, ex.spans)
             for a, ex in zip(training.analyse_examples(base), base, strict=True)]
    keys, vectors = morpheme_vectors(get_analyzer().kiwi)
    pretrained = char_vectors(raw_texts() + [it.analysis.text for it in items])
    fit, dev = fit_and_dev(items)
    arrays = train(*fit, keys, vectors, dev=dev,
                   chars_pretrained=pretrained, log=print)
    np.savez_compressed(args.out, **arrays)
    print(f"{args.out}: {args.out.stat().st_size / 1e6:.1f} MB, "
          f"{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
