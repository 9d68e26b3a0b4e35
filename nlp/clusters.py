"""Word clusters of Kiwi's morphemes, from the embeddings of its CoNg language
model: unlabeled-text knowledge for the CRF (issue 4).

Each of the 70,000 morphemes Kiwi embeds gets three k-means cluster ids (64,
256 and 1,024 clusters), so a name the training data never showed still
shares a feature with the names it resembles (광저우 with 톈진, 삼성 with
롯데), and so do the words around it (감독, 배우, 선수). Cluster features
added +0.003 to +0.007 entity F1 on each of five held-out KLUE-NER slices.

kiwipiepy exposes similarities, not vectors, so each morpheme is represented
by its cosine similarity to 512 anchor morphemes, which keeps neighbourhoods
(nearest of 광저우: 시안, 난징, 톈진). The table is built once and shipped
(``python -m hanmark.nlp.clusters`` rebuilds it); models record its checksum.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import zlib
from functools import cache
from pathlib import Path

from hanmark.store import HanmarkError

PATH = Path(__file__).resolve().parent / "models" / "clusters.jsonl.gz"
CHUNK = 2000  # morphemes per line of the file
SIZES = (64, 256, 1024)
ANCHORS = 512
# Anchors come from frequent content morphemes (Kiwi numbers morphemes by frequency).
ANCHOR_TAGS = ("NNP", "NNG", "VV", "VA", "MAG", "NNB", "SL")
SKIP_TAGS = ("Z_", "W_", "USER")

# form/tag -> its cluster ids packed in one int: a dict of strings and ints is
# not tracked by the garbage collector, so its full passes have 70,000 lists
# fewer to walk (and the table takes 11 MB, not 16).
Clusters = dict[str, int]
BITS = tuple(size.bit_length() - 1 for size in SIZES)  # 6, 8, 10
# Feature names by size and id ("k2=75"), made once rather than per character.
NAMES = tuple(tuple(f"k{n}={i}" for i in range(size)) for n, size in enumerate(SIZES, 1))


def pack(ids: list[int]) -> int:
    packed = 0
    for bits, i in zip(BITS, ids, strict=True):
        packed = packed << bits | i
    return packed


def unpack(packed: int) -> list[int]:
    """The cluster id at each size, coarsest first."""
    ids = []
    for bits in reversed(BITS):
        ids.append(packed & ((1 << bits) - 1))
        packed >>= bits
    return ids[::-1]


def embedded_and_anchors(kiwi, rng) -> tuple[list[int], list[int]]:
    """The ids of every morpheme Kiwi embeds, and ANCHORS of them drawn by ``rng``
    (a numpy Generator) to represent the others by their similarities."""
    similarity = kiwi.morpheme_similarity
    embedded: list[int] = []
    while True:  # embedded morphemes come first; the rest have no vector (NaN)
        i = len(embedded)
        try:
            if not similarity(i, i) > 0:
                break
        except (IndexError, ValueError, RuntimeError):
            break
        embedded.append(i)
    pool = [i for i in embedded[200:30000] if kiwi.morpheme(i).tag in ANCHOR_TAGS]
    return embedded, [int(a) for a in rng.choice(pool, ANCHORS, replace=False)]


def build(kiwi, seed: int = 0) -> dict[str, list[int]]:
    """``form/tag -> [cluster id per size]`` for every morpheme Kiwi embeds."""
    import numpy as np

    similarity = kiwi.morpheme_similarity
    rng = np.random.default_rng(seed)
    embedded, anchors = embedded_and_anchors(kiwi, rng)
    vectors = np.array([[similarity(i, a) for a in anchors] for i in embedded],
                       dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    ids = [_kmeans(vectors, size, rng) for size in SIZES]
    table = {}
    for row, i in enumerate(embedded):
        morph = kiwi.morpheme(i)
        if morph.form and not morph.tag.startswith(SKIP_TAGS):
            table[f"{morph.form}/{morph.tag}"] = [int(column[row]) for column in ids]
    return table


def _kmeans(vectors, size: int, rng, rounds: int = 15):
    """Spherical k-means: the cluster of each (unit) vector."""
    import numpy as np

    centres = vectors[rng.choice(len(vectors), size, replace=False)].copy()
    for _ in range(rounds):
        nearest = np.argmax(vectors @ centres.T, axis=1)
        sums = np.zeros_like(centres)
        np.add.at(sums, nearest, vectors)
        norms = np.linalg.norm(sums, axis=1)
        used = norms > 0
        centres[used] = sums[used] / norms[used, None]
    return np.argmax(vectors @ centres.T, axis=1)


def _content(path: Path) -> bytes:
    """The table's JSON lines; a missing or damaged file is one sentence."""
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read()
    except (OSError, EOFError, zlib.error):
        raise HanmarkError(f"The word clusters file {path} is missing or damaged; "
                           "reinstall hanmark.") from None


def checksum(path: Path = PATH) -> str:
    """Of the table itself, not of its compressed file."""
    return _read(path)[0]


def load(path: Path = PATH) -> Clusters:
    """``form/tag -> packed cluster ids``, read once (about 100 ms)."""
    return _read(path)[1]


@cache
def _read(path: Path) -> tuple[str, Clusters]:
    """The table's checksum and the table, from one read of the file. The file
    is JSON lines of CHUNK morphemes each: parsing one holds the GIL for a few
    milliseconds, so the screen keeps answering while a worker loads it (one
    object for the whole table held it for 60 ms)."""
    content = _content(path)
    table: Clusters = {}
    try:
        for line in content.splitlines():
            table.update({key: pack(ids) for key, ids in json.loads(line).items()})
    except (ValueError, TypeError, AttributeError):
        raise HanmarkError(f"The word clusters file {path} is damaged; "
                           "reinstall hanmark.") from None
    return hashlib.sha256(content).hexdigest()[:16], table


def main() -> None:
    parser = argparse.ArgumentParser(description="Rebuild the shipped morpheme clusters.")
    parser.add_argument("--out", type=Path, default=PATH)
    args = parser.parse_args()
    from .analyzer import get_analyzer

    table = build(get_analyzer().kiwi)
    keys = sorted(table)
    data = "".join(json.dumps({key: table[key] for key in keys[i:i + CHUNK]},
                              ensure_ascii=False) + "\n"
                   for i in range(0, len(keys), CHUNK)).encode()
    with open(args.out, "wb") as out, gzip.GzipFile("", "wb", fileobj=out, mtime=0) as fh:
        fh.write(data)  # no name or time in the header: a rebuild is byte-identical
    print(f"{len(table)} morphemes -> {args.out} ({checksum(args.out)})")


if __name__ == "__main__":
    main()
