"""A small neural tagger in numpy: a character BiGRU over characters, Kiwi
morphemes and Kiwi's CoNg morpheme embeddings, whose per-character BIOES
probabilities are averaged with the CRF's marginals (issue 17).

It brings what the CRF lacks: dense vectors of morphemes from Kiwi's
language model (each morpheme's cosine similarities to 512 anchor morphemes,
reduced by PCA), so a name the training data never showed sits near the
names it resembles, and context read across the whole sentence.

Inference needs numpy only (training is in bench/neural_train.py, with
torch). A weights file is an ``.npz`` (no pickles): the arrays below and
``meta``, the UTF-8 bytes of a JSON object with the vocabularies (``format``,
``chars``, ``tags``, ``morphemes``). The embedding tables come already
multiplied by the GRU's input weights, so the input projection is a sum of
table rows.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

from hanmark.store import HanmarkError

from .analyzer import Analysis
from .features import _TYPES
from .gold import LABELS
from .rules import Candidate

FORMAT = "hanmark-neural"
TAGS = ("O", *(f"{p}-{label}" for label in LABELS for p in "BIES"))
TYPES = "HJDULCSP"  # features.char_type's letters
OUTSIDE_WORD = 5  # word position id of a space
COLUMNS = 6  # ids per character (Vocab.encode)
GAZETTEER = 2 * len(LABELS) + 1  # gazetteer ids: none, then B- and I- of each label
BATCH = 128

_TYPE_IDS = np.zeros(256, dtype=np.int64)
for _i, _letter in enumerate(TYPES, 1):
    _TYPE_IDS[ord(_letter)] = _i


@dataclass
class Vocab:
    """What the encoding maps to ids: characters, Kiwi tags, embedded morphemes."""

    chars: dict[str, int]
    tags: dict[str, int]
    morphemes: dict[str, int]

    @classmethod
    def from_lists(cls, chars: Sequence[str], tags: Sequence[str],
                   morphemes: Sequence[str]) -> Vocab:
        # 0 is padding, 1 an unknown character / tag; morpheme row 0 is "none"
        return cls({c: i for i, c in enumerate(chars, 2)}, {t: i for i, t in enumerate(tags, 1)},
                   {m: i for i, m in enumerate(morphemes, 1)})

    def encode(self, analyses: Sequence[Analysis],
               matches: Sequence[Sequence[Candidate]] | None = None) -> np.ndarray:
        """Ids ``(characters, COLUMNS)`` of every character of the texts one after
        the other: character, type, morpheme tag by position in the morpheme,
        morpheme row, position in the eojeol, gazetteer match (B- or I- of its
        label). Per token and word only lists are built; the rest is numpy over
        the whole batch."""
        texts = [a.text for a in analyses]
        joined = "".join(texts)
        total = len(joined)
        out = np.zeros((total, COLUMNS), np.int64)
        out[:, 0] = np.fromiter(map(self.chars.get, joined, repeat(1, total)), np.int64, total)
        out[:, 1] = _TYPE_IDS[np.frombuffer(joined.translate(_TYPES).encode("ascii"), np.uint8)]
        tags, morphemes = self.tags, self.morphemes
        starts, ends, limits, sizes, tag_ids, rows = [], [], [], [], [], []
        w_starts, w_ends = [], []
        offset = 0
        for a, text in zip(analyses, texts, strict=True):
            n, toks = len(text), a.tokens
            starts += [t.start + offset for t in toks]
            ends += [t.end + offset for t in toks]
            limits += [n + offset] * len(toks)
            sizes += [t.end - t.start for t in toks]
            tag_ids += [tags.get(t.tag, 0) for t in toks]
            rows += [morphemes.get(t.form + "/" + t.tag, 0) for t in toks]
            w_starts += [s + offset for s, _ in a.words]
            w_ends += [e + offset for _, e in a.words]
            offset += n
        if starts:
            chars, unit, pos = _units(np.array(starts),
                                      np.minimum(np.array(ends), np.array(limits)),
                                      np.array(sizes))
            # each character reads its first morpheme (했 = 하 + 었), as the CRF's features
            chars, first = np.unique(chars, return_index=True)
            unit, pos = unit[first], pos[first]
            out[chars, 2] = np.array(tag_ids)[unit] * 4 + pos
            out[chars, 3] = np.array(rows)[unit]
        out[:, 4] = OUTSIDE_WORD
        if w_starts:
            w_starts_a = np.array(w_starts)
            chars, _, pos = _units(w_starts_a, np.array(w_ends), np.array(w_ends) - w_starts_a)
            out[chars, 4] = pos
        offset = 0
        for text, found in zip(texts, matches or [()] * len(texts), strict=True):
            for cand in found:
                label = 2 * LABELS.index(cand.label) if cand.label in LABELS else -1
                if label >= 0:
                    out[offset + cand.start, 5] = label + 1
                    out[offset + cand.start + 1:offset + cand.end, 5] = label + 2
            offset += len(text)
        return out


def _units(starts: np.ndarray, ends: np.ndarray, sizes: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For runs ``starts:ends`` (cut short of their full ``sizes`` at a text's
    end): each character, its run, and its position 1-4 (B/I/E/S) in the run."""
    counts = np.maximum(ends - starts, 0)
    unit = np.repeat(np.arange(len(starts)), counts)
    inside = np.arange(len(unit)) - np.repeat(np.cumsum(counts) - counts, counts)
    size = sizes[unit]
    pos = np.where(size == 1, 4, np.where(inside == 0, 1, np.where(inside == size - 1, 3, 2)))
    return starts[unit] + inside, unit, pos


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


