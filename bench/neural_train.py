"""Training of hanmark's neural tagger (nlp/neural.py) in torch, on CPU.

torch is imported here only: it is never a dependency of hanmark, which runs
the exported weights in numpy. ``morpheme_vectors`` turns Kiwi's CoNg
embeddings into dense vectors (similarities to 512 anchor morphemes, as
nlp/clusters.py does, reduced by PCA); ``train`` fits the BiGRU and returns
the weights file's arrays.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from hanmark.nlp.analyzer import Analysis
from hanmark.nlp.clusters import SKIP_TAGS, embedded_and_anchors
from hanmark.nlp.crf import FOLDS, TrainingItem, _gazetteers
from hanmark.nlp.ensemble import TAG_INDEX
from hanmark.nlp.neural import FORMAT, GAZETTEER, OUTSIDE_WORD, TAGS, TYPES, Vocab
from hanmark.store.span_utils import spans_to_tags

CACHE = Path("/tmp/hanmark-neural")
LM_CHARS = 600  # characters the language-model heads tell apart


def morpheme_vectors(kiwi, dims: int = 64, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """``form/tag`` keys and their PCA-reduced anchor-similarity vectors (cached)."""
    path = CACHE / f"morph-{dims}-{seed}.npz"
    if path.is_file():
        with np.load(path) as data:
            return json.loads(str(data["keys"])), data["vectors"]
    similarity = kiwi.morpheme_similarity
    rng = np.random.default_rng(seed)
    embedded, anchors = embedded_and_anchors(kiwi, rng)
    keys, rows, seen = [], [], set()
    for i in embedded:
        morph = kiwi.morpheme(i)
        key = f"{morph.form}/{morph.tag}"
        if morph.form and not morph.tag.startswith(SKIP_TAGS) and key not in seen:
            seen.add(key)
            keys.append(key)
            rows.append([similarity(i, a) for a in anchors])
    vectors = np.array(rows, dtype=np.float32)
    vectors -= vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(vectors[rng.choice(len(vectors), 20000, replace=False)],
                             full_matrices=False)
    reduced = vectors @ vt[:dims].T
    reduced /= reduced.std(axis=0)  # each direction at unit scale (the first dwarfs the rest)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, keys=json.dumps(keys, ensure_ascii=False), vectors=reduced)
    return keys, reduced


def char_vectors(texts: Sequence[str], dims: int = 48, window: int = 2, min_count: int = 3,
                 seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Character vectors from unlabeled text: the SVD of positive PMI of the
    characters within ``window`` of each other (smoothed contexts), each
    dimension at unit scale, as torch initialises embeddings."""
    counts = Counter(c for text in texts for c in text)
    chars = sorted(c for c, n in counts.items() if n >= min_count)
    index = {c: i for i, c in enumerate(chars)}
    v = len(chars)
    gap = "\n" * window  # no window reaches across two texts
    ids = np.array([index.get(c, -1) for c in gap.join(texts)])
    pairs = np.zeros(v * v)
    for d in range(1, window + 1):
        a, b = ids[:-d], ids[d:]
        keep = (a >= 0) & (b >= 0)
        pairs += np.bincount(a[keep] * v + b[keep], minlength=v * v)
        pairs += np.bincount(b[keep] * v + a[keep], minlength=v * v)
    m = pairs.reshape(v, v)
    rows = m.sum(axis=1, keepdims=True)
    cols = m.sum(axis=0, keepdims=True) ** 0.75
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(m * cols.sum() / (rows * cols))
    pmi = np.nan_to_num(np.maximum(pmi, 0.0), posinf=0.0)
    rng = np.random.default_rng(seed)  # a randomised SVD: the top directions only
    q, _ = np.linalg.qr(pmi @ rng.normal(size=(v, dims + 20)))
    u, sv, _ = np.linalg.svd(q.T @ pmi, full_matrices=False)
    vectors = (q @ u[:, :dims]) * np.sqrt(sv[:dims])
    return chars, (vectors / (vectors.std(axis=0) + 1e-9)).astype(np.float32)


Part = tuple[list[Analysis], list, list]  # texts, gold spans, gazetteer matches


def fit_and_dev(items: Sequence[TrainingItem], *, dev: bool = True, gazetteer: bool = True
                ) -> tuple[Part, Part | None]:
    """The tagger's data from the CRF's training items, with cross-fitted
    gazetteer matches as the CRF trains with (none without ``gazetteer``):
    the nine tenths it fits on and every tenth item, which picks its epoch
    (without ``dev``: all of them fit, and no dev part)."""
    folds = _gazetteers(items, FOLDS)
    found = [folds[i % FOLDS].find_in(it.analysis) if gazetteer else []
             for i, it in enumerate(items)]

    def part(rows: list[int]) -> Part:
        return ([items[i].analysis for i in rows], [items[i].spans for i in rows],
                [found[i] for i in rows])

    if not dev:
        return part(list(range(len(items)))), None
    return (part([i for i in range(len(items)) if i % 10]),
            part([i for i in range(len(items)) if not i % 10]))