# Tag indices: O, then B I E S of each label. A valid BIOES sequence continues an
# open entity (after B- or I- of a label) with I- or E- of that label, and
# anything else (after O, E- or S-) with O, B- or S-.
_LABELS = len(LABELS)
_B = 1 + 4 * np.arange(_LABELS)
_I, _E, _S = _B + 1, _B + 2, _B + 3
_CLOSED = np.concatenate([[0], _E, _S])  # tags after which an entity may start
_OPENS = np.concatenate([[0], _B, _S])  # tags allowed after a closed one
_START = np.full(len(TAGS), -np.inf)
_START[_OPENS] = 0.0
_END = np.full(len(TAGS), -np.inf)
_END[_CLOSED] = 0.0


def viterbi(probs: Sequence[np.ndarray]) -> list[list[str]]:
    """The most probable valid BIOES tagging of each sentence under per-character
    probabilities ``(n, len(TAGS))``, batched over sentences. Transitions are
    allowed or not, so each step needs one maximum over the closed tags and
    one per label over its B- and I-, not one over every pair of tags."""
    out: list[list[str]] = [[] for _ in probs]
    order = sorted(range(len(probs)), key=lambda i: len(probs[i]))
    for b in range(0, len(order), BATCH):
        batch = [i for i in order[b:b + BATCH] if len(probs[i])]
        if not batch:
            continue
        size, t_max = len(batch), len(probs[batch[-1]])
        scores = np.full((size, t_max, len(TAGS)), -np.inf, np.float32)
        scores[:, :, 0] = 0.0  # after a sentence's end: O only, so it ends validly
        for row, i in enumerate(batch):
            scores[row, :len(probs[i])] = np.log(np.maximum(probs[i], 1e-12))
        delta = scores[:, 0] + _START
        back = np.empty((t_max, size, len(TAGS)), np.int64)
        rows = np.arange(size)
        for t in range(1, t_max):
            closed = _CLOSED[np.argmax(delta[:, _CLOSED], axis=1)]
            best_closed = delta[rows, closed]
            inside = delta[:, _I] > delta[:, _B]
            opened = np.where(inside, _I, _B)
            step = back[t]
            step[:, _OPENS] = closed[:, None]
            step[:, _I] = step[:, _E] = opened
            new = np.empty_like(delta)
            new[:, _OPENS] = best_closed[:, None]
            new[:, _I] = new[:, _E] = np.where(inside, delta[:, _I], delta[:, _B])
            delta = new + scores[:, t]
        best = np.argmax(delta + _END, axis=1)
        path = np.empty((size, t_max), np.int64)
        path[:, -1] = best
        for t in range(t_max - 1, 0, -1):
            best = back[t, rows, best]
            path[:, t - 1] = best
        for row, i in enumerate(batch):
            out[i] = [TAGS[j] for j in path[row, :len(probs[i])]]
    return out