def build_vocab(analyses: Sequence[Analysis], pretrained: Sequence[str] = ()
                ) -> tuple[list[str], list[str]]:
    """Characters seen at least twice in the training texts or with a
    pretrained vector, and Kiwi's tags."""
    counts = Counter(c for a in analyses for c in a.text)
    chars = sorted({c for c, n in counts.items() if n >= 2} | set(pretrained))
    tags = sorted({t.tag for a in analyses for t in a.tokens})
    return chars, tags


def train(analyses: Sequence[Analysis], spans: Sequence, matches: Sequence,
          morph_keys: list[str], morph_vectors: np.ndarray, *,
          dev: tuple[Sequence[Analysis], Sequence, Sequence] | None = None,
          chars_pretrained: tuple[list[str], np.ndarray] | None = None,
          pseudo: tuple[Sequence[Analysis], Sequence[np.ndarray], Sequence] | None = None,
          unlabeled: tuple[Sequence[Analysis], Sequence] | None = None, lm_weight: float = 0.1,
          unknown: float = 0.0,
          epochs: int = 20, hidden: int = 64, seed: int = 0, log=print) -> dict[str, np.ndarray]:
    """Fit the BiGRU on ``analyses`` with gold ``spans`` and gazetteer
    ``matches`` (cross-fitted, as the CRF's); with ``dev`` (the same three),
    keep the epoch of best dev entity F1; ``chars_pretrained`` (``char_vectors``)
    start the character embeddings; ``pseudo`` adds unlabeled texts with a
    teacher's per-character tag distributions ``(n, len(TAGS))`` as targets
    (and their matches); ``unlabeled`` texts (and their matches) train only
    the language-model heads: each direction's state predicts the next
    character it will read, weighted ``lm_weight`` against tagging, on the
    gold texts too (the heads are not exported: inference costs the same).
    ``unknown``: the share of characters read as unknown characters of no
    embedded morpheme in each training batch (so names never seen are read
    from their context). Returns the weights file's arrays."""
    import torch

    from hanmark.nlp.evaluate import score
    from hanmark.nlp.neural import NeuralTagger
    from hanmark.store.span_utils import tags_to_spans

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    random.seed(seed)
    chars, tags = build_vocab(analyses, chars_pretrained[0] if chars_pretrained else ())
    vocab = Vocab.from_lists(chars, tags, morph_keys)
    eye = np.eye(len(TAGS), dtype=np.float32)
    data = [(torch.from_numpy(vocab.encode([a], [m])),
             torch.from_numpy(eye[[TAG_INDEX[t] for t in spans_to_tags(len(a.text), list(s),
                                                                        "bioes")]]))
            for a, s, m in zip(analyses, spans, matches, strict=True) if a.text]
    if pseudo:
        data += [(torch.from_numpy(vocab.encode([a], [m])), torch.from_numpy(p.astype(np.float32)))
                 for a, p, m in zip(*pseudo, strict=True) if a.text]
    if unlabeled:
        data += [(torch.from_numpy(vocab.encode([a], [m])), torch.zeros(len(a.text), len(TAGS)))
                 for a, m in zip(*unlabeled, strict=True) if a.text]
        # the heads predict the LM_CHARS commonest characters, the rest as one class
        counts = np.bincount(np.concatenate([x[:, 0].numpy() for x, _ in data]),
                             minlength=len(chars) + 2)
        counts[:2] = 0
        lm_class = np.ones(len(chars) + 2, np.int64)
        lm_class[0] = 0
        lm_class[np.argsort(-counts)[:LM_CHARS]] = np.arange(2, LM_CHARS + 2)
        lm_class = torch.from_numpy(lm_class)
    model = _Model(len(chars) + 2, len(TYPES) + 1, len(tags) * 4 + 5, OUTSIDE_WORD + 1,
                   GAZETTEER,
                   torch.from_numpy(np.vstack([np.zeros((1, morph_vectors.shape[1])),
                                               morph_vectors]).astype(np.float32)), hidden,
                   lm=bool(unlabeled))
    if chars_pretrained:
        found = {c: i for i, c in enumerate(chars_pretrained[0])}
        with torch.no_grad():
            for i, c in enumerate(chars, 2):
                if c in found:
                    model.char.weight[i] = torch.from_numpy(chars_pretrained[1][found[c]])
    optimiser = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=2e-3)
    meta = {"format": FORMAT, "chars": chars, "tags": tags, "morphemes": morph_keys,
            "hidden": hidden}
    best, best_f1 = None, -1.0
    for epoch in range(epochs):
        started = time.perf_counter()
        model.train()
        random.shuffle(data)
        total = 0.0
        for b in range(0, len(data), 32):
            batch = data[b:b + 32]
            optimiser.zero_grad()
            ids = torch.nn.utils.rnn.pad_sequence([x for x, _ in batch], batch_first=True)
            inputs = ids
            if unknown:
                hide = (torch.rand(ids.shape[:2]) < unknown) & (ids[..., 0] > 0)
                inputs = ids.clone()
                inputs[..., 0][hide] = 1
                inputs[..., 3][hide] = 0
            logits, states = model(inputs, torch.tensor([len(x) for x, _ in batch]))
            gold = torch.nn.utils.rnn.pad_sequence([y for _, y in batch], batch_first=True)
            # cross-entropy against target distributions (padding's and unlabeled
            # texts' are all zero)
            loss = -(gold * torch.log_softmax(logits, dim=-1)).sum() / max(gold.sum(), 1.0)
            if unlabeled:
                loss = loss + lm_weight * model.lm_loss(states, lm_class[ids[..., 0]])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimiser.step()
            total += loss.item() * len(batch)
        arrays = export(model, meta)
        line = f"epoch {epoch + 1}: loss {total / len(data):.4f}"
        if dev:
            tagger = NeuralTagger(arrays)
            predicted = tagger.tag(dev[0], dev[2])
            f1 = score((a.text, s, tags_to_spans(p)) for a, s, p in zip(
                dev[0], dev[1], predicted, strict=True))["entity"]["f1"]
            line += f", dev F1 {f1:.4f}"
            if f1 > best_f1:
                best, best_f1 = arrays, f1
        else:
            best = arrays
        log(f"{line} ({time.perf_counter() - started:.0f} s)")
    return best