class NeuralTagger:
    """A trained BiGRU tagger loaded from its ``.npz`` weights file."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError("not a hanmark neural tagger")
        self.meta = meta
        self.vocab = Vocab.from_lists(meta["chars"], meta["tags"], meta["morphemes"])
        f32 = np.float32
        self.w_hh = arrays["w_hh"].astype(f32)  # (2, hidden, 3 * hidden)
        self.b_hh = arrays["b_hh"].astype(f32)[:, None]  # (2, 1, 3 * hidden)
        self.hidden = h = self.w_hh.shape[1]
        gates = 3 * h
        # Input tables already multiplied by the GRU's input weights, both
        # directions side by side; the small ones (character type, word position,
        # gazetteer match) summed into one table over their combinations, so each
        # character needs three lookups.
        self.char_in = arrays["char_in"].astype(f32)  # (rows, 2 * gates)
        self.tagpos_in = arrays["tagpos_in"].astype(f32)
        ctype, word, gaz = (arrays[k].astype(f32) for k in ("type_in", "word_in", "gaz_in"))
        self._sizes = (len(word), len(gaz))
        self.small_in = (ctype[:, None, None] + word[None, :, None] + gaz[None, None, :]
                         + arrays["bias_in"].astype(f32)).reshape(-1, 2 * gates)
        self.morph = arrays["morph"].astype(f32)  # (rows, dims) morpheme vectors
        self.morph_in = arrays["morph_in"].astype(f32)  # (dims, 2 * gates)
        self.w_out = arrays["w_out"].astype(f32)  # (2 * hidden, tags)
        self.b_out = arrays["b_out"].astype(f32)

    @classmethod
    def load(cls, path: str | Path) -> NeuralTagger:
        """Load a weights file; a missing or foreign file is one clear sentence."""
        path = Path(path)
        if not path.is_file():
            raise HanmarkError(f"No neural tagger at {path}.")
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls(dict(data))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile,
                UnicodeDecodeError):
            raise HanmarkError(f"{path} is not a hanmark neural tagger.") from None

    def probabilities(self, analyses: Sequence[Analysis],
                      matches: Sequence[Sequence[Candidate]] | None = None
                      ) -> list[np.ndarray]:
        """Per-character tag probabilities ``(n, len(TAGS))`` of each text;
        ``matches`` are each text's gazetteer matches (the CRF model's)."""
        out: list[np.ndarray] = [np.zeros((0, len(TAGS)), np.float32) for _ in analyses]
        order = sorted((i for i, a in enumerate(analyses) if a.text),
                       key=lambda i: len(analyses[i].text))
        for b in range(0, len(order), BATCH):
            batch = order[b:b + BATCH]
            found = self._batch(self.vocab.encode([analyses[i] for i in batch],
                                                  [matches[i] for i in batch] if matches
                                                  else None),
                                [len(analyses[i].text) for i in batch])
            for i, p in zip(batch, found, strict=True):
                out[i] = p
        return out

    def _inputs(self, ids: np.ndarray) -> np.ndarray:
        """GRU input gates of each character, both directions side by side
        ``(characters, 2 * gates)``."""
        n_word, n_gaz = self._sizes
        small = (ids[:, 1] * n_word + ids[:, 4]) * n_gaz + ids[:, 5]
        x = self.morph[ids[:, 3]] @ self.morph_in
        x += self.char_in[ids[:, 0]]
        x += self.tagpos_in[ids[:, 2]]
        x += self.small_in[small]
        return x

    def _batch(self, encoded: np.ndarray, lengths: list[int]) -> list[np.ndarray]:
        """Probabilities of each text of a batch sorted by length, shortest first.

        The inputs are laid out time-major, both directions together, and at
        each step only the texts still running are computed: the longest come
        first, so they are a prefix of the batch."""
        size, t_max, h = len(lengths), max(lengths), self.hidden
        rows = np.arange(size)[::-1]  # longest first
        length = np.array(lengths)[rows]
        start = (np.cumsum(lengths) - lengths)[rows]
        t = np.arange(t_max)[:, None]
        inside = t < length  # (time, batch)
        where = np.stack([np.where(inside, start + t, len(encoded)),  # left to right
                          np.where(inside, start + length - 1 - t, len(encoded))], axis=1)
        x = np.vstack([self._inputs(encoded),  # and a padding row
                       np.zeros((1, 6 * h), np.float32)]).reshape(-1, 2, 3 * h)
        x = x[where, np.arange(2)[None, :, None]]  # (time, 2, batch, gates)
        running = inside.sum(axis=1)
        state = np.zeros((2, size, h), np.float32)
        states = np.zeros((t_max, 2, size, h), np.float32)
        for step in range(t_max):
            a = running[step]
            now = state[:, :a]
            ht = np.matmul(now, self.w_hh)
            ht += self.b_hh
            xt = x[step, :, :a]
            rz = _sigmoid(xt[..., :2 * h] + ht[..., :2 * h])
            n = np.tanh(xt[..., 2 * h:] + rz[..., :h] * ht[..., 2 * h:])
            now = n + rz[..., h:] * (now - n)
            state[:, :a] = now
            states[step, :, :a] = now
        forward = states[:, 0] @ self.w_out[:h]  # (time, batch, tags)
        backward = states[:, 1] @ self.w_out[h:]
        back = np.where(inside, length - 1 - t, t)  # undo each text's reversal
        logits = forward + backward[back, np.arange(size)] + self.b_out
        logits -= logits.max(axis=2, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=2, keepdims=True)
        return [probs[:n, size - 1 - i] for i, n in enumerate(lengths)]

    def tag(self, analyses: Sequence[Analysis],
            matches: Sequence[Sequence[Candidate]] | None = None) -> list[list[str]]:
        """The best valid BIOES tagging of each text by this tagger alone."""
        return viterbi(self.probabilities(analyses, matches))