def _module():
    import torch

    class Model(torch.nn.Module):
        def __init__(self, n_chars, n_types, n_tagpos, n_word, n_gaz, morph, hidden, lm=False):
            super().__init__()
            self.char = torch.nn.Embedding(n_chars, 48, padding_idx=0)
            self.ctype = torch.nn.Embedding(n_types, 8, padding_idx=0)
            self.tagpos = torch.nn.Embedding(n_tagpos, 24, padding_idx=0)
            self.word = torch.nn.Embedding(n_word, 8, padding_idx=0)
            self.gaz = torch.nn.Embedding(n_gaz, 8)
            self.morph = torch.nn.Embedding.from_pretrained(morph, freeze=True)
            self.drop = torch.nn.Dropout(0.25)
            self.gru = torch.nn.GRU(48 + 8 + 24 + 8 + 8 + morph.shape[1], hidden,
                                    batch_first=True, bidirectional=True)
            self.out = torch.nn.Linear(2 * hidden, len(TAGS))
            self.widths = (48, 8, 24, 8, 8, morph.shape[1])
            self.hidden = hidden
            if lm:  # created only when trained, so other recipes draw the same random numbers
                self.next_char = torch.nn.Linear(hidden, LM_CHARS + 2)
                self.previous_char = torch.nn.Linear(hidden, LM_CHARS + 2)

        def forward(self, ids, lengths):
            x = torch.cat([self.char(ids[..., 0]), self.ctype(ids[..., 1]),
                           self.tagpos(ids[..., 2]), self.word(ids[..., 4]),
                           self.gaz(ids[..., 5]), self.morph(ids[..., 3])], dim=-1)
            packed = torch.nn.utils.rnn.pack_padded_sequence(
                self.drop(x), lengths, batch_first=True, enforce_sorted=False)
            out, _ = self.gru(packed)
            out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
            out = self.drop(out)
            return self.out(out), out

        def lm_loss(self, states, chars):
            """The forward state at t predicts character t+1, the backward t-1."""
            h, loss = self.hidden, torch.nn.functional.cross_entropy
            ahead = self.next_char(states[:, :-1, :h])
            behind = self.previous_char(states[:, 1:, h:])
            return (loss(ahead.reshape(-1, ahead.shape[-1]), chars[:, 1:].reshape(-1),
                         ignore_index=0)
                    + loss(behind.reshape(-1, behind.shape[-1]), chars[:, :-1].reshape(-1),
                           ignore_index=0)) / 2

    return Model


def _Model(*args, **kwargs):
    return _module()(*args, **kwargs)


def export(model, meta: dict) -> dict[str, np.ndarray]:
    """The numpy arrays of nlp/neural.py: embedding tables folded into the
    GRU's input weights (both directions side by side)."""
    import torch

    with torch.no_grad():
        g = model.gru
        w_ih = torch.cat([g.weight_ih_l0, g.weight_ih_l0_reverse]).numpy()  # (6h, in)
        b_ih = torch.cat([g.bias_ih_l0, g.bias_ih_l0_reverse]).numpy()
        parts = np.split(w_ih, np.cumsum(model.widths)[:-1], axis=1)
        tables = [model.char.weight, model.ctype.weight, model.tagpos.weight,
                  model.word.weight, model.gaz.weight]
        folded = [t.numpy() @ w.T for t, w in zip(tables, parts[:5], strict=True)]
        return {
            "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8),
            "char_in": folded[0].astype(np.float16), "type_in": folded[1], "tagpos_in": folded[2],
            "word_in": folded[3], "gaz_in": folded[4],
            "morph": model.morph.weight.numpy().astype(np.float16),
            "morph_in": parts[5].T.copy(), "bias_in": b_ih,
            "w_hh": np.stack([g.weight_hh_l0.numpy().T, g.weight_hh_l0_reverse.numpy().T]),
            "b_hh": np.stack([g.bias_hh_l0.numpy(), g.bias_hh_l0_reverse.numpy()]),
            "w_out": model.out.weight.numpy().T.copy(), "b_out": model.out.bias.numpy().copy(),
        }
